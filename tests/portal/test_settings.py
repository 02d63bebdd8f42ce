"""Start-up refuses a bad configuration with one line naming the variable at fault.

Each case starts a fresh interpreter: settings are read once per process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SETUP = [sys.executable, "-c", "import django; django.setup()"]
CHECK = [sys.executable, "manage.py", "check"]


def start(command, **variables):
    """Run ``command`` in the project with these environment variables (None removes one)."""
    environ = {k: v for k, v in os.environ.items() if k not in variables and not k.startswith("PYTEST")}
    environ.update({k: v for k, v in variables.items() if v is not None})
    environ["DJANGO_SETTINGS_MODULE"] = "ess_portal.settings"
    return subprocess.run(command, cwd=BASE_DIR, env=environ, capture_output=True, text=True, timeout=60)


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize("command", [SETUP, CHECK], ids=["django.setup", "manage.py check"])
def test_production_without_secret_key_stops_with_one_line_naming_it(command):
    result = start(command, DEBUG="False", SECRET_KEY="", ALLOWED_HOSTS="ess.example.org")

    assert result.returncode != 0
    assert "SECRET_KEY" in one_line(result.stderr)


@pytest.mark.parametrize(
    "url", ["notaurl", "postgres://ess:s3cr3t@localhost:notaport/ess", "nosuchdb://ess:s3cr3t@localhost/ess"]
)
@pytest.mark.parametrize("command", [SETUP, CHECK], ids=["django.setup", "manage.py check"])
def test_a_malformed_database_url_stops_with_one_line_naming_it(command, url):
    result = start(command, DATABASE_URL=url)

    assert result.returncode != 0
    line = one_line(result.stderr)
    assert "DATABASE_URL" in line
    assert "s3cr3t" not in line


def test_production_with_its_variables_starts():
    result = start(
        SETUP,
        DEBUG="False",
        SECRET_KEY="a-long-random-production-secret-for-this-test-only",
        ALLOWED_HOSTS="ess.example.org",
        DATABASE_URL="sqlite:////tmp/ess-settings-test.sqlite3",
    )

    assert result.returncode == 0, result.stderr


EMPTY_MEANS_UNSET = """
import json, os, runpy, sys
from django.conf import settings
settings.configure(USE_I18N=False)  # lazy translations in the settings module evaluate to their msgids
path, base, names = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])

def read(environment):
    os.environ.clear()
    os.environ.update(environment)
    try:
        values = runpy.run_path(path)
    except Exception as exc:  # start-up refused: that differs from any start-up that succeeds
        return {"start-up": str(exc)}
    return {k: json.dumps(v, default=str, sort_keys=True) for k, v in values.items() if k.isupper()}

changed = {}
for name in names:
    unset, empty = read({k: v for k, v in base.items() if k != name}), read({**base, name: ""})
    if "start-up" in unset.keys() | empty.keys():  # the same refusal either way is the same behaviour
        changed[name] = [] if unset == empty else [f"start-up: {r.get('start-up')}" for r in (unset, empty)]
    else:
        changed[name] = sorted(k for k in unset.keys() | empty.keys() if unset.get(k) != empty.get(k))
print(json.dumps(changed))
"""


def example_variables() -> dict[str, str]:
    """The variables of .env.example, as docker compose's env_file reads them (empty values kept)."""
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    return dict(line.partition("=")[::2] for line in lines if line and not line.startswith("#"))


@pytest.mark.parametrize(
    "base",
    [
        {},
        {
            **example_variables(),
            "SECRET_KEY": "a-long-random-production-secret-for-this-test-only",
            "DATABASE_URL": "sqlite:////tmp/ess-settings-test.sqlite3",
        },
    ],
    ids=["development, nothing else set", "production, the other variables of .env.example"],
)
def test_every_variable_of_env_example_left_empty_means_unset(base):
    """`cp .env.example .env` leaves optional variables empty, and compose passes them on as empty
    strings: each must take its default, exactly as if it were absent (`CACHE_URL=` once made the
    cache an empty Redis URL and the web container restart for ever)."""
    names = sorted(example_variables())
    environ = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    script = [sys.executable, "-c", EMPTY_MEANS_UNSET, str(BASE_DIR / "ess_portal" / "settings.py")]
    result = subprocess.run(
        [*script, json.dumps({**environ, **base}), json.dumps(names)],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    changed = json.loads(result.stdout)
    assert {name: settings for name, settings in changed.items() if settings} == {}


def test_the_map_tiles_credit_openstreetmap_when_the_attribution_is_left_empty():
    code = "from django.conf import settings; print(settings.LEAFLET_CONFIG['TILES'][0][2]['attribution'])"
    result = start(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        MAP_TILES_ATTRIBUTION="",
        MAP_TILES_URL="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    )

    assert result.returncode == 0, result.stderr
    assert "OpenStreetMap" in result.stdout
    assert "https://www.openstreetmap.org/copyright" in result.stdout
