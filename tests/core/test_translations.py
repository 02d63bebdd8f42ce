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
