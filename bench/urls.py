"""The site's URLs plus ``/bench/trivial/``, the reference every measured page is compared with."""

from django.http import HttpResponse
from django.urls import path

from ess_portal.urls import urlpatterns as site_urlpatterns


def trivial(request):
    """The cheapest Django response, through the same middleware stack as every page."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench-trivial"), *site_urlpatterns]
