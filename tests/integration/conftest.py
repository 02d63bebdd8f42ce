"""A real Celery worker for integration tests: a subprocess on the test database and on Redis.

Tests that use it are marked ``integration`` (skipped, with the reason, when REDIS_URL is unset) and
need a database the worker process can open, so a ``django_db(transaction=True)`` test on PostgreSQL.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/integration/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.integration)


def database_url_for_worker() -> str:
    """The URL of the database the test runs on (pytest-django's test database)."""
    db = settings.DATABASES["default"]
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot share an in-memory SQLite test database: use PostgreSQL")
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@contextmanager
def running_worker(extra_env: dict[str, str] | None = None, *, beat: bool = False, name: str = "test"):
    """Start ``celery worker`` (solo pool) on the test database, wait until it is ready, stop it after
    (a warm shutdown: the task it is running finishes first). Several may run at once under different
    ``name``s."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ess_portal.settings",
        "DATABASE_URL": database_url_for_worker(),
        "REDIS_URL": settings.REDIS_URL,
        "TESTING": "1",
        **(extra_env or {}),
    }
    command = [sys.executable, "-m", "celery", "-A", "ess_portal", "worker", "--pool=solo", "--loglevel=INFO"]
    command += [
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"{name}-{os.getpid()}@%h",
    ]
    if beat:
        schedule = ROOT / ".pytest_cache" / f"celerybeat-{os.getpid()}"
        command += ["--beat", f"--schedule={schedule}"]
    log_path = ROOT / ".pytest_cache" / f"celery-{name}-{os.getpid()}.log"
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "w+b") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while b"ready." not in log_path.read_bytes():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Celery worker did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.2)
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run_in_slices(worker, predicate, *, run_seconds: float = 0.05, pause_seconds: float = 0.6, timeout=120.0):
    """Let ``worker`` (a ``running_worker()`` process) run ``run_seconds`` at a time, frozen (SIGSTOP)
    ``pause_seconds`` in between, until ``predicate()`` is truthy; return its value with the worker left
    frozen (the caller sends SIGCONT). The pauses are longer than the import's progress interval, so
    each slice writes progress: a test sees a job midway however fast the machine is."""
    worker.send_signal(signal.SIGSTOP)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        worker.send_signal(signal.SIGCONT)
        time.sleep(run_seconds)
        worker.send_signal(signal.SIGSTOP)
        time.sleep(pause_seconds)
    pytest.fail(f"condition not met within {timeout} s")


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):
    """Poll ``predicate`` until it returns a truthy value; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")


@pytest.fixture
def smtp_sink():
    """A real SMTP server on a free local port, as (sink, port), for the duration of a test."""
    from tests.integration.smtp_sink import smtp_sink as running_sink

    with running_sink() as sink_and_port:
        yield sink_and_port
