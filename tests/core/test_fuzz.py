"""Property-based fuzzing of every public form and query parameter: whatever a visitor sends, the portal
answers with a page, a redirect or a 4xx — never a server error."""

from http import HTTPStatus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories

PUBLIC_URLS = [
    "/",
    "/poles/",
    "/acteurs/",
    "/carte/",
    "/integrer/",
    "/donnees/",
    "/donnees/acteurs.csv",
    "/api/acteurs.geojson",
    "/api/poles.geojson",
    "/evenements/",
    "/evenements/archives/",
    "/evenements.ics",
]
PARAMETERS = [
    "q",
    "pole",
    "sector",
    "family",
    "legal_family",
    "department",
    "commune",
    "sort",
    "near",
    "page",
    "bbox",
    "embed",
    "kind",
    "workshop",
    "view",
    "format",
]

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
any_text = st.text(max_size=40)
tricky_numbers = st.sampled_from(["-1", "0", "1e309", "nan", "9" * 30, "1,2,3", "-181,-91,181,91", "2,1,1,2"])
values = st.one_of(any_text, tricky_numbers)


@pytest.fixture
def network(db):
    pole = factories.PoleFactory(slug="cades")
    sector = factories.SectorFactory(slug="insertion")
    actor = factories.ActorFactory(pole=pole, sectors=[sector])
    event = factories.EventFactory(pole=pole, slug="rencontre")
    return {"pole": pole, "actor": actor, "event": event}


def assert_no_server_error(response):
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, response.content[:500]


@FUZZ
@given(
    url=st.sampled_from(PUBLIC_URLS), query=st.dictionaries(st.sampled_from(PARAMETERS), values, max_size=4)
)
def test_no_query_string_makes_a_public_page_fail(client, network, url, query):
    assert_no_server_error(client.get(url, query))


@FUZZ
@given(path=any_text)
def test_no_path_under_a_public_prefix_makes_the_site_fail(client, network, path):
    for prefix in ("/acteurs/", "/poles/", "/evenements/", "/inscription/", "/ateliers/"):
        assert_no_server_error(client.get(prefix + path.replace("?", "").replace("#", "")))


registration_fields = st.fixed_dictionaries(
    {},
    optional={
        "full_name": any_text,
        "email": st.one_of(st.emails(), any_text),
        "organisation": values,
        "organisation_name": any_text,
        "consent": st.sampled_from(["on", "", "1", "nope"]),
        "website": any_text,
    },
)


@FUZZ
@given(data=registration_fields)
def test_no_registration_post_makes_the_site_fail(client, network, data):
    assert_no_server_error(client.post("/evenements/rencontre/inscription/", data))


proposal_fields = st.fixed_dictionaries(
    {},
    optional={
        "name": any_text,
        "legal_form": values,
        "commune": values,
        "sectors": values,
        "siret": st.one_of(any_text, st.from_regex(r"\A[0-9]{14}\Z")),
        "website": any_text,
        "email": st.one_of(st.emails(), any_text),
        "description": any_text,
        "proposer_name": any_text,
        "proposer_email": st.one_of(st.emails(), any_text),
        "address": any_text,
        "phone": any_text,
    },
)


@FUZZ
@given(data=proposal_fields)
def test_no_proposal_post_makes_the_site_fail(client, network, data):
    assert_no_server_error(client.post("/acteurs/proposer/", data))


@FUZZ
@given(token=any_text, action=st.sampled_from(["confirm", "cancel", "", "x"]))
def test_no_registration_token_or_action_makes_the_site_fail(client, network, token, action):
    url = "/inscription/" + (token.replace("/", "").replace("?", "").replace("#", "") or "x") + "/"
    assert_no_server_error(client.post(url, {"action": action}))
