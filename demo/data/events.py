"""Demo data: co-production workshops, upcoming and past events, and their registrations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from events.models import Event

# --------------------------------------------------------------------------------------------------
# Workshops and events
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopSpec:
    pole_slug: str
    slug: str
    title: str
    theme: str
    description: str
    sectors: tuple[str, ...]
    participants: int
    is_active: bool = True


WORKSHOPS = (
    WorkshopSpec(
        "cades",
        "cades-atelier-eco-construction",
        "Atelier éco-construction",
        "Éco-construction",
        "Artisans, architectes, associations et collectivités du pays de Redon construisent ensemble une "
        "filière locale de l’éco-construction : matériaux biosourcés, chantiers participatifs, formation.",
        ("eco-construction", "energie", "habitat"),
        12,
    ),
    WorkshopSpec(
        "cades",
        "cades-atelier-hebergement-de-groupe",
        "Atelier hébergement de groupe",
        "Hébergement et tourisme",
        "Les gîtes, auberges et centres d’accueil du territoire mutualisent leur offre d’hébergement de "
        "groupe : réservation commune, accueil des classes et des associations.",
        ("hebergement-tourisme", "sport-loisirs"),
        8,
    ),
    WorkshopSpec(
        "cades",
        "cades-atelier-restauration-bio-hors-domicile",
        "Atelier restauration bio hors domicile",
        "Alimentation et restauration bio",
        "En projet : introduire des produits biologiques et locaux dans la restauration collective et "
        "commerciale du pays de Redon, avec les producteurs et les cuisiniers.",
        ("alimentation-bio", "agriculture"),
        6,
        is_active=False,
    ),
    WorkshopSpec(
        "cades",
        "cades-services-a-la-personne",
        "Services à la personne",
        "Services à la personne",
        "Depuis 2007, les associations d’aide à domicile et les structures d’insertion du territoire "
        "travaillent ensemble à des services à la personne de qualité et à des emplois durables.",
        ("services-a-la-personne", "sante-action-sociale"),
        8,
    ),
    WorkshopSpec(
        "adess-pays-de-brest",
        "adess-atelier-circuits-courts",
        "Atelier circuits courts alimentaires",
        "Alimentation et restauration bio",
        "Producteurs, épiceries solidaires et restaurants collectifs du pays de Brest organisent "
        "l’approvisionnement local.",
        ("alimentation-bio", "agriculture"),
        10,
    ),
    WorkshopSpec(
        "adess-pays-de-brest",
        "adess-atelier-reemploi",
        "Atelier réemploi et économie circulaire",
        "Réemploi",
        "Ressourceries, repair cafés et entreprises d’insertion mutualisent la collecte et la vente.",
        ("reemploi", "insertion"),
        8,
    ),
    WorkshopSpec(
        "reso-solidaire",
        "reso-atelier-mobilite-solidaire",
        "Atelier mobilité solidaire",
        "Mobilité",
        "Transport solidaire, ateliers vélo et autopartage : une offre de mobilité pour les personnes "
        "qui en sont privées, dans la métropole et les communes rurales.",
        ("mobilite",),
        8,
    ),
    WorkshopSpec(
        "reso-solidaire",
        "reso-atelier-achats-responsables",
        "Atelier achats socialement responsables",
        "Commerce équitable",
        "Aider les collectivités et les entreprises du pays de Rennes à acheter aux structures de "
        "l’ESS : catalogue commun, clauses sociales, réponses groupées.",
        ("commerce-equitable", "insertion"),
        10,
    ),
)

THEMATIC_MEETING_TITLE = "L'ESS, une alternative à la crise ?"


@dataclass(frozen=True)
class EventSpec:
    pole_slug: str
    slug: str
    title: str
    days: int  # from today, in Europe/Paris
    start: time
    hours: float
    description: str
    kind: str = Event.Kind.MEETING
    workshop_slug: str | None = None
    venue: str = ""
    capacity: int | None = None
    audience: str = Event.Audience.PUBLIC
    registrations: int = 0  # confirmed demo registrations (marked attended or not when the event is past)


EVENTS = (
    EventSpec(
        "cades",
        "l-ess-une-alternative-a-la-crise",
        THEMATIC_MEETING_TITLE,
        24,
        time(18, 0),
        3,
        "Rencontre thématique ouverte à tous : face à la crise, les entreprises de l’économie sociale et "
        "solidaire créent-elles des emplois plus durables ? Témoignages d’acteurs du pays de Redon, débat "
        "avec des élus et des chercheurs, puis pot de l’amitié.",
        venue="Salle des fêtes",
        capacity=80,
        registrations=14,
    ),
    EventSpec(
        "cades",
        "cades-seance-eco-construction-chantier-paille",
        "Atelier éco-construction : visite d’un chantier en paille",
        10,
        time(9, 30),
        3,
        "Séance de l’atelier éco-construction : visite commentée d’un chantier de maison en ossature bois "
        "et paille, puis échange sur l’approvisionnement local.",
        kind=Event.Kind.WORKSHOP_SESSION,
        workshop_slug="cades-atelier-eco-construction",
        venue="Chantier participatif",
        capacity=20,
        registrations=9,
    ),
    # The rest of the eco-construction cycle: its page shows each session's state (past, places left,
    # full) and the form that registers for several sessions at once.
    EventSpec(
        "cades",
        "cades-seance-eco-construction-lancement",
        "Atelier éco-construction : lancement du cycle",
        -14,
        time(9, 30),
        3,
        "Première séance du cycle : tour de table des artisans et des associations, choix des chantiers à visiter.",
        kind=Event.Kind.WORKSHOP_SESSION,
        workshop_slug="cades-atelier-eco-construction",
        venue="Maison des associations",
        capacity=20,
        registrations=11,
    ),
    EventSpec(
        "cades",
        "cades-seance-eco-construction-enduits-terre",
        "Atelier éco-construction : enduits terre et chaux",
        31,
        time(9, 30),
        3,
        "Séance pratique : préparation et pose d’enduits terre et chaux, avec un artisan du réseau.",
        kind=Event.Kind.WORKSHOP_SESSION,
        workshop_slug="cades-atelier-eco-construction",
        venue="Atelier de la SCOP",
        capacity=12,
        registrations=12,
    ),
    EventSpec(
        "cades",
        "cades-seance-eco-construction-bilan",
        "Atelier éco-construction : bilan et suites",
        52,
        time(17, 0),
        2,
        "Dernière séance du cycle : ce que l’atelier a produit, et les projets communs qui en naissent.",
        kind=Event.Kind.WORKSHOP_SESSION,
        workshop_slug="cades-atelier-eco-construction",
        venue="Maison des associations",
        capacity=30,
        registrations=4,
    ),
    EventSpec(
        "cades",
        "cades-seance-hebergement-de-groupe-reservation-commune",
        "Atelier hébergement de groupe : une réservation commune",
        -20,
        time(14, 0),
        3,
        "Séance de l’atelier hébergement de groupe : bilan de la saison et projet de réservation commune.",
        kind=Event.Kind.WORKSHOP_SESSION,
        workshop_slug="cades-atelier-hebergement-de-groupe",
        venue="Auberge de jeunesse",
        capacity=25,
        registrations=12,
    ),
    EventSpec(
        "cades",
        "cades-assemblee-generale",
        "Assemblée générale du CADES",
        45,
        time(18, 30),
        2.5,
        "Assemblée générale annuelle : rapport d’activité, orientations, élection du conseil "
        "d’administration. Réservée aux organisations membres.",
        kind=Event.Kind.OTHER,
        venue="Salle du conseil",
        audience=Event.Audience.MEMBERS,
    ),
    EventSpec(
        "adess-pays-de-brest",
        "adess-forum-ess-pays-de-brest",
        "Forum de l’ESS du pays de Brest",
        -40,
        time(10, 0),
        7,
        "Une journée pour découvrir les associations, coopératives et entreprises solidaires du pays de "
        "Brest : stands, tables rondes, job-dating.",
        venue="Halle des Capucins",
    ),
    EventSpec(
        "adess-pays-de-brest",
        "adess-seance-circuits-courts-restauration-collective",
        "Circuits courts : approvisionner la restauration collective",
        17,
        time(14, 0),
        2.5,
        "Séance de l’atelier circuits courts : producteurs et cuisiniers de la restauration collective "
        "construisent un approvisionnement local.",
        kind=Event.Kind.WORKSHOP_SESSION,
        workshop_slug="adess-atelier-circuits-courts",
        venue="Maison de l’agriculture",
        capacity=25,
    ),
    EventSpec(
        "adess-pays-de-brest",
        "adess-petit-dejeuner-dirigeants",
        "Petit-déjeuner des dirigeants de l’ESS",
        6,
        time(8, 30),
        1.5,
        "Un petit-déjeuner en petit comité pour les dirigeants salariés et bénévoles : échanges sur la "
        "fonction employeur. Places très limitées.",
        venue="Café associatif",
        capacity=8,
        registrations=6,
    ),
    EventSpec(
        "reso-solidaire",
        "reso-rencontre-mobilite-solidaire",
        "Se déplacer quand on n’a pas de voiture : la mobilité solidaire",
        13,
        time(18, 0),
        2,
        "Rencontre thématique : transport solidaire, ateliers vélo, autopartage. Quelles réponses pour les "
        "habitants des communes rurales du pays de Rennes ?",
        venue="Maison des associations",
        capacity=60,
    ),
    EventSpec(
        "reso-solidaire",
        "reso-seance-mobilite-solidaire-bilan",
        "Atelier mobilité solidaire : bilan de l’expérimentation",
        -12,
        time(9, 30),
        2.5,
        "Séance de l’atelier mobilité solidaire : bilan de six mois de transport solidaire.",
        kind=Event.Kind.WORKSHOP_SESSION,
        workshop_slug="reso-atelier-mobilite-solidaire",
        venue="Maison des associations",
        capacity=30,
    ),
    EventSpec(
        "reso-solidaire",
        "reso-reunion-des-membres",
        "Réunion des membres de Réso-solidaire",
        38,
        time(18, 0),
        2,
        "Réunion semestrielle des organisations membres : projets communs, adhésions, agenda.",
        kind=Event.Kind.OTHER,
        venue="Maison des associations",
        audience=Event.Audience.MEMBERS,
    ),
    EventSpec(
        "pays-de-morlaix",
        "morlaix-lancement-pole-ess",
        "Vers un pôle ESS du pays de Morlaix : réunion de lancement",
        20,
        time(18, 0),
        2,
        "Les acteurs de l’économie sociale et solidaire du pays de Morlaix se réunissent pour préfigurer un "
        "pôle de développement, avec la CRES Bretagne.",
        venue="Salle municipale",
        capacity=40,
    ),
    EventSpec(
        "pays-de-lorient",
        "lorient-rencontre-acteurs-ess",
        "Rencontre des acteurs de l’ESS du pays de Lorient",
        -8,
        time(17, 30),
        2.5,
        "Première rencontre des acteurs de l’ESS du pays de Lorient : tour de table et envies communes.",
        venue="Salle municipale",
    ),
)


FIRST_NAMES = ("Anne", "Yann", "Maëlle", "Erwan", "Gwenaëlle", "Loïc", "Soizic", "Tanguy", "Nolwenn", "Ronan")
LAST_NAMES = ("Le Goff", "Morvan", "Le Gall", "Guillou", "Kerjean", "Le Bihan", "Tanguy", "Riou", "Caradec")
