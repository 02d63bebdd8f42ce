"""Back-office sessions: they end after ``ADMIN_IDLE_SECONDS`` without a request, and an account that
must use a second factor reaches nothing of the back-office but its enrolment until it has passed one.

Requests without a session cookie (the public's, nearly always) are passed through untouched: this
costs them nothing, and public visitors' sessions (the language, say) carry no login to expire. An
inactive account's session is refused by Django itself (``ModelBackend.get_user`` returns no user for
it), and deactivating an account deletes its sessions (``accounts.services.user_deactivate``).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from .policy import otp_required

#: Session key: when this back-office session last served a request (seconds since the epoch).
LAST_SEEN = "accounts_last_seen"
#: The last request's time is written again at most this often (not a session write per request).
TOUCH_SECONDS = 30
#: Pages an account without its second factor may open (login, its enrolment, logging out).
UNVERIFIED_PAGES = ("admin:login", "admin:logout", "accounts:two_factor", "accounts:login_code")


class BackOfficeSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.ADMIN_IDLE_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if last is None or now - last >= TOUCH_SECONDS:
                request.session[LAST_SEEN] = now
            if (
                request.path.startswith(reverse("admin:index"))
                and request.path not in {reverse(name) for name in UNVERIFIED_PAGES}
                and otp_required(request.user)
                and not request.user.is_verified()
            ):
                return redirect("accounts:two_factor")
        return self.get_response(request)
