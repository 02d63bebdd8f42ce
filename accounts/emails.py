"""Rendering of the account emails (``templates/accounts/emails/<kind>.txt`` and ``.html``).

The link is made when the email is built, so the outbox row holds no secret: an invitation's signed
token (``accounts.tokens``), or Django's password-reset token, which stops working once the password
changes or after ``PASSWORD_RESET_TIMEOUT``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from .models import AccountEmail
from .tokens import invitation_token

Kind = AccountEmail.Kind

SUBJECTS = {
    Kind.INVITATION: _("Your access to the ESS Bretagne back-office"),
    Kind.PASSWORD_RESET: _("Choose a new password for the ESS Bretagne back-office"),
}


def _link(record: AccountEmail) -> str:
    if record.kind == Kind.INVITATION:
        path = reverse("accounts:invitation", args=[invitation_token(record.invitation)])
    else:
        uid = urlsafe_base64_encode(force_bytes(record.user.pk))
        path = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(record.user)])
    return settings.SITE_URL + path


def build_message(record: AccountEmail) -> EmailMultiAlternatives:
    """The email of one account outbox row (``user`` and ``invitation`` loaded)."""
    user = record.user
    with translation.override(record.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "link": _link(record),
            "invitation": record.invitation,
            "expires_at": timezone.localtime(record.invitation.expires_at) if record.invitation else None,
            "reset_hours": round(settings.PASSWORD_RESET_TIMEOUT / 3600),
            "login_url": settings.SITE_URL + reverse("admin:login"),
            "site_url": settings.SITE_URL,
        }
        subject = str(SUBJECTS[record.kind])
        text = render_to_string(f"accounts/emails/{record.kind}.txt", context)
        html = render_to_string(f"accounts/emails/{record.kind}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    message.attach_alternative(html, "text/html")
    return message
