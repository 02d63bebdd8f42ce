"""A visitor's path through a deployed portal, over HTTPS through its reverse proxy.

scripts/check-production.sh runs it in CI against the processes of the image started on the machine.
It fetches the home page and one of its hashed static files, checks that the proxy serves anonymous
pages from its cache (a second GET is a HIT, a data change shows within the page's max-age), waits
until /sante/ reports a fresh beat,
registers on an open event's page as a browser does (the form's CSRF token and cookie, Origin and
Referer), waits for the emailed link in a maildir, opens it, confirms, waits for the confirmation
email, and logs in to the back office: the first login enrols a TOTP authenticator (the production
profile requires a second factor), the second one gives the password and then a fresh code. It stops at
the first failure, saying what went wrong; a logged-in page is never a cache HIT. Standard library only (the TOTP codes are RFC 6238's).
"""

import argparse
import base64
import email.policy
import hashlib
import hmac
import json
import mailbox
import re
import secrets
import ssl
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from http.cookiejar import CookieJar

HASHED_STATIC = re.compile(r'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"')
ACTOR_LINK = re.compile(r'href="(/acteurs/(?!proposer/)[\w-]+/)"')
MAX_AGE = re.compile(r"\bmax-age=(\d+)")
EVENT_LINK = re.compile(r'href="(/evenements/(?!archives/)[\w-]+/)"')
REGISTRATION_FORM = re.compile(r'<form[^>]*action="(/evenements/[\w-]+/inscription/)"(.*?)</form>', re.S)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOTP_SECRET = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')
RECOVERY_CODE = re.compile(r"<li><code>(\w+)</code></li>")


STARTED = time.monotonic()


def ok(message: str) -> None:
    print(f"  [{time.monotonic() - STARTED:4.1f}s] ok: {message}", flush=True)


class Failure(Exception):
    pass


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # every redirect is checked by the step that expects it


class Visitor:
    def __init__(self, site: str, cafile: str, timeout: float):
        self.site = site.rstrip("/")
        context = ssl.create_default_context(cafile=cafile)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(CookieJar()),
            NoRedirect(),
        )
        self.timeout = timeout

    def request(self, url: str, data: dict | None = None, headers: dict | None = None):
        """(status, headers, body text) of one request; redirects are returned, not followed."""
        url = url if url.startswith(("http://", "https://")) else self.site + url
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def page(self, path: str, expected: int = 200) -> str:
        status, _headers, body = self.request(path)
        if status != expected:
            raise Failure(f"GET {path} answered {status}, expected {expected}: {body[:300]!r}")
        return body.decode()

    def post_form(self, path: str, referer: str, fields: dict) -> str:
        """POST as the browser does from ``referer``; the answer must redirect; returns its target."""
        headers = {"Origin": self.site, "Referer": self.site + referer}
        status, headers, body = self.request(path, fields, headers)
        if status != 302:
            raise Failure(f"POST {path} answered {status}, expected a redirect: {body[:500]!r}")
        return headers["Location"]


def wait(what: str, seconds: float, probe):
    deadline = time.monotonic() + seconds
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failure(f"waited {seconds:.0f} s for {what}")
        time.sleep(0.5)


def messages_to(maildir: str, address: str) -> list[EmailMessage]:
    box = mailbox.Maildir(maildir, factory=None, create=False)
    found = []
    for key in box.iterkeys():
        message = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
        if address in message.get("To", ""):
            found.append(message)
    return found


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def check_home_and_static(visitor: Visitor) -> None:
    status, headers, body = visitor.request("/")
    if status != 200:
        raise Failure(f"GET / answered {status}: {body[:300]!r}")
    if "Strict-Transport-Security" not in headers:
        raise Failure("GET / has no HSTS header: the portal did not see the request as HTTPS")
    if "openstreetmap.org/copyright" not in body.decode():
        raise Failure("the home page's map does not credit OpenStreetMap (MAP_TILES_ATTRIBUTION)")
    static = HASHED_STATIC.findall(body.decode())
    if not static:
        raise Failure("the home page links no hashed static file: the manifest storage is not in use")
    status, headers, body = visitor.request(static[0], headers={"Accept-Encoding": "gzip"})
    if status != 200 or not body:
        raise Failure(f"GET {static[0]} answered {status}")
    if "immutable" not in headers.get("Cache-Control", ""):
        raise Failure(f"{static[0]} is not cached as immutable: {headers.get('Cache-Control')!r}")
    if headers.get("Content-Encoding") != "gzip":
        raise Failure(f"{static[0]} was not served from its precompressed copy")
    ok(f"/ over HTTPS (HSTS, OpenStreetMap credited), and {static[0]} (immutable, gzip)")


def cache_status(visitor: Visitor, path: str) -> tuple[str, str, str]:
    """(X-Cache-Status, Cache-Control, body) of a GET of ``path`` through the proxy."""
    status, headers, body = visitor.request(path, headers={"Accept-Encoding": "identity"})
    if status != 200:
        raise Failure(f"GET {path} answered {status}: {body[:300]!r}")
    return headers.get("X-Cache-Status", ""), headers.get("Cache-Control", ""), body.decode()


def check_proxy_cache(site: str, cafile: str, change_command: str | None) -> str:
    """Anonymous pages and map data come from the proxy's cache; a change shows within their max-age.
    Returns the path of the organisation's page it checked."""
    anonymous = Visitor(site, cafile, timeout=30)
    actor = ACTOR_LINK.search(anonymous.page("/acteurs/"))
    if not actor:
        raise Failure("/acteurs/ links no organisation")
    path = actor.group(1)
    for checked in ("/acteurs/", path, "/api/acteurs.geojson"):
        cache_status(anonymous, checked)
        cached, control, _body = cache_status(anonymous, checked)
        if cached != "HIT" or "public" not in control:
            raise Failure(
                f"a second anonymous GET {checked} was {cached or 'not cached'} ({control!r}), not a HIT"
            )
    ok("the proxy serves /acteurs/, an organisation's page and the map data from its cache (HIT)")
    if change_command:
        max_age = int(MAX_AGE.search(cache_status(anonymous, path)[1]).group(1))
        subprocess.run([change_command, path.strip("/").split("/")[-1]], check=True, capture_output=True)
        changed_at = time.monotonic()
        wait(
            f"the renamed organisation on {path}",
            max_age + 5,
            lambda: "(renommée)" in cache_status(anonymous, path)[2],
        )
        ok(
            f"a change showed through the proxy after {time.monotonic() - changed_at:.1f} s (max-age {max_age} s)"
        )
    return path


def check_never_cached_when_logged_in(visitor: Visitor, actor_path: str) -> None:
    for path in ("/acteurs/", actor_path, "/admin/"):
        for _ in range(2):
            cached, control, _body = cache_status(visitor, path)
        if cached == "HIT" or "public" in control or "private" not in control:
            raise Failure(
                f"GET {path} logged in was {cached!r} with {control!r}: a shared cache could keep it"
            )
    ok(f"logged in, /acteurs/, {actor_path} and /admin/ bypass the proxy's cache (private)")


def check_health(visitor: Visitor, plain_http: str, token: str) -> None:
    status, _headers, body = visitor.request("/sante/")
    if status != 200 or json.loads(body) != {"status": "ok"}:
        raise Failure(f"/sante/ without the monitoring's token answered {status}: {body[:300]!r}")
    monitoring = {"Authorization": f"Bearer {token}"}

    def fresh_beat():
        status, _headers, body = visitor.request("/sante/", headers=monitoring)
        payload = json.loads(body) if status == 200 else {}
        return payload if payload.get("beat", {}).get("status") == "ok" else None

    payload = wait("/sante/ to report a fresh beat", 60, fresh_beat)
    if payload["status"] != "ok" or payload["broker"]["status"] != "ok":
        raise Failure(f"/sante/ reports {payload}")
    status, _headers, _body = visitor.request(plain_http + "/sante/")
    if status != 200:
        raise Failure(f"/sante/ over plain HTTP answered {status} (load balancers poll it there)")
    status, headers, _body = visitor.request(plain_http + "/")
    if status != 301 or not headers["Location"].startswith("https://"):
        raise Failure(f"http:// / answered {status}, expected a redirect to https://")
    ok(
        "/sante/ (a status for anyone; database, broker, beat fresh with HEALTH_TOKEN), over HTTPS and plain HTTP; http:// redirects to https://"
    )


def register(visitor: Visitor, address: str) -> str:
    """Register ``address`` for the first open event open to all; return the event's path."""
    for path in dict.fromkeys(EVENT_LINK.findall(visitor.page("/evenements/"))):
        form = REGISTRATION_FORM.search(visitor.page(path))
        if form and 'name="organisation_name"' in form.group(2):  # open to all: no member organisation
            break
    else:
        raise Failure("no event open to all takes registrations on /evenements/")
    action, fields = form.group(1), form.group(2)
    token = CSRF_INPUT.search(fields).group(1)
    submitted = {
        "csrfmiddlewaretoken": token,
        "full_name": "Camille Déploiement",
        "email": address,
        "organisation": "",
        "organisation_name": "Coopérative de test",
        "consent": "on",
        "website": "",
    }
    location = visitor.post_form(action, path, submitted)
    if not location.endswith(path):
        raise Failure(f"registering redirected to {location}, expected the event page {path}")
    visitor.page(path)
    ok(f"registered {address} on {path} (CSRF token, cookie, Origin)")
    return path


def confirm(visitor: Visitor, maildir: str, address: str, mail_wait: float) -> None:
    [request] = wait("the confirmation request email", mail_wait, lambda: messages_to(maildir, address))
    links = re.findall(r"https?://\S+/inscription/[\w-]+/", text_of(request))
    if not links or not links[0].startswith(visitor.site + "/"):
        raise Failure(f"the email's link {links[:1]} does not start with SITE_URL {visitor.site}")
    link = links[0][len(visitor.site) :]
    ok(f"the confirmation request reached the SMTP server through the worker ({request['Subject'].strip()})")
    page = visitor.page(link)
    if 'value="confirm"' not in page:
        raise Failure(f"{link} shows no confirm button")
    token = CSRF_INPUT.search(page).group(1)
    location = visitor.post_form(link, link, {"csrfmiddlewaretoken": token, "action": "confirm"})
    visitor.page(location)
    wait("the confirmation email", mail_wait, lambda: len(messages_to(maildir, address)) > 1)
    received = messages_to(maildir, address)
    if len(received) != 2:
        raise Failure(
            f"{len(received)} emails reached {address}, expected 2: {[m['Subject'] for m in received]}"
        )
    [confirmed] = [m for m in received if m["Message-ID"] != request["Message-ID"]]
    ok(f"confirmed from the emailed link; confirmation emailed ({confirmed['Subject'].strip()})")


def totp(secret: str, at: float) -> str:
    """The 6-digit code of an authenticator app holding ``secret`` (base32) at time ``at`` (RFC 6238)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def password_step(visitor: Visitor, username: str, password: str) -> str:
    page = visitor.page("/admin/login/?next=/admin/")
    token = CSRF_INPUT.search(page).group(1)
    fields = {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
    return visitor.post_form("/admin/login/?next=/admin/", "/admin/login/?next=/admin/", fields)


def log_in_to_the_back_office(visitor: Visitor, username: str, password: str) -> None:
    location = password_step(visitor, username, password)
    if not location.endswith("/admin/deux-facteurs/"):
        raise Failure(f"the first login redirected to {location}, expected the two-factor enrolment")
    if visitor.request("/admin/")[0] != 302:
        raise Failure("/admin/ opened before the second factor was set up")
    page = visitor.page("/admin/deux-facteurs/")
    secret = TOTP_SECRET.search(page)
    if not secret or 'src="data:image/svg+xml' not in page:
        raise Failure("the enrolment page shows no QR code or no secret key")
    secret = secret.group(1).replace(" ", "")
    enrolled_at = time.time()
    fields = {"csrfmiddlewaretoken": CSRF_INPUT.search(page).group(1), "code": totp(secret, enrolled_at)}
    headers = {"Origin": visitor.site, "Referer": visitor.site + "/admin/deux-facteurs/"}
    status, _headers, body = visitor.request("/admin/deux-facteurs/", fields, headers)
    codes = RECOVERY_CODE.findall(body.decode())
    if status != 200 or len(codes) != 10:
        raise Failure(f"confirming the TOTP code answered {status} with {len(codes)} recovery codes")
    if 'id="logout-form"' not in visitor.page("/admin/"):
        raise Failure("/admin/ does not show a logged-in back office after the enrolment")
    ok(f"first login as {username}: TOTP enrolled (QR code, secret), 10 recovery codes shown")

    page = visitor.page("/admin/")
    token = CSRF_INPUT.search(page).group(1)
    headers = {"Origin": visitor.site, "Referer": visitor.site + "/admin/"}
    visitor.request("/admin/logout/", {"csrfmiddlewaretoken": token}, headers)
    location = password_step(visitor, username, password)
    if not location.endswith("/admin/connexion/code/"):
        raise Failure(f"the password redirected to {location}, expected the code step")
    page = visitor.page("/admin/connexion/code/")
    # Each code logs in once: the next time step's code (accepted within the drift of one step).
    fields = {"csrfmiddlewaretoken": CSRF_INPUT.search(page).group(1), "code": totp(secret, enrolled_at + 30)}
    location = visitor.post_form("/admin/connexion/code/", "/admin/connexion/code/", fields)
    if not location.endswith("/admin/"):
        raise Failure(f"the code step redirected to {location}, expected /admin/")
    if 'id="logout-form"' not in visitor.page("/admin/"):
        raise Failure("/admin/ does not show a logged-in back office")
    ok(f"logged in to the back office as {username}: password, then a TOTP code (secure cookies, CSRF)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", help="the public address, e.g. https://localhost:8443 (SITE_URL)")
    parser.add_argument("--http", required=True, help="the proxy's plain-HTTP address")
    parser.add_argument("--cafile", required=True, help="the certificate the proxy presents")
    parser.add_argument("--maildir", required=True, help="where the SMTP sink stores what it receives")
    parser.add_argument("--admins", required=True, help="ADMINS: no error report may reach them")
    parser.add_argument("--health-token", required=True, help="HEALTH_TOKEN: the monitoring's token")
    parser.add_argument("--admin", nargs=2, metavar=("USERNAME", "PASSWORD"), help="a superuser to log in as")
    parser.add_argument("--mail-wait", type=float, default=60)
    parser.add_argument("--data-change", help="a command renaming the organisation whose slug it is given")
    args = parser.parse_args()
    visitor = Visitor(args.site, args.cafile, timeout=30)
    address = f"camille.{secrets.token_hex(4)}@example.org"
    try:
        check_home_and_static(visitor)
        actor_path = check_proxy_cache(args.site, args.cafile, args.data_change)
        check_health(visitor, args.http.rstrip("/"), args.health_token)
        register(visitor, address)
        confirm(visitor, args.maildir, address, args.mail_wait)
        if args.admin:
            log_in_to_the_back_office(visitor, *args.admin)
            check_never_cached_when_logged_in(visitor, actor_path)
        if errors := messages_to(args.maildir, args.admins):
            raise Failure(f"server errors were mailed to ADMINS: {[m['Subject'] for m in errors]}")
    except Failure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
