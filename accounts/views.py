"""The back-office's account pages: login with a second factor, enrolment, invitation, password reset.

The login happens in two steps. The password step (django-axes' lockout applies, as before) logs in
at once an account that has no second factor; for one that has, it only remembers who passed it, in the
session, and the code step logs them in once the code is right. A wrong code is a failed login for
django-axes (``user_login_failed``), so wrong codes count towards the same lockout as wrong passwords,
and nothing is reset by a right password alone (django-axes resets on a completed login only). An
account that must have a second factor (``accounts.policy``) and has none is logged in, but the
back-office shows it nothing but the enrolment page until it has one (``accounts.middleware``).
"""

from __future__ import annotations

import base64
import time
from functools import wraps
from http import HTTPStatus

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.ratelimit import rate_limited

from . import services
from .forms import CodeForm, QueuedPasswordResetForm
from .models import Invitation
from .policy import otp_required
from .signals import CODE_STEP
from .tokens import invitation_id

User = get_user_model()

#: The session key holding who passed the password step, and when.
PENDING = "accounts_pending_login"
#: Seconds the code step waits for the code after the password.
PENDING_SECONDS = 300
RECOVERY_CODES = 10


def _admin_context(request, **extra):
    from django.contrib import admin

    return {**admin.site.each_context(request), **extra}


def _next_url(request, default=None) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return default or reverse("admin:index")


@sensitive_post_parameters()
@csrf_protect
@never_cache
def login(request):
    """The admin's login page (``admin:login``): the password step."""
    if request.method == "GET" and request.user.is_authenticated and request.user.is_staff:
        if not otp_required(request.user) or request.user.is_verified():
            return HttpResponseRedirect(_next_url(request))
        if not user_has_device(request.user):
            return redirect("accounts:two_factor")
        auth_logout(request)  # enrolled meanwhile (in another session): log in again, with the code
    form = AdminAuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        next_url = _next_url(request)
        if user_has_device(user):
            request.session.cycle_key()
            request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "next": next_url,
            }
            return redirect("accounts:login_code")
        auth_login(request, user)
        if otp_required(user):
            return redirect("accounts:two_factor")
        return HttpResponseRedirect(next_url)
    context = _admin_context(
        request,
        form=form,
        title=_("Log in"),
        app_path=request.get_full_path(),
        username=request.user.get_username(),
        next=_next_url(request, default=""),
        password_reset_url=reverse("admin_password_reset"),
        site_header=_("ESS Bretagne — administration"),
    )
    return render(request, "accounts/login.html", context)


@sensitive_post_parameters()
@csrf_protect
@never_cache
def login_code(request):
    """The code step: the authenticator's code (or a recovery code) of whoever passed the password."""
    from axes.handlers.proxy import AxesProxyHandler

    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        messages.warning(request, gettext("Please log in again."))
        return redirect("admin:login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(PENDING, None)
        return render(request, "registration/lockout.html", status=HTTPStatus.TOO_MANY_REQUESTS)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            del request.session[PENDING]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(count)d is left. Generate new ones on the two-factor page.",
                        "You used a recovery code; %(count)d are left. Generate new ones on the two-factor page.",
                        left,
                    )
                    % {"count": left},
                )
            return HttpResponseRedirect(pending["next"])
        user_login_failed.send(sender=__name__, credentials={**credentials, CODE_STEP: True}, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING, None)
            return render(request, "registration/lockout.html", status=HTTPStatus.TOO_MANY_REQUESTS)
        form.add_error("code", gettext("This code is not right (or has already been used)."))
    context = _admin_context(request, form=form, title=_("Second step: your code"))
    return render(request, "accounts/login_code.html", context)


def _qr_data_uri(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)


def _secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=gettext("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@login_required(login_url=reverse_lazy("admin:login"))
@csrf_protect
@never_cache
def two_factor(request):
    """Enrolment: scan the QR code (or type the secret), confirm with a code, get the recovery codes
    (shown once). Once enrolled: generate new recovery codes."""
    user = request.user
    if not user.is_staff:
        return redirect("admin:login")
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    context = _admin_context(request, title=_("Two-factor authentication"), required=otp_required(user))
    if confirmed is not None:
        if not user.is_verified():  # enrolled in another session: this one never gave a code
            auth_logout(request)
            return redirect("admin:login")
        if request.method == "POST" and request.POST.get("action") == "recovery":
            context["codes"] = _new_recovery_codes(user)
        return render(request, "accounts/two_factor.html", {**context, "enrolled": True})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=gettext("Authenticator app"), confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = _new_recovery_codes(user)
            return render(request, "accounts/two_factor.html", {**context, "enrolled": True, "codes": codes})
        form.add_error(
            "code", gettext("This code is not right: check your phone's time and try the next one.")
        )
    context.update(form=form, device=device, qr=_qr_data_uri(device), secret=_secret(device))
    return render(request, "accounts/two_factor.html", context)


@sensitive_post_parameters()
@csrf_protect
@never_cache
def invitation(request, token):
    """The invitation's link: the person chooses their password (once, before the link expires)."""
    invitation_pk = invitation_id(token)
    invitation = Invitation.objects.select_related("user").filter(pk=invitation_pk).first()
    context = _admin_context(request, title=_("Choose your password"))
    if invitation is None or invitation.state != "pending" or not invitation.user.is_active:
        state = "accepted" if invitation is not None and invitation.accepted_at else "expired"
        return render(request, "accounts/invitation.html", {**context, "dead": state}, status=HTTPStatus.GONE)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.invitation_accept(invitation=invitation, password=form.cleaned_data["new_password1"]):
            messages.success(request, gettext("Your password is set: log in with it."))
            return redirect(f"{reverse('admin:login')}?next={reverse('admin:index')}")
        return render(
            request, "accounts/invitation.html", {**context, "dead": "expired"}, status=HTTPStatus.GONE
        )
    context.update(form=form, invitation=invitation)
    return render(request, "accounts/invitation.html", context)


def ending_other_sessions(view):
    """Wraps a page where a person changes their own password (the admin's "Change password", the
    users' admin own password page): once the password has changed, every other session of the account
    ends at once, as after a reset; the current one stays logged in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        before = user.password if request.method == "POST" and user.is_authenticated else None
        response = view(request, *args, **kwargs)
        if before is not None and User.objects.filter(pk=user.pk).exclude(password=before).exists():
            ended = services.user_password_changed(user=user, session_key=request.session.session_key)
            if ended:
                messages.info(
                    request,
                    ngettext(
                        "Your account's other session was ended: log in there again with the new password.",
                        "Your account's %(count)d other sessions were ended: log in there again with the new password.",
                        ended,
                    )
                    % {"count": ended},
                )
        return response

    return wrapper


class PasswordResetView(auth_views.PasswordResetView):
    """ "Forgot your password?": the same answer whether or not the address has an account; the
    email goes through the outbox; rate-limited per client address (``PASSWORD_RESET_RATE``)."""

    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("admin_password_reset_done")
    extra_context = {"site_header": _("ESS Bretagne — administration")}

    def post(self, request, *args, **kwargs):
        if rate_limited(request, group="password_reset", rate=settings.PASSWORD_RESET_RATE):
            return render(
                request,
                "accounts/rate_limited.html",
                _admin_context(request, title=_("Too many requests")),
                status=HTTPStatus.TOO_MANY_REQUESTS,
            )
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**_admin_context(self.request), **super().get_context_data(**kwargs)}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return {**_admin_context(self.request), **super().get_context_data(**kwargs)}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The reset link: once the new password is set, every session of the account ends (the link is
    dead too: Django's token depends on the password)."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_sessions_end(user=form.user)
        return response

    def get_context_data(self, **kwargs):
        return {**_admin_context(self.request), **super().get_context_data(**kwargs)}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    def get_context_data(self, **kwargs):
        return {
            **_admin_context(self.request),
            **super().get_context_data(**kwargs),
            "login_url": reverse("admin:login"),
        }
