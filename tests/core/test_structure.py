"""The structure of the code holds: dependencies point one way (the import contracts of
``pyproject.toml``, also run by ``make lint``) and no module of the apps outgrows one concern."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["core", "poles", "actors", "events", "demo", "ess_portal"]
#: "No module over about 500 lines": one concern per module (services are packages of such modules).
MAX_LINES = 520


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_no_module_of_the_apps_holds_several_concerns():
    long = {
        str(path.relative_to(ROOT)): lines
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
