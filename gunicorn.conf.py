"""gunicorn's settings for the portal, read by gunicorn itself from the folder it starts in (the image's
/app, the project's root): the access log names the client's address as the portal counts it.

Only what the command line cannot say lives here; ``docker/entrypoint.sh`` passes the rest.
"""

import os

from gunicorn.glogging import Logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ess_portal.settings")


class ClientAddressLogger(Logger):
    """gunicorn's logger whose ``%(h)s`` (the first field of an access log line) is the client's
    address read as ``CLIENT_IP_HEADER`` says (``core.client_ip``), not always the proxy's."""

    def atoms(self, resp, req, environ, request_time):
        from django.conf import settings

        from core.client_ip import address_from

        atoms = super().atoms(resp, req, environ, request_time)
        atoms["h"] = address_from(environ, settings.CLIENT_IP_HEADER) or "-"
        return atoms


logger_class = ClientAddressLogger
