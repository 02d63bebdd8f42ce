"""Public pages of the directory: the list, an organisation, the full-page and embeddable map, open data."""

from __future__ import annotations

import json
from http import HTTPStatus

from django.conf import settings
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import DetailView, ListView, TemplateView

from core.public_cache import cache_public_page, current_data_version
from core.queries import canonical_query, query_is_invalid, query_with, url_with_query

from .filters import ActorFilter, actor_filter
from .models import Actor
from .public_forms import EmbedForm
from .selectors import NO_MATCHES, Search, directory_matches, directory_rows, directory_search

MAP_TEXT_ALTERNATIVE_SIZE = 50
DISPLAY_PARAMETERS = {"page", "embed"}
FILTERS = set(ActorFilter.base_filters)
# What the json_script filter escapes: no value can close the <script> data block or start a comment.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def filter_query(params) -> str:
    """The filters of a query string, without paging and display switches: shared by list, map and data."""
    return query_with(params, drop=DISPLAY_PARAMETERS, skip_empty=True)


class FilteredMixin:
    """Binds the directory's FilterSet to the query string; an invalid one is answered with a 400 page."""

    @cached_property
    def data_version(self) -> str:
        """The public data version, read once per request (at most once a second from the shared cache)."""
        return current_data_version()

    @cached_property
    def filter_values(self) -> str:
        """The directory's filters as typed in the query string, in a canonical order (a cache key)."""
        return canonical_query(self.request.GET, keys=FILTERS)

    def query_is_valid(self) -> bool:
        return not query_is_invalid(self.filterset)

    @property
    def filterset(self) -> ActorFilter:
        if not hasattr(self, "_filterset"):
            self._filterset = actor_filter(self.request.GET)
            self._filterset.data_version = self.data_version
        return self._filterset

    def filtered_queryset(self):
        if query_is_invalid(self.filterset):
            return Actor.objects.none()
        return self.filterset.qs.select_related("commune", "pole")

    def render_to_response(self, context, **response_kwargs):
        if not self.query_is_valid():
            response_kwargs["status"] = HTTPStatus.BAD_REQUEST
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = SimpleLazyObject(lambda: self.filterset)
        context["filter_query"] = filter_query(self.request.GET)
        # What the filter form's HTML depends on, beside the data version and the language.
        context["filter_values"] = self.filter_values
        context["data_version"] = self.data_version
        return context


@method_decorator(cache_public_page(params=FILTERS | {"page"}), name="dispatch")
class ActorListView(FilteredMixin, ListView):
    """The directory: search, filters, sort, pagination; the same filters as the map and the CSV.

    The list pages through the search's matches and rows (``actors.selectors``), read from the database
    once per data version in each process: an uncached page (a visitor with a session, a new search
    link) is rendered without a query once the search has been seen.
    """

    template_name = "actors/actor_list.html"
    paginate_by = 20

    @cached_property
    def search(self) -> Search:
        return directory_search(self.filter_values, lambda: self.filterset, version=self.data_version)

    def query_is_valid(self) -> bool:
        return self.search.valid

    def get_queryset(self):
        if not self.search.valid:
            return NO_MATCHES
        return directory_matches(self.search, lambda: self.filterset, version=self.data_version)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["search"] = self.search
        context["object_list"] = directory_rows(context["object_list"], version=self.data_version)
        return context


def organization_json_ld(actor: Actor, request) -> str:
    """schema.org ``Organization`` data of an organisation, escaped for a ``<script>`` data block."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": actor.name,
        "url": request.build_absolute_uri(actor.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": actor.address or None,
            "addressLocality": actor.commune.name,
            "postalCode": (actor.commune.postal_code_list or [None])[0],
            "addressRegion": "Bretagne",
            "addressCountry": "FR",
        },
    }
    optional = {
        "alternateName": actor.acronym,
        "description": actor.description,
        "email": actor.email,
        "telephone": actor.phone,
        "sameAs": actor.website,
        "taxID": actor.siret,
    }
    data.update({key: value for key, value in optional.items() if value})
    data["address"] = {key: value for key, value in data["address"].items() if value}
    if actor.map_latitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": round(actor.map_latitude, 5),
            "longitude": round(actor.map_longitude, 5),
        }
    if actor.pole:
        data["memberOf"] = {
            "@type": "Organization",
            "name": actor.pole.name,
            "url": request.build_absolute_uri(actor.pole.get_absolute_url()),
        }
    sectors = [sector.name for sector in actor.sectors.all()]
    if sectors:
        data["knowsAbout"] = sectors
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))


@method_decorator(cache_public_page, name="dispatch")
class ActorDetailView(DetailView):
    """One published organisation; unpublished ones are a 404."""

    template_name = "actors/actor_detail.html"

    def get_queryset(self):
        return (
            Actor.objects.published()
            .with_map_position()
            .select_related("commune", "commune__epci", "pole")
            .prefetch_related("sectors")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["json_ld"] = organization_json_ld(self.object, self.request)
        if self.object.map_latitude is not None:
            context["actor_point"] = (self.object.map_latitude, self.object.map_longitude)
        return context


class MapView(FilteredMixin, TemplateView):
    """The full-page map with the directory's filters, and the matching list as its text alternative."""

    template_name = "actors/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = self.filtered_queryset()
        context["total"] = queryset.count()
        context["actors"] = queryset[:MAP_TEXT_ALTERNATIVE_SIZE]
        pole = self.filterset.form.cleaned_data.get("pole") if self.filterset.is_valid() else None
        context["geojson_url"] = url_with_query(reverse("actors:geojson"), context["filter_query"])
        context["poles_geojson_url"] = url_with_query(
            reverse("poles:geojson"), f"pole={pole.slug}" if pole else ""
        )
        return context


class MapEmbedView(MapView):
    """The chrome-less map for an iframe on a pole's or a commune's own site."""

    template_name = "actors/map_embed.html"


_full_map = MapView.as_view()
_embedded_map = xframe_options_exempt(MapEmbedView.as_view())


@cache_public_page(params=FILTERS | {"embed"})
def map_page(request):
    """``/carte/``: the full-page map, or with ``?embed=1`` the embeddable one (the only framable page).

    Cached here, with ``embed`` in the key: the two maps share a path."""
    if request.GET.get("embed"):
        return _embedded_map(request)
    return _full_map(request)


@method_decorator(cache_public_page(params=EmbedForm.base_fields), name="dispatch")
class EmbedBuilderView(TemplateView):
    """``/integrer/``: choose a pole or a sector and copy the iframe snippet of the embeddable map."""

    template_name = "actors/embed_builder.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = EmbedForm(self.request.GET or None)
        context["form"] = form
        params = form.cleaned_query() if form.is_bound and form.is_valid() else {"embed": "1"}
        height = form.cleaned_data.get("height") if form.is_bound and form.is_valid() else None
        query = "&".join(f"{key}={value}" for key, value in params.items())
        context["embed_url"] = f"{reverse('actors:map')}?{query}"
        context["embed_absolute_url"] = settings.SITE_URL + context["embed_url"]
        context["embed_height"] = height or EmbedForm.DEFAULT_HEIGHT
        return context

    def render_to_response(self, context, **response_kwargs):
        if context["form"].is_bound and not context["form"].is_valid():
            response_kwargs["status"] = HTTPStatus.BAD_REQUEST
        return super().render_to_response(context, **response_kwargs)


@method_decorator(cache_public_page(params=FILTERS), name="dispatch")
class OpenDataView(FilteredMixin, TemplateView):
    """``/donnees/``: downloads (CSV, GeoJSON), their filters, licence and attributions."""

    template_name = "actors/open_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["total"] = self.filtered_queryset().count()
        context["csv_columns"] = csv_column_help()
        return context


def csv_column_help() -> list[tuple[str, str]]:
    """The columns of the CSV export and what they hold, for the open-data page."""
    from django.utils.translation import gettext as _

    return [
        ("name", _("Name of the organisation")),
        ("acronym", _("Acronym")),
        ("legal_form", _("Legal form (code)")),
        ("legal_family", _("ESS family: association, cooperative, mutual, foundation, social_enterprise")),
        ("sectors", _("Sectors of activity, separated by “ | ”")),
        ("pole", _("Pole the organisation is a member of")),
        ("address", _("Street address")),
        ("commune", _("Commune")),
        ("insee_code", _("INSEE code of the commune")),
        ("department", _("Department number")),
        ("latitude", _("Latitude (WGS84)")),
        ("longitude", _("Longitude (WGS84)")),
        ("approximate_position", _("true when the position is the commune’s, not the organisation’s")),
        ("website", _("Website")),
        ("email", _("Contact email")),
        ("phone", _("Contact phone")),
        ("siret", _("SIRET number")),
        ("employees", _("Number of employees (range)")),
        ("member_since", _("Member of its pole since (date)")),
        ("url", _("Page of the organisation on this portal")),
        ("updated_at", _("Last update")),
    ]
