"""Start-up refuses a bad configuration with one line naming the variable at fault.

Each case starts a fresh interpreter: settings are read once per process.
"""

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
