"""The signed tokens of the self-service and freshness emails (``django.core.signing``, each with its
own salt): the private edit link, the reviewer's one-click link and the "Oui, elle est à jour" link.
Kept apart so that the services and the emails that carry the links share them without importing
each other."""

from __future__ import annotations

from django.core import signing

EDIT_SALT = "actors.selfservice.edit"
REVIEW_SALT = "actors.selfservice.review"
FRESHNESS_SALT = "actors.freshness"


def edit_token(link) -> str:
    return signing.dumps(link.nonce, salt=EDIT_SALT, compress=True)


def review_token(change, user) -> str:
    return signing.dumps({"c": change.pk, "u": user.pk}, salt=REVIEW_SALT)


def freshness_token(actor, period: str) -> str:
    return signing.dumps({"a": actor.pk, "p": period}, salt=FRESHNESS_SALT)


def token_load(token: str, *, salt: str, max_age):
    """The payload of a token; raises ``signing.SignatureExpired`` or ``signing.BadSignature``."""
    return signing.loads(token, salt=salt, max_age=max_age)
