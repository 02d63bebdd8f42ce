from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "ESS Bretagne — administration"
admin.site.site_title = "ESS Bretagne"
admin.site.index_title = "Back-office des pôles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("sante/", views.health, name="health"),
    path("a-propos/", views.AboutView.as_view(), name="about"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("poles.urls")),
    path("", include("actors.urls")),
    path("", include("events.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
