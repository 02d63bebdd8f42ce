"""The client's address, as every part of the portal counts it: one setting, ``CLIENT_IP_HEADER``.

Behind the TLS proxy of the deployment, every connection comes from the proxy: counted by connection
address, five wrong passwords typed anywhere would lock the real coordinator out, and one busy visitor
would exhaust everyone's rate limits. The proxy passes the client's address in a header it sets itself
(nginx: ``proxy_set_header X-Real-IP $remote_addr;``); ``CLIENT_IP_HEADER`` names that header, and
:func:`client_ip` is the one reading of it, used by

- the admin login lockout (django-axes, ``AXES_CLIENT_IP_CALLABLE``),
- the rate limits (``core.ratelimit``),
- the logs: gunicorn's access log (``gunicorn.conf.py``) and the app's request logs
  (:class:`ClientAddressLogFilter`, the ``client_ip`` field of the JSON lines).

Unset (the default), the connection address (``REMOTE_ADDR``) is the client's and the header is
ignored: without a proxy that overwrites it, anyone could send it. Set, a request that lacks the header
or carries something that is not an address in it (a client talking to the web service directly, a
misconfigured proxy) is counted under its connection address, like any request: never an error. When
the header holds a list (``X-Forwarded-For: client, proxy1``), the right-most address is taken: the one
written by the proxy next to the portal, the only one it vouches for.

django-ipware (which django-axes uses when it is installed) is not used: it prefers a public address
over a private one whatever the header says and reads a list of headers in turn, where the portal
needs exactly one header or the connection address, the same way for the lockout, the limits and
gunicorn (which runs without Django's request objects).
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Mapping

from django.conf import settings

#: What an HTTP header name may be (letters, digits, hyphens); "HTTP_X_REAL_IP" is Django's META key.
HEADER_NAME = re.compile(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*")


def meta_key(header: str) -> str:
    """The key under which WSGI (Django's ``request.META``, gunicorn's environ) carries ``header``."""
    return "HTTP_" + header.upper().replace("-", "_")


def address_from(meta: Mapping[str, str], header: str | None) -> str:
    """The client's address from a WSGI environ: ``header``'s value when it is one address (the
    right-most of a list), else the connection address; "" when neither is known."""
    if header:
        value = meta.get(meta_key(header), "")
        try:
            return str(ipaddress.ip_address(value.rsplit(",", 1)[-1].strip()))
        except ValueError:
            pass
    return meta.get("REMOTE_ADDR") or ""


def client_ip(request) -> str:
    """The address of the client of ``request``, as ``settings.CLIENT_IP_HEADER`` says to read it."""
    return address_from(request.META, settings.CLIENT_IP_HEADER)


class ClientAddressLogFilter(logging.Filter):
    """Gives log records about a request (``django.request``, ``django.security``…) a ``client_ip``."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if getattr(request, "META", None) is not None and not hasattr(record, "client_ip"):
            record.client_ip = client_ip(request)
        return True
