"""Demo data: the poles, their territories (real intercommunalities) and their partners, around 2009."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from poles.models import Partner, Pole, Support

SEED = "ess-bretagne-demo-2009"
DEMO_NOTE = "Organisation fictive : donnée de démonstration du portail ESS Bretagne, sans lien avec une structure réelle."
POLE_NOTE = "Présentation rédigée pour la démonstration du portail."
ALL_MISSIONS = list(Pole.Mission.values)


# --------------------------------------------------------------------------------------------------
# Poles and their territories
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoleSpec:
    slug: str
    name: str
    acronym: str
    territory_name: str
    of_territory: str  # "du Pays de Redon": how organisation names refer to the territory
    epci_sirens: tuple[str, ...]
    seat_insee: str
    members: int
    rivers: tuple[str, ...]
    status: str = Pole.Status.EMERGING
    founded_on: date | None = None
    description: str = ""
    governance: str = ""
    missions: tuple[str, ...] = (Pole.Mission.STRATEGY, Pole.Mission.VISIBILITY)


CONSTITUTED_GOVERNANCE = (
    "Association collégiale : l’assemblée générale réunit les organisations membres, réparties en trois "
    "collèges (associations ; coopératives et mutuelles ; entreprises solidaires et partenaires). Elle élit "
    "un conseil d’administration qui désigne un bureau ; une équipe salariée anime le pôle."
)
EMERGING_GOVERNANCE = (
    "Comité de pilotage provisoire réunissant des organisations de l’ESS du territoire, des élus du pays "
    "et les partenaires, accompagné par la CRES Bretagne jusqu’à la constitution du pôle."
)


def _emerging(slug, territory_name, of_territory, sirens, seat, rivers, members=5):
    return PoleSpec(
        slug=slug,
        name=f"Pôle ESS {of_territory}",
        acronym="",
        territory_name=territory_name,
        of_territory=of_territory,
        epci_sirens=sirens,
        seat_insee=seat,
        members=members,
        rivers=rivers,
        description=(
            f"Démarche de pôle de développement de l’économie sociale et solidaire en émergence sur le "
            f"{territory_name} : recensement des acteurs, premières rencontres, préfiguration d’une structure "
            f"commune avec l’appui de la CRES Bretagne et du Conseil régional. {POLE_NOTE}"
        ),
        governance=EMERGING_GOVERNANCE,
    )


POLES: tuple[PoleSpec, ...] = (
    PoleSpec(
        slug="cades",
        name="CADES",
        acronym="CADES",
        status=Pole.Status.CONSTITUTED,
        territory_name="pays de Redon",
        of_territory="du Pays de Redon",
        epci_sirens=("243500741",),
        seat_insee="35236",
        members=100,
        rivers=("de la Vilaine", "de l’Oust", "du Don", "de l’Aff", "de l’Isac"),
        founded_on=date(1995, 1, 1),
        missions=tuple(ALL_MISSIONS),
        description=(
            "Fondé en 1995, le CADES fédère une centaine d’associations, de coopératives et d’entreprises "
            "solidaires du pays de Redon, de part et d’autre de la Vilaine, sur trois départements et deux "
            "régions. Il anime des ateliers de co-production sur l’éco-construction et sur l’hébergement de "
            "groupe, prépare un atelier sur la restauration bio hors domicile et travaille depuis 2007 sur "
            f"les services à la personne. {POLE_NOTE}"
        ),
        governance=CONSTITUTED_GOVERNANCE,
    ),
    PoleSpec(
        slug="adess-pays-de-brest",
        name="ADESS Pays de Brest",
        acronym="ADESS",
        status=Pole.Status.CONSTITUTED,
        territory_name="pays de Brest",
        of_territory="du Pays de Brest",
        epci_sirens=("242900314", "242900801", "242900074", "242900553", "242900793", "200066868"),
        seat_insee="29019",
        members=85,
        rivers=("de l’Élorn", "de l’Aber Wrac’h", "de l’Aber Benoît", "de l’Aulne", "de la Penfeld"),
        missions=tuple(ALL_MISSIONS),
        description=(
            "L’ADESS rassemble les acteurs de l’économie sociale et solidaire du pays de Brest, de la "
            "métropole aux Abers et à la presqu’île de Crozon. Soutenue par le Conseil régional de Bretagne "
            "et Brest Métropole Océane, elle rend l’ESS visible, accompagne les porteurs de projets et anime "
            f"des ateliers sur les circuits courts et le réemploi. {POLE_NOTE}"
        ),
        governance=CONSTITUTED_GOVERNANCE,
    ),
    PoleSpec(
        slug="reso-solidaire",
        name="Réso-solidaire",
        acronym="",
        status=Pole.Status.CONSTITUTED,
        territory_name="pays de Rennes",
        of_territory="du Pays de Rennes",
        epci_sirens=("243500139", "243500667", "243500659", "243500774"),
        seat_insee="35238",
        members=90,
        rivers=("de la Vilaine", "de l’Ille", "de la Seiche", "de la Flume", "du Meu"),
        missions=tuple(ALL_MISSIONS),
        description=(
            "Réso-solidaire est le pôle de développement de l’économie sociale et solidaire du pays de "
            "Rennes. Il met en réseau associations, coopératives, mutuelles et entreprises solidaires de la "
            "métropole et des communautés voisines, porte leur parole auprès des collectivités et anime des "
            f"ateliers sur la mobilité solidaire et les achats responsables. {POLE_NOTE}"
        ),
        governance=CONSTITUTED_GOVERNANCE,
    ),
    _emerging(
        "pays-de-morlaix",
        "pays de Morlaix",
        "du Pays de Morlaix",
        ("242900835", "200067072", "242900751"),
        "29151",
        ("du Dossen", "de la Penzé", "du Queffleuth"),
    ),
    _emerging(
        "cornouaille",
        "pays de Cornouaille",
        "de Cornouaille",
        ("200068120", "242900769", "242900660", "242900702", "242900710", "242900629", "242900645"),
        "29232",
        ("de l’Odet", "du Steïr", "du Goyen", "de l’Aven"),
    ),
    _emerging(
        "centre-ouest-bretagne",
        "pays du Centre Ouest Bretagne",
        "du Centre Ouest Bretagne",
        ("242900744", "242200715", "242900561", "245614417", "200067197"),
        "29024",
        ("de l’Hyères", "de l’Aulne", "de l’Ellé"),
    ),
    _emerging(
        "pays-de-lorient",
        "pays de Lorient",
        "du Pays de Lorient",
        ("200042174", "245600440"),
        "56121",
        ("du Scorff", "du Blavet", "de la Laïta"),
    ),
    _emerging(
        "pays-de-pontivy",
        "pays de Pontivy",
        "du Pays de Pontivy",
        ("245614433", "200096683", "200096675"),
        "56178",
        ("du Blavet", "de l’Evel"),
    ),
    _emerging(
        "pays-de-vannes",
        "pays de Vannes",
        "du Pays de Vannes",
        ("200067932", "245614383", "200027027"),
        "56260",
        ("de la Marle", "de l’Arz"),
    ),
    _emerging(
        "pays-d-auray",
        "pays d’Auray",
        "du Pays d’Auray",
        ("200043123", "245600465"),
        "56007",
        ("du Loc’h", "du Sal"),
    ),
    _emerging(
        "pays-de-saint-brieuc",
        "pays de Saint-Brieuc",
        "du Pays de Saint-Brieuc",
        ("200069409", "200069391", "200069086"),
        "22278",
        ("du Gouët", "de l’Urne", "du Leff"),
    ),
    _emerging(
        "pays-de-dinan",
        "pays de Dinan",
        "du Pays de Dinan",
        ("200068989",),
        "22050",
        ("de la Rance", "de l’Arguenon"),
    ),
    _emerging(
        "pays-de-saint-malo",
        "pays de Saint-Malo",
        "du Pays de Saint-Malo",
        ("243500782", "243500725", "243500733", "200070670"),
        "35288",
        ("de la Rance", "du Guyoult"),
    ),
    _emerging(
        "pays-de-fougeres",
        "pays de Fougères",
        "du Pays de Fougères",
        ("200072452", "200070688"),
        "35115",
        ("du Couesnon", "du Nançon"),
    ),
)
UNAFFILIATED_ACTORS = 20

# --------------------------------------------------------------------------------------------------
# Partners
# --------------------------------------------------------------------------------------------------

PARTNERS = (
    ("Conseil régional de Bretagne", Partner.Kind.REGION, "https://www.bretagne.bzh/"),
    ("Conseil général d’Ille-et-Vilaine", Partner.Kind.DEPARTMENT, "https://www.ille-et-vilaine.fr/"),
    ("Brest Métropole Océane", Partner.Kind.INTERCOMMUNALITY, "https://www.brest.fr/"),
    (
        "État (préfecture de région Bretagne)",
        Partner.Kind.STATE,
        "https://www.prefectures-regions.gouv.fr/bretagne",
    ),
    ("Maisons de l’emploi", Partner.Kind.EMPLOYMENT, ""),
    ("CRES Bretagne", Partner.Kind.NETWORK, "https://www.ess-bretagne.org/"),
)
REGION, CG35, BMO, STATE, MDE, CRES = (name for name, _kind, _site in PARTNERS)
SUPPORTS = {
    "cades": [
        (REGION, Support.Kind.FUNDING, 2006),
        (CG35, Support.Kind.FUNDING, 2005),
        (STATE, Support.Kind.FUNDING, 2007),
        (MDE, Support.Kind.TECHNICAL, 2007),
        (CRES, Support.Kind.NETWORK, 2006),
    ],
    "adess-pays-de-brest": [
        (REGION, Support.Kind.FUNDING, 2006),
        (BMO, Support.Kind.FUNDING, 2006),
        (BMO, Support.Kind.POLITICAL, 2006),
        (CRES, Support.Kind.NETWORK, 2006),
    ],
    "reso-solidaire": [
        (REGION, Support.Kind.FUNDING, 2006),
        (CG35, Support.Kind.FUNDING, 2007),
        (MDE, Support.Kind.TECHNICAL, 2008),
        (CRES, Support.Kind.NETWORK, 2006),
    ],
}
EMERGING_SUPPORTS = [(REGION, Support.Kind.FUNDING, 2008), (CRES, Support.Kind.NETWORK, 2008)]
