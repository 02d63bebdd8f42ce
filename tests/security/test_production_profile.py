"""The production profile (DEBUG=False) with the variables of .env.example: Django's deployment checks
pass, and HTTPS, the proxy header, the database and static files are set up as documented."""

import subprocess
import sys

from .conftest import ROOT, example_environment, run_django

SETTINGS_REPORT = """
from django.conf import settings
database = settings.DATABASES["default"]
print(json.dumps({
    "debug": settings.DEBUG,
    "proxy_ssl_header": settings.SECURE_PROXY_SSL_HEADER,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "secure_cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "csrf_trusted_origins": settings.CSRF_TRUSTED_ORIGINS,
    "conn_max_age": database["CONN_MAX_AGE"],
    "conn_health_checks": database["CONN_HEALTH_CHECKS"],
    "connect_timeout": database.get("OPTIONS", {}).get("connect_timeout"),
    "static_storage": settings.STORAGES["staticfiles"]["BACKEND"],
    "console_format": settings.LOGGING["handlers"]["console"]["formatter"],
    "errors_mailed_to": settings.ADMINS,
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
}))
"""


def test_deployment_checks_pass_with_the_example_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **example_environment()},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_production_profile_is_hardened_as_documented():
    report = run_django(SETTINGS_REPORT, example_environment(TRUST_PROXY_SSL_HEADER="False"))

    assert report["debug"] is False
    assert report["proxy_ssl_header"] is None
    assert report["ssl_redirect"] is True and report["hsts_seconds"] == 31536000
    assert report["secure_cookies"] == [True, True]
    assert report["allowed_hosts"] == ["ess-bretagne.example.org"]
    assert report["csrf_trusted_origins"] == ["https://ess-bretagne.example.org"]
    assert report["conn_max_age"] == 60 and report["conn_health_checks"] is True
    assert report["connect_timeout"] == 3
    assert report["static_storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert report["console_format"] == "json"
    assert report["errors_mailed_to"] == [["Admin", "admin@example.org"]]


def test_the_forwarded_proto_header_is_trusted_only_behind_a_declared_proxy():
    behind_proxy = run_django(SETTINGS_REPORT, example_environment(TRUST_PROXY_SSL_HEADER="True"))

    assert behind_proxy["proxy_ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_tiles_from_subdomains_are_allowed_by_a_wildcard():
    report = run_django(
        SETTINGS_REPORT,
        example_environment(MAP_TILES_URL="https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png"),
    )

    assert report["img_src"] == ["'self'", "data:", "https://*.tile.openstreetmap.fr"]
