"""Every environment variable the settings read is documented for the people who deploy the portal."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
