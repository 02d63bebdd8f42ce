"""A redis-server of the test's own, on a free port: fault tests freeze or pause it, never the shared one."""

import shutil
import signal
import subprocess
import time
from contextlib import contextmanager

import pytest
import redis

from tests.integration.smtp_sink import free_port

needs_redis_server = pytest.mark.skipif(
    not shutil.which("redis-server"), reason="needs redis-server (apt-get install redis-server)"
)


@contextmanager
def own_redis():
    """A redis-server of the test's own on a free port (never the shared one): yields (process, url)."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield process, f"redis://127.0.0.1:{port}/0"
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(timeout=10)
