"""Request middleware of the portal."""

from csp.constants import SELF
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from .public_cache import holds_request_secret, is_anonymous_without_state


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French unless the visitor chose another language with the switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language, so a French association's volunteer
    with an English browser would get the English site. Here only the language cookie set by the
    switcher (``set_language``) changes the language; URLs stay unprefixed (they are a contract).
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        """The language comes from a cookie, never from Accept-Language: responses vary on ``Cookie``."""
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class HttpCachingMiddleware:
    """What a shared cache (the reverse proxy, a CDN) may keep: only what a view marked ``public``
    (``core.public_cache``), and only for a visitor without a session, a pending message or credentials.

    Every other response is ``private``; one that sets a cookie or holds a CSRF token or a CSP nonce is
    also ``no-store``, so that no browser or proxy keeps a form's token or a session's page. Placed above
    the session and CSRF middleware, so it sees the cookies they set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if holds_request_secret(request, response):
            response.headers.pop("Cache-Control", None)
            patch_cache_control(response, private=True, no_store=True)
        elif "public" not in response.get("Cache-Control", "") or not is_anonymous_without_state(request):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, no_cache=True)
            patch_cache_control(response, private=True)  # replaces "public"
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with framing decided once, by Django's clickjacking protection.

    ``frame-ancestors`` follows ``X-Frame-Options`` (set earlier by ``XFrameOptionsMiddleware``): a
    response marked ``xframe_options_exempt`` (only the embeddable map, ``/carte/?embed=1``) may be framed
    by any site (``*``), one marked ``xframe_options_sameorigin`` by the portal itself (``'self'``), and
    every other response by nobody (``'none'`` from ``CONTENT_SECURITY_POLICY``, with ``DENY``). One
    decorator thus opens both protections together, and nothing else can be framed.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if getattr(response, "xframe_options_exempt", False):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["*"]}
        elif response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts
