"""axe-core reports no WCAG 2.1 A/AA violation on the main public pages."""

import pytest

from actors.models import LegalForm
from tests import factories
from tests.e2e.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """The site speaks French first: browse it as a French visitor."""
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture
def site(db):
    pole = factories.PoleFactory(name="CADES", slug="cades", territory_name="pays de Redon")
    pole.missions = ["strategy", "visibility"]
    pole.save()
    sector = factories.SectorFactory(name="Éco-construction", slug="eco-construction")
    actor = factories.ActorFactory(
        name="Les Charpentiers du Pays de Redon",
        legal_form=LegalForm.SCOP,
        pole=pole,
        sectors=[sector],
        description="Charpente en bois local.",
        website="https://example.org",
        latitude=47.66,
        longitude=-2.09,
    )
    factories.ActorFactory.create_batch(3, pole=pole)
    factories.EventFactory(pole=pole, title="Rencontre éco-construction")
    factories.WorkshopFactory(pole=pole, title="Atelier bois")
    return {"pole": pole, "actor": actor}


def _format(violations) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


@pytest.mark.parametrize(
    "path",
    ["/", "/poles/", "/poles/cades/", "/acteurs/", "/acteurs/{actor}/", "/donnees/", "/carte/", "/integrer/"],
)
def test_public_page_has_no_wcag_violation(page, live_server, site, path):
    page.goto(live_server.url + path.format(actor=site["actor"].slug))
    if page.locator(".js-map").count():
        page.wait_for_selector(".js-map.leaflet-container")
        page.wait_for_timeout(300)
    violations = axe_violations(page)
    assert not violations, _format(violations)
