"""URLs of the security tests: the same cached view, once with an inline script that needs the CSP
nonce, once without; a cached view that shows a parameter it declares and one it does not; a view the
portal may frame; a view that fails, for the production error handling."""

from collections import Counter

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path
from django.views.decorators.clickjacking import xframe_options_sameorigin

from core.public_cache import cache_public_page

PAGE = engines["django"].from_string(
    '<!doctype html><title>Carte</title>{% if nonce %}<script nonce="{{ request.csp_nonce }}">'
    "window.loaded = true;</script>{% endif %}"
)


#: How many times each page was rendered (a page served from the cache is not).
RENDERS: Counter[str] = Counter()


def page(request, nonce: bool):
    RENDERS[request.path] += 1
    return HttpResponse(PAGE.render({"nonce": nonce}, request))


def parameters(request):
    RENDERS[request.path] += 1
    return HttpResponse(f"declared={request.GET.get('declared')} other={request.GET.get('other')}")


@xframe_options_sameorigin
def framed_by_the_portal(request):
    return HttpResponse("<!doctype html><title>Aperçu</title>")


def broken(request):
    raise RuntimeError("secret internal detail of the failure")


urlpatterns = [
    path("erreur/", broken),
    path("apercu/", framed_by_the_portal),
    path("avec-script/", cache_public_page(page), {"nonce": True}),
    path("sans-script/", cache_public_page(page), {"nonce": False}),
    path("parametres/", cache_public_page(parameters, params={"declared"})),
    path("", include("ess_portal.urls")),
]
