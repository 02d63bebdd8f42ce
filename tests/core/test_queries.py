"""The kernel's one definition of each query-string rule, and of "URLs assume https"."""

import pytest
from django import forms
from django.db import models
from django.http import QueryDict

from core.forms import HTTPS_URL_FIELDS, URL_SCHEME, HttpsURLField, https_formfield
from core.queries import InvalidQuery, canonical_query, filtered, query_is_invalid, query_with, url_with_query
from events.filters import EventFilter
from events.models import Event


def test_canonical_query_sorts_the_parameters_and_keeps_each_ones_values_in_order():
    params = QueryDict("sector=b&q=caf%C3%A9&sector=a&utm_source=x")
    assert canonical_query(params) == "q=caf%C3%A9&sector=b&sector=a&utm_source=x"
    assert canonical_query(params, keys={"q", "sector"}) == "q=caf%C3%A9&sector=b&sector=a"


def test_query_with_keeps_the_typed_order_drops_and_sets_parameters():
    params = QueryDict("q=a%26b&page=3&pole=&sector=x")
    assert query_with(params, drop={"page"}) == "q=a%26b&pole=&sector=x"
    assert query_with(params, drop={"page"}, skip_empty=True) == "q=a%26b&sector=x"
    assert query_with(params, page=4) == "q=a%26b&pole=&sector=x&page=4"
    assert query_with(params, page=None, pole=None) == "q=a%26b&sector=x"
    assert url_with_query("/acteurs/", "") == "/acteurs/"
    assert url_with_query("/acteurs/", "q=x") == "/acteurs/?q=x"


@pytest.mark.django_db
def test_a_filterset_bound_to_an_invalid_query_raises_a_400_error_and_none_is_valid():
    unbound = EventFilter(None, queryset=Event.objects.all())
    assert not query_is_invalid(unbound)
    assert list(filtered(unbound)) == []

    invalid = EventFilter(QueryDict("pole=no-such-pole"), queryset=Event.objects.all())
    assert query_is_invalid(invalid)
    with pytest.raises(InvalidQuery) as raised:
        filtered(invalid)
    assert list(raised.value.errors) == ["pole"]
    assert raised.value.as_text().startswith("pole: ")


def test_every_url_field_of_the_portal_assumes_the_same_scheme():
    assert URL_SCHEME == "https"
    assert HttpsURLField().to_python("www.example.org") == "https://www.example.org"
    assert HTTPS_URL_FIELDS[models.URLField]["assume_scheme"] == URL_SCHEME
    field = https_formfield(models.URLField(name="website"))
    assert isinstance(field, forms.URLField)
    assert field.to_python("www.example.org") == "https://www.example.org"
