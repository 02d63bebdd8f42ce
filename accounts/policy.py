"""Who must use a second factor in the back office."""

from django.conf import settings

from poles.models import is_regional


def otp_required(user) -> bool:
    """The regional team and superusers always; coordinators (any other staff account) when
    ``OTP_REQUIRED_FOR_COORDINATORS`` is on (the production profile's default)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_regional(user):
        return True
    return settings.OTP_REQUIRED_FOR_COORDINATORS and user.is_staff
