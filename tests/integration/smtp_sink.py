"""An in-process SMTP server (aiosmtpd) that keeps what it receives and counts its sessions.

It can also misbehave the way real servers do: answer slowly (``delay`` seconds before accepting each
message), refuse some recipients with the reply given in ``refuse`` (``"550 5.1.1 …"`` is permanent,
``"451 4.3.0 …"`` temporary), or run ``on_data(envelope)`` while it holds a message, before answering.
"""

import asyncio
import socket
from collections import Counter
from contextlib import contextmanager

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, *, delay: float = 0.0, refuse: dict[str, str] | None = None, on_data=None):
        self.messages = []
        self.sessions = 0
        self.delay = delay
        self.refuse = refuse or {}
        self.on_data = on_data

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.on_data is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.on_data, envelope)
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(envelope)
        return "250 Message accepted"

    def per_recipient(self) -> Counter:
        """How many messages each address received."""
        return Counter(address for envelope in self.messages for address in envelope.rcpt_tos)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_sink(**behaviour):
    """Yield ``(sink, port)`` while an SMTP server listens on 127.0.0.1:port (see :class:`Sink`)."""
    sink = Sink(**behaviour)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()
