from importlib import import_module

from django.apps import apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule


class PortalAdminConfig(SimpleAdminConfig):
    """The admin: the portal's site (scoped site-wide views), with autodiscovery that skips django-leaflet.

    ``leaflet/admin.py`` imports GeoDjango's GDAL bindings and crashes on machines without GDAL
    (django-leaflet #299, #336). Every other installed app's ``admin`` module is imported as the
    stock autodiscovery would.
    """

    default_site = "ess_portal.admin.PortalAdminSite"
    skipped_apps = frozenset({"leaflet"})

    def ready(self):
        super().ready()
        for app_config in apps.get_app_configs():
            if app_config.label in self.skipped_apps:
                continue
            if module_has_submodule(app_config.module, "admin"):
                import_module(f"{app_config.name}.admin")
