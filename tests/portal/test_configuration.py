"""Every setting the code reads is defined in the settings, and every environment variable the settings
read is documented for the people who deploy the portal."""

import re
from pathlib import Path

from django.conf import global_settings

ROOT = Path(__file__).resolve().parents[2]
#: The portal's own code (the tests and the demo data aside: they read what the code reads).
CODE = ["core", "poles", "actors", "events", "demo", "ess_portal", "bench"]
#: Read by the settings but set by the tooling, not by people deploying the portal.
INTERNAL = {"TESTING"}


def settings_variables() -> set[str]:
    source = (ROOT / "ess_portal" / "settings.py").read_text()
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"', source)) - INTERNAL


def test_the_settings_read_the_expected_core_variables():
    assert {
        "DEBUG",
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "SITE_URL",
    } <= settings_variables()


def test_every_variable_is_listed_in_env_example():
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), flags=re.M))
    assert settings_variables() - listed == set()


def test_every_variable_is_in_the_readme_configuration_table():
    readme = (ROOT / "README.md").read_text()
    assert {name for name in settings_variables() if f"`{name}`" not in readme} == set()


def settings_read_by_the_code() -> dict[str, set[str]]:
    """Each ``settings.NAME`` or ``getattr(settings, "NAME"…)`` of the code, and the files reading it."""
    reads: dict[str, set[str]] = {}
    pattern = re.compile(r'\bsettings\.([A-Z][A-Z0-9_]*)\b|getattr\(\s*settings\s*,\s*"([A-Z][A-Z0-9_]*)"')
    for folder in CODE:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for match in pattern.finditer(path.read_text()):
                reads.setdefault(match.group(1) or match.group(2), set()).add(str(path.relative_to(ROOT)))
    return reads


def settings_defined() -> set[str]:
    source = (ROOT / "ess_portal" / "settings.py").read_text()
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)\s*=", source, flags=re.M))


def test_the_scan_sees_settings_read_either_way():
    reads = settings_read_by_the_code()
    assert "core/public_cache.py" in reads["SESSION_COOKIE_NAME"]  # settings.X
    assert "SITE_URL" in reads


def test_every_setting_the_code_reads_is_defined_in_the_settings_or_by_django():
    """A setting read with a default in the code (``getattr(settings, "X", 300)``) but defined nowhere
    cannot be configured, and its default is repeated wherever it is read."""
    known = settings_defined() | {name for name in dir(global_settings) if name.isupper()}
    missing = {
        name: sorted(files) for name, files in settings_read_by_the_code().items() if name not in known
    }
    assert missing == {}
