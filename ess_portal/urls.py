from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from accounts import urls as accounts_urls
from core.public_cache import cache_public_page

from . import views
from .sitemaps import SITEMAPS

admin.site.site_header = _("ESS Bretagne — administration")
admin.site.site_title = _("ESS Bretagne")
admin.site.index_title = _("Back-office of the poles")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("sante/", views.health, name="health"),
    path("a-propos/", views.AboutView.as_view(), name="about"),
    # Exempt from CSRF so that public pages carry no per-visitor token and can be cached: forging a
    # language change is harmless.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path(
        "sitemap.xml",
        cache_public_page(sitemap_views.sitemap, params={"p"}),  # p: the page of a long sitemap
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    # The account pages (the admin's login with its second factor, invitations, password reset) come
    # before the admin site, whose login page they replace.
    *accounts_urls.root_urlpatterns,
    path("", include(accounts_urls)),
    path("", include(accounts_urls.legal_urlpatterns)),
    path("admin/", admin.site.urls),
    path("", include("poles.urls")),
    path("", include("actors.urls")),
    path("", include("events.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
