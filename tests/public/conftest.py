"""A small directory: two poles, three sectors, organisations in three departments, one unpublished."""

from dataclasses import dataclass

import pytest

from actors.models import Actor, LegalForm
from tests import factories


@dataclass
class Directory:
    redon: object
    brest: object
    ecoconstruction: object
    culture: object
    insertion: object
    rennes: object
    brest_commune: object
    redon_commune: object
    unlocated_commune: object
    scop_redon: Actor
    asso_brest: Actor
    mutual_rennes: Actor
    asso_unlocated: Actor
    hidden: Actor


@pytest.fixture
def directory(db) -> Directory:
    redon = factories.PoleFactory(name="CADES", slug="cades", territory_name="pays de Redon")
    brest = factories.PoleFactory(
        name="ADESS Pays de Brest", slug="adess-pays-de-brest", territory_name="pays de Brest"
    )
    eco = factories.SectorFactory(name="Éco-construction", slug="eco-construction")
    culture = factories.SectorFactory(name="Culture", slug="culture")
    insertion = factories.SectorFactory(name="Insertion", slug="insertion")
    rennes = factories.CommuneFactory(
        insee_code="35238", name="Rennes", department_code="35", latitude=48.11, longitude=-1.68
    )
    brest_commune = factories.CommuneFactory(
        insee_code="29019", name="Brest", department_code="29", latitude=48.39, longitude=-4.49
    )
    redon_commune = factories.CommuneFactory(
        insee_code="35236", name="Redon", department_code="35", latitude=47.65, longitude=-2.08
    )
    unlocated = factories.CommuneFactory(
        insee_code="22006", name="Berhet", department_code="22", latitude=None, longitude=None
    )
    scop_redon = factories.ActorFactory(
        name="Les Charpentiers du Pays de Redon",
        legal_form=LegalForm.SCOP,
        pole=redon,
        commune=redon_commune,
        description="Éco-construction en bois local.",
        latitude=47.66,
        longitude=-2.09,
        sectors=[eco],
    )
    asso_brest = factories.ActorFactory(
        name="Théâtre du Ponant",
        legal_form=LegalForm.ASSOCIATION,
        pole=brest,
        commune=brest_commune,
        description="Compagnie de théâtre.",
        sectors=[culture],
    )
    mutual_rennes = factories.ActorFactory(
        name="Mutuelle Solidaire d'Ille",
        acronym="MSI",
        legal_form=LegalForm.MUTUAL,
        pole=None,
        commune=rennes,
        description="Eco construction et habitat : prêts aux ménages.",
        sectors=[eco, insertion],
    )
    asso_unlocated = factories.ActorFactory(
        name="Ressourcerie du Trégor",
        legal_form=LegalForm.ASSOCIATION,
        pole=brest,
        commune=unlocated,
        sectors=[insertion],
    )
    hidden = factories.ActorFactory(
        name="Coopérative Cachée",
        legal_form=LegalForm.SCIC,
        pole=redon,
        commune=redon_commune,
        is_published=False,
        description="ecoconstruction",
        sectors=[eco],
    )
    return Directory(
        redon,
        brest,
        eco,
        culture,
        insertion,
        rennes,
        brest_commune,
        redon_commune,
        unlocated,
        scop_redon,
        asso_brest,
        mutual_rennes,
        asso_unlocated,
        hidden,
    )
