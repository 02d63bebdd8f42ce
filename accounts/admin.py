"""Back-office of the accounts: invitations, the account emails, the audit log; the users' admin of the
poles app, with invitations instead of passwords chosen for others and deactivation that ends sessions.

Everything here is the regional team's (``RegionalOnlyAdmin``). django-otp's own admins are not
registered: they would show everyone's TOTP secrets; a lost phone is "Reset the second factor".
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin_titles import Nouns
from core.models import AuditEvent
from poles.admin import PortalUserAdmin
from poles.admin_scoping import RegionalOnlyAdmin

from . import services
from .forms import InvitationForm
from .models import AccountEmail, Invitation
from .views import ending_other_sessions

User = get_user_model()

for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


class ReadOnlyAdmin(RegionalOnlyAdmin, admin.ModelAdmin):
    """Rows written by the services only: the regional team reads them."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(RegionalOnlyAdmin, admin.ModelAdmin):
    """ "Inviter un coordinateur": an address and the poles; the person chooses their password."""

    nouns = Nouns(_("an invitation"), _("the invitation"))

    form = InvitationForm
    list_display = ["email", "pole_list", "invited_by", "created_at", "expires_at", "state_display"]
    list_filter = ["accepted_at"]
    search_fields = ["email"]
    actions = ["resend"]
    list_select_related = ["invited_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("poles")

    @admin.display(description=_("coordinated poles"))
    def pole_list(self, obj):
        return ", ".join(pole.acronym or pole.name for pole in obj.poles.all())

    @admin.display(description=_("state"))
    def state_display(self, obj):
        return {"accepted": _("accepted"), "expired": _("expired or replaced"), "pending": _("waiting")}[
            obj.state
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "first_name", "last_name", "poles"]
        return ["email", "user", "poles", "invited_by", "created_at", "expires_at", "accepted_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def save_form(self, request, form, change):
        data = form.cleaned_data
        return services.invitation_create(
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            poles=data["poles"],
            invited_by=request.user,
        )

    def save_model(self, request, obj, form, change):
        """Written by ``save_form`` (the service)."""

    def save_related(self, request, form, formsets, change):
        """Written by ``save_form`` (the service)."""

    @admin.action(description=_("Send the invitation again (new link)"), permissions=["add"])
    def resend(self, request, queryset):
        sent = [services.invitation_resend(invitation=inv, invited_by=request.user) for inv in queryset]
        count = sum(1 for invitation in sent if invitation is not None)
        self.message_user(
            request,
            ngettext("%(count)d invitation sent again.", "%(count)d invitations sent again.", count)
            % {"count": count},
        )


@admin.register(AccountEmail)
class AccountEmailAdmin(ReadOnlyAdmin):
    nouns = Nouns(_("an account email"), _("the account email"))
    list_display = ["kind", "user", "status", "created_at", "sent_at", "last_error"]
    list_filter = ["kind", "status"]
    list_select_related = ["user"]
    fields = ["kind", "user", "status", "created_at", "sent_at", "attempts", "last_error"]
    readonly_fields = fields


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Who logged in, who failed to, and who exported which personal data: the regional team reads it."""

    nouns = Nouns(_("an audit log entry"), _("the audit log entry"))

    list_display = ["at", "username", "action", "what", "ip_address"]
    list_filter = ["action"]
    search_fields = ["username", "what"]
    date_hierarchy = "at"
    fields = ["at", "user", "username", "action", "what", "ip_address"]
    readonly_fields = fields


admin.site.unregister(User)


@admin.register(User)
class AccountUserAdmin(PortalUserAdmin):
    """The users' admin, where nobody chooses a password for someone else: "add" is an invitation, and
    a password is set only by its owner (invitation link, reset link, or their own password page).
    Deactivating an account (its box, or the action) ends its sessions at once."""

    actions = ["deactivate", "reset_two_factor"]

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:accounts_invitation_add"))

    def user_change_password(self, request, id, form_url=""):
        if str(request.user.pk) != str(id):
            raise PermissionDenied
        return ending_other_sessions(super().user_change_password)(request, id, form_url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            ended = services.user_deactivate(user=obj)
            self.message_user(request, _sessions_ended(ended))

    @admin.action(
        description=_("Deactivate the selected accounts (ends their sessions)"), permissions=["change"]
    )
    def deactivate(self, request, queryset):
        users = [
            user for user in queryset if self.has_change_permission(request, user) and user != request.user
        ]
        ended = sum(services.user_deactivate(user=user) for user in users)
        self.message_user(
            request,
            ngettext("%(count)d account deactivated.", "%(count)d accounts deactivated.", len(users))
            % {"count": len(users)}
            + " "
            + _sessions_ended(ended),
        )

    @admin.action(description=_("Reset the second factor (lost phone)"), permissions=["change"])
    def reset_two_factor(self, request, queryset):
        users = [user for user in queryset if self.has_change_permission(request, user)]
        for user in users:
            services.user_two_factor_reset(user=user)
        self.message_user(
            request,
            ngettext(
                "%(count)d account will set up its second factor again at its next login.",
                "%(count)d accounts will set up their second factor again at their next login.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )


def _sessions_ended(count: int) -> str:
    return ngettext("%(count)d session ended.", "%(count)d sessions ended.", count) % {"count": count}
