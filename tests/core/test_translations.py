"""The French translation is complete: every msgid of the project has a French, non-fuzzy translation,
and the committed .mo matches the .po."""

from pathlib import Path

import polib
from django.conf import settings

PO_FILE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def _entries():
    return [entry for entry in polib.pofile(str(PO_FILE)) if not entry.obsolete]


def test_every_french_string_is_translated():
    missing = [entry.msgid for entry in _entries() if not entry.translated()]
    assert not missing, f"{len(missing)} untranslated French strings, e.g. {missing[:10]}"


def test_no_french_string_is_fuzzy():
    fuzzy = [entry.msgid for entry in _entries() if "fuzzy" in entry.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy French strings, e.g. {fuzzy[:10]}"


def test_compiled_catalogue_is_up_to_date():
    compiled = {entry.msgid for entry in polib.mofile(str(PO_FILE.with_suffix(".mo")))}
    translated = {entry.msgid for entry in _entries() if entry.translated() and "fuzzy" not in entry.flags}
    assert translated <= compiled, f"not compiled: {sorted(translated - compiled)[:10]}"


def test_every_string_of_the_jinja2_templates_is_translated():
    """The public pages are Jinja2 templates: each of their strings must be in the French catalogue (an
    unextracted string would be shown in English without failing the tests above)."""
    from django.template import engines

    environment = engines["jinja2"].env
    translated = {entry.msgid for entry in _entries() if entry.translated()}
    missing = []
    for path in sorted((Path(settings.BASE_DIR) / "jinja2").rglob("*.html")):
        for _lineno, function, message in environment.extract_translations(path.read_text()):
            if isinstance(message, tuple):  # (singular, plural) or (context, singular, …)
                message = message[1] if function.startswith(("pgettext", "npgettext")) else message[0]
            if message and message not in translated:
                missing.append(f"{path.relative_to(settings.BASE_DIR)}: {message}")
    assert not missing, f"{len(missing)} strings of the Jinja2 templates are not translated: {missing[:10]}"
