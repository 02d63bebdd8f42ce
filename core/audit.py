"""The audit log: one call records who did what with personal data, and when (``AuditEvent``)."""

from __future__ import annotations

from .client_ip import client_ip
from .models import AuditEvent


def audit_record(*, action: str, what: str = "", request=None, user=None, username: str = "") -> AuditEvent:
    """Record ``action`` (``AuditEvent.Action``) on ``what`` by ``user`` (default: the request's user)
    from the request's client address. ``username`` names who tried when there is no account."""
    if user is None and request is not None and getattr(request.user, "is_authenticated", False):
        user = request.user
    return AuditEvent.objects.create(
        user=user if user is not None and user.pk else None,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        action=action,
        what=what[:300],
        ip_address=client_ip(request) if request is not None else None,
    )
