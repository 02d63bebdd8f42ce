"""The production profile (DEBUG=False) with the variables of .env.example: Django's deployment checks
pass, and HTTPS, the proxy header, the database and static files are set up as documented."""

import json
import subprocess
import sys
from http import HTTPStatus

from .conftest import ROOT, example_environment, run_django, run_django_with_output

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


FAIL_A_REQUEST = """
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
plain_static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(  # no collectstatic here: the error page finds its stylesheet without a manifest
    ROOT_URLCONF="tests.security.urls",
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    STORAGES=plain_static,
):
    response = Client(raise_request_exception=False).get("/erreur/", secure=True)
print(json.dumps({
    "status": response.status_code,
    "body": response.content.decode(),
    "mails": [(message.to, message.body) for message in mail.outbox],
}))
"""


def test_a_server_error_is_mailed_and_logged_never_shown():
    report, logs = run_django_with_output(FAIL_A_REQUEST, example_environment(ALLOWED_HOSTS="testserver"))

    assert report["status"] == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "secret internal detail" not in report["body"] and "Traceback" not in report["body"]
    [(recipients, body)] = report["mails"]
    assert recipients == ["admin@example.org"] and "secret internal detail" in body
    error = json.loads(logs[-1])
    assert error["level"] == "ERROR" and error["logger"] == "django.request"
    assert "secret internal detail" in error["exc_info"]


COLLECT_STATIC = """
import tempfile
from pathlib import Path
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
with tempfile.TemporaryDirectory() as root, override_settings(STATIC_ROOT=root):
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((Path(root) / "staticfiles.json").read_text())["paths"]
    missing = sorted(name for name in manifest.values() if not (Path(root) / name).is_file())
print(json.dumps({"storage": settings.STORAGES["staticfiles"]["BACKEND"], "manifest": manifest, "missing": missing}))
"""


def test_static_files_collect_with_the_production_storage():
    """The image's collectstatic step: whitenoise's manifest storage follows every reference of every
    CSS and JS file (url(), @import, sourceMappingURL), so a vendored file naming a file that was not
    shipped stops the build, and without a manifest every page would be a server error."""
    report = run_django(COLLECT_STATIC, example_environment(DEBUG="False"), timeout=180)

    assert report["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert report["missing"] == []
    for name in (
        "vendor/leaflet.markercluster/dist/leaflet.markercluster.js",
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "admin/css/base.css",
        "css/site.css",
    ):
        assert report["manifest"][name] != name, name  # stored under a hashed name
