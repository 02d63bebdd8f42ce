"""A local SMTP sink for the benchmark (aiosmtpd): accepts every message, keeps nothing but a count.

Usage: ``smtp_sink.py PORT``. Runs until terminated, then prints how many messages it received.
"""

import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope


class CountingSink:
    """aiosmtpd handler: count and drop."""

    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server, session, envelope: Envelope) -> str:
        self.messages += 1
        return "250 OK"


def main(port: int) -> None:
    handler = CountingSink()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"smtp sink listening on 127.0.0.1:{port}", flush=True)
    stop.wait()
    controller.stop()
    print(f"smtp sink: {handler.messages} messages received", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
