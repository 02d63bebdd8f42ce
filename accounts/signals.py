"""Login records: every back-office login and failure goes to the audit log, and each login's session
is remembered as the account's (``BackOfficeSession``), so that it can be ended."""

import time

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from core.audit import audit_record
from core.models import AuditEvent

from .middleware import LAST_SEEN
from .services import user_session_record

#: Marks the credentials of a wrong second-factor code (sent by ``accounts.views``).
CODE_STEP = "second_factor"


@receiver(user_logged_in, dispatch_uid="accounts_login")
def _logged_in(sender, request, user, **kwargs):
    if request is None:
        return
    request.session[LAST_SEEN] = int(time.time())  # the idle time counts from the login
    session_key = request.session.session_key
    if session_key:
        user_session_record(user=user, session_key=session_key)
    audit_record(action=AuditEvent.Action.LOGIN, request=request, user=user, what=request.path[:300])


@receiver(user_login_failed, dispatch_uid="accounts_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    action = AuditEvent.Action.CODE_FAILED if credentials.get(CODE_STEP) else AuditEvent.Action.LOGIN_FAILED
    audit_record(action=action, request=request, username=str(credentials.get("username", ""))[:150])
