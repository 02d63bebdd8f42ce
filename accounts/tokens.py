"""The signed link of an invitation.

The token names the invitation and is signed with ``SECRET_KEY``, so it cannot be forged or guessed, and
it can be written again when the email is built: the outbox row holds no secret. Whether it still works
(not expired, not accepted, not superseded) is the invitation's state, checked by the view.
"""

from django.core import signing

SALT = "accounts.invitation"


def invitation_token(invitation) -> str:
    return signing.dumps(invitation.pk, salt=SALT)


def invitation_id(token: str) -> int | None:
    """The invitation a token names, or None for a token that was not signed by this site."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
