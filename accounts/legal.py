"""The pages every French association's site must publish: the legal notice ("Mentions légales", law
2004-575 art. 6) and the accessibility statement (RGAA model, law 2005-102 art. 47). What differs from
one deployment to another (publisher, director of publication, host, audit) comes from the settings."""

from datetime import date

from django.conf import settings
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from core.public_cache import cache_public_page

#: The RGAA's three conformance statuses (``ACCESSIBILITY_STATUS``).
STATUSES = ("non", "partial", "full")


@method_decorator(cache_public_page, name="dispatch")
class LegalNoticeView(TemplateView):
    template_name = "accounts/legal_notice.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "publisher": settings.LEGAL_PUBLISHER,
            "publisher_address": settings.LEGAL_PUBLISHER_ADDRESS,
            "publisher_id": settings.LEGAL_PUBLISHER_ID,
            "director": settings.LEGAL_DIRECTOR,
            "host": settings.LEGAL_HOST,
            "contact_email": settings.LEGAL_CONTACT_EMAIL,
            "privacy_contact": settings.REGISTRATION_PRIVACY_CONTACT,
        }


@method_decorator(cache_public_page, name="dispatch")
class AccessibilityView(TemplateView):
    template_name = "accounts/accessibility.html"

    def get_context_data(self, **kwargs):
        audit_date = settings.ACCESSIBILITY_AUDIT_DATE
        return {
            **super().get_context_data(**kwargs),
            "publisher": settings.LEGAL_PUBLISHER,
            "status": settings.ACCESSIBILITY_STATUS,
            "audit_date": date.fromisoformat(audit_date) if audit_date else None,
            "audit_method": settings.ACCESSIBILITY_AUDIT_METHOD,
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL or settings.LEGAL_CONTACT_EMAIL,
            "site_url": settings.SITE_URL,
        }
