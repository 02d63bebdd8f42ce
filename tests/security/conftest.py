"""Fixtures of the security tests: a small public site, and a way to run Django in a subprocess with a
given environment (settings are read once per process, so production profiles need their own)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import factories

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def public_site(db):
    commune = factories.CommuneFactory(name="Redon", insee_code="35236", latitude=47.65, longitude=-2.08)
    pole = factories.PoleFactory(name="CADES", slug="cades")
    actor = factories.ActorFactory(
        name="Les Charpentiers", slug="les-charpentiers", pole=pole, commune=commune
    )
    event = factories.EventFactory(pole=pole, slug="rencontre-eco-construction", commune=commune)
    return {"pole": pole, "actor": actor, "event": event}


def example_environment(**overrides: str) -> dict[str, str]:
    """The variables of .env.example, with a secret key and an admin filled in, plus ``overrides``."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    values.update(SECRET_KEY="x" * 30 + "-long-random-production-secret-key", ADMINS="admin@example.org")
    values.update(overrides)
    return values


def run_django(code: str, environment: dict[str, str], timeout: float = 60) -> dict:
    """Run ``code`` after ``django.setup()`` in a fresh Python with only ``environment`` (plus PATH) set;
    the code prints one JSON object as its last line, returned here."""
    return run_django_with_output(code, environment, timeout)[0]


def run_django_with_output(code: str, environment: dict[str, str], timeout: float = 60) -> tuple[dict, list]:
    """Like ``run_django``, also returning the lines printed before the JSON object (the logs)."""
    script = "import django, json, os\ndjango.setup()\n" + code
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "ess_portal.settings",
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr
    *output, last = result.stdout.strip().splitlines()
    return json.loads(last), output


def manage_check(environment: dict[str, str]) -> subprocess.CompletedProcess:
    """``manage.py check`` in a fresh process with only ``environment`` (plus PATH) set."""
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
