"""Demo data: the fictitious member organisations, planned from the reference data by a seeded
random generator (the same rows on every run)."""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils.text import slugify

from actors.models import EmployeesRange, LegalForm
from core.validators import LA_POSTE_SIREN, luhn_ok

# --------------------------------------------------------------------------------------------------
# Organisations: name templates, by legal form and sectors
# --------------------------------------------------------------------------------------------------
from demo.data.poles import DEMO_NOTE, POLES, SEED, UNAFFILIATED_ACTORS


@dataclass(frozen=True)
class NameTemplate:
    pattern: str  # placeholders: {of_commune}, {commune}, {of_territory}, {of_river}, {troupe}
    legal_form: str
    sectors: tuple[str, ...]
    activity: str
    weight: int = 2

    @property
    def needs_territory(self) -> bool:
        return "{of_territory}" in self.pattern or "{of_river}" in self.pattern


A, SCOP, SCIC, CAE, COOP = (
    LegalForm.ASSOCIATION,
    LegalForm.SCOP,
    LegalForm.SCIC,
    LegalForm.CAE,
    LegalForm.COOPERATIVE,
)
TEMPLATES: tuple[NameTemplate, ...] = (
    NameTemplate("Ressourcerie {of_territory}", A, ("reemploi", "insertion"), "Collecte, réparation et revente d’objets de seconde main ; chantier d’insertion."),
    NameTemplate("Recyclerie {of_commune}", A, ("reemploi", "environnement"), "Recyclerie : dépôt, tri et vente solidaire d’objets et de meubles."),
    NameTemplate("Association Les Jardins de Cocagne {of_commune}", A, ("agriculture", "insertion"), "Jardin maraîcher biologique d’insertion ; paniers de légumes chaque semaine."),
    NameTemplate("Épicerie solidaire {of_commune}", A, ("alimentation-bio", "sante-action-sociale"), "Épicerie solidaire : produits de qualité à petit prix et ateliers cuisine."),
    NameTemplate("Régie de quartier {of_commune}", A, ("insertion", "habitat"), "Régie de quartier : entretien des espaces communs par des habitants en insertion."),
    NameTemplate("Atelier vélo participatif {of_commune}", A, ("mobilite", "reemploi"), "Atelier vélo : réparation accompagnée, vélos d’occasion, apprentissage."),
    NameTemplate("Aide à domicile {of_commune}", A, ("services-a-la-personne", "sante-action-sociale"), "Aide à domicile pour les personnes âgées et les familles.", 3),
    NameTemplate("Centre social {of_commune}", A, ("education-populaire", "sante-action-sociale"), "Centre social : accueil, activités pour tous les âges, projets d’habitants."),
    NameTemplate("Cinéma associatif {of_commune}", A, ("culture",), "Cinéma associatif géré par des bénévoles : art et essai, séances scolaires."),
    NameTemplate("Cercle celtique {of_commune}", A, ("culture",), "Danse, musique et costumes traditionnels bretons."),
    NameTemplate("Maison de la nature {of_commune}", A, ("environnement", "education-populaire"), "Éducation à l’environnement, sorties nature, animations scolaires."),
    NameTemplate("Compagnie {troupe}", A, ("culture",), "Compagnie de théâtre : créations, tournées et ateliers en milieu rural."),
    NameTemplate("Club d’épargne solidaire {of_territory}", A, ("finance-solidaire",), "Club d’épargnants qui investissent dans les entreprises locales de l’ESS."),
    NameTemplate("Boutique équitable {of_commune}", A, ("commerce-equitable",), "Boutique de commerce équitable tenue par des bénévoles."),
    NameTemplate("Transport solidaire {of_territory}", A, ("mobilite", "sante-action-sociale"), "Transport solidaire par des chauffeurs bénévoles pour les personnes isolées."),
    NameTemplate("Association Habitat partagé {of_commune}", A, ("habitat",), "Accompagnement de projets d’habitat participatif et intergénérationnel."),
    NameTemplate("Espace numérique solidaire {of_commune}", A, ("numerique", "education-populaire"), "Médiation numérique : initiation, accompagnement aux démarches, ordinateurs reconditionnés."),
    NameTemplate("Auberge de jeunesse {of_commune}", A, ("hebergement-tourisme",), "Hébergement de groupe et de randonneurs, séjours éducatifs."),
    NameTemplate("Gîte d’étape associatif {of_commune}", A, ("hebergement-tourisme",), "Gîte d’étape et hébergement de groupe sur les chemins de randonnée."),
    NameTemplate("Vacances et loisirs pour tous {of_territory}", A, ("sport-loisirs", "hebergement-tourisme"), "Séjours et loisirs accessibles aux familles à revenus modestes."),
    NameTemplate("Chantier nature et patrimoine {of_territory}", A, ("insertion", "environnement"), "Chantier d’insertion : entretien des espaces naturels et restauration du petit patrimoine."),
    NameTemplate("AMAP {of_commune}", A, ("agriculture", "alimentation-bio"), "Association pour le maintien d’une agriculture paysanne : paniers bio en circuit court."),
    NameTemplate("Éco-habitat {of_territory}", A, ("eco-construction", "habitat"), "Conseil et formation à l’éco-construction et à la rénovation écologique."),
    NameTemplate("Énergies citoyennes {of_territory}", A, ("energie",), "Projets citoyens d’énergie renouvelable et actions de sobriété."),
    NameTemplate("Les Randonneurs {of_river}", A, ("sport-loisirs", "environnement"), "Randonnée pédestre, entretien des sentiers et découverte du patrimoine."),
    NameTemplate("Association de sauvegarde {of_river}", A, ("environnement",), "Protection de la rivière, de ses berges et de sa faune."),
    NameTemplate("Maison des jeunes {of_commune}", A, ("education-populaire", "culture"), "Accueil des jeunes, projets culturels et sportifs, information jeunesse."),
    NameTemplate("Accueil de jour {of_commune}", A, ("sante-action-sociale",), "Accueil de jour et accompagnement des personnes en difficulté."),
    NameTemplate("Ludothèque {of_commune}", A, ("education-populaire", "culture"), "Prêt de jeux et animations pour les familles."),
    NameTemplate("Café associatif {of_commune}", A, ("culture", "alimentation-bio"), "Café associatif : produits locaux, concerts, débats et ateliers."),
    NameTemplate("Repair café {of_commune}", A, ("reemploi", "environnement"), "Réparation d’objets avec des bénévoles, un samedi par mois."),
    NameTemplate("SCOP Charpente {of_river}", SCOP, ("eco-construction",), "Charpente, ossature bois et isolation en matériaux biosourcés."),
    NameTemplate("SCOP Terre et Paille {of_territory}", SCOP, ("eco-construction", "habitat"), "Construction en terre crue et en paille, enduits naturels."),
    NameTemplate("Imprimerie coopérative {of_commune}", SCOP, ("culture",), "Imprimerie en coopérative de salariés : papiers recyclés, encres végétales."),
    NameTemplate("Bureau d’études coopératif {of_river}", SCOP, ("eco-construction", "energie"), "Études thermiques et accompagnement de projets de bâtiments sobres."),
    NameTemplate("Boulangerie coopérative {of_commune}", SCOP, ("alimentation-bio",), "Pain au levain de farines biologiques locales, en coopérative de salariés."),
    NameTemplate("SCOP Paysages {of_river}", SCOP, ("environnement",), "Création et entretien d’espaces verts en gestion différenciée."),
    NameTemplate("SCOP Libre Informatique {of_territory}", SCOP, ("numerique",), "Services informatiques en logiciels libres pour les associations et collectivités."),
    NameTemplate("SCIC Énergies renouvelables {of_territory}", SCIC, ("energie", "environnement"), "Société coopérative d’intérêt collectif : parcs solaires et éoliens citoyens."),
    NameTemplate("SCIC Bois local {of_territory}", SCIC, ("eco-construction", "environnement"), "Filière bois locale : bois d’œuvre et bois-énergie."),
    NameTemplate("SCIC Restauration bio {of_territory}", SCIC, ("alimentation-bio", "agriculture"), "Repas biologiques et locaux pour la restauration collective."),
    NameTemplate("SCIC Tiers-lieu {of_commune}", SCIC, ("numerique", "culture"), "Tiers-lieu : espace de travail partagé, fabrication numérique, programmation culturelle."),
    NameTemplate("SCIC Autopartage {of_territory}", SCIC, ("mobilite",), "Voitures en autopartage pour les habitants et les entreprises."),
    NameTemplate("Coopérative d’activités et d’emploi {of_territory}", CAE, ("services-a-la-personne",), "Accompagnement des créateurs d’activité salariés de la coopérative.", 1),
    NameTemplate("Coop Bio {of_river}", COOP, ("alimentation-bio", "agriculture"), "Magasin coopératif de produits biologiques et locaux."),
    NameTemplate("Coopérative paysanne {of_river}", COOP, ("agriculture",), "Coopérative de producteurs : transformation et vente en circuit court."),
    NameTemplate("Coopérative d’habitants {of_commune}", COOP, ("habitat",), "Coopérative d’habitants : logements partagés, propriété collective."),
    NameTemplate("CUMA {of_commune}", COOP, ("agriculture",), "Coopérative d’utilisation de matériel agricole."),
    NameTemplate("Mutuelle solidaire {of_territory}", LegalForm.MUTUAL, ("sante-action-sociale",), "Complémentaire santé mutualiste et actions de prévention.", 1),
    NameTemplate("Mutuelle communale {of_commune}", LegalForm.MUTUAL, ("sante-action-sociale",), "Mutuelle communale : complémentaire santé négociée pour les habitants.", 1),
    NameTemplate("Maison d’enfants {of_commune}", LegalForm.FOUNDATION, ("sante-action-sociale", "education-populaire"), "Maison d’enfants à caractère social gérée par une fondation reconnue d’utilité publique.", 1),
    NameTemplate("Fondation pour l’habitat solidaire {of_territory}", LegalForm.FOUNDATION, ("habitat", "sante-action-sociale"), "Logement d’insertion et accompagnement des familles.", 1),
    NameTemplate("Entreprise d’insertion {of_commune}", LegalForm.ESUS, ("insertion",), "Entreprise d’insertion : propreté, second œuvre, logistique."),
    NameTemplate("{commune} Propreté Insertion", LegalForm.ESUS, ("insertion", "environnement"), "Nettoyage et entretien de locaux par des salariés en parcours d’insertion.", 1),
    NameTemplate("Les Ateliers solidaires {of_territory}", LegalForm.ESUS, ("reemploi", "insertion"), "Réemploi de matériel informatique et électroménager."),
    NameTemplate("Services à domicile {of_commune}", LegalForm.ESUS, ("services-a-la-personne",), "Ménage, repassage et petits travaux, entreprise agréée ESUS."),
    NameTemplate("Le Comptoir équitable {of_territory}", LegalForm.COMMERCIAL_ESS, ("commerce-equitable", "alimentation-bio"), "Négoce de produits équitables et locaux pour les boutiques et la restauration.", 1),
)  # fmt: skip
TROUPES = (
    "des Embruns", "du Grand Large", "du Fil Tendu", "Vent d’Ouest", "La Mouette rieuse", "du Coin de la Rue",
    "Les Têtes de Lard", "de l’Hirondelle", "Marée haute", "du Loup Blanc", "Les Goélands", "Pas de Côté",
)  # fmt: skip
STREETS = (
    "rue de la Gare", "rue de l’Église", "place du Marché", "rue des Écoles", "avenue de la Libération",
    "rue du Port", "rue de Bretagne", "rue Jean Jaurès", "rue des Tanneurs", "chemin du Moulin",
    "zone artisanale de Kerbriant", "rue de la Mairie",
)  # fmt: skip
EMPLOYEES = (
    (EmployeesRange.NONE, 30),
    (EmployeesRange.FEW, 40),
    (EmployeesRange.SMALL, 20),
    (EmployeesRange.MEDIUM, 8),
    (EmployeesRange.LARGE, 2),
)


def of(name: str) -> str:
    """The French "de" before a place name: "de Redon", "d’Auray", "du Faou", "des Fougerêts", "de La Gacilly"."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    first = unicodedata.normalize("NFKD", name[:1]).lower()[:1]
    if first in "aeiouyh":
        return "d’" + name
    return "de " + name


@dataclass(frozen=True)
class CommunePoint:
    id: int
    insee_code: str
    name: str
    population: int
    latitude: float | None
    longitude: float | None
    epci_siren: str | None


@dataclass
class ActorPlan:
    slug: str
    name: str
    legal_form: str
    sectors: tuple[str, ...]
    pole_slug: str | None
    commune: CommunePoint
    description: str
    member_since: date | None = None
    address: str = ""
    email: str = ""
    website: str = ""
    siret: str = ""
    employees: str = ""
    latitude: float | None = None
    longitude: float | None = None
    is_published: bool = True


def _check_digit(payload: str) -> str:
    return next(d for d in "0123456789" if luhn_ok(payload + d))


def _siret(rng: random.Random) -> str:
    """A SIRET whose SIREN and SIRET both pass the Luhn check (the rule of INSEE), outside La Poste's SIREN."""
    while True:
        base = str(rng.randint(3, 9)) + "".join(rng.choice("0123456789") for _ in range(7))
        siren = base + _check_digit(base)
        if siren != LA_POSTE_SIREN:
            payload = siren + f"{rng.randint(1, 99):04d}"
            return payload + _check_digit(payload)


def actors_plan(communes: list[CommunePoint]) -> list[ActorPlan]:
    """The demo organisations, generated from the reference communes by a seeded random generator.

    Pure function of its input: two runs plan the same names, slugs and SIRET numbers.
    """
    rng = random.Random(SEED)
    located = [c for c in communes if c.latitude is not None]
    by_epci: dict[str, list[CommunePoint]] = {}
    for commune in located:
        by_epci.setdefault(commune.epci_siren or "", []).append(commune)

    plans: list[ActorPlan] = []
    used_slugs: set[str] = set()
    used_sirets: set[str] = set()
    groups = [
        (spec, [c for s in spec.epci_sirens for c in by_epci.get(s, [])], spec.members) for spec in POLES
    ]
    groups.append((None, located, UNAFFILIATED_ACTORS))
    for spec, pool, count in groups:
        weights = [math.sqrt(c.population or 1) for c in pool]
        templates = [t for t in TEMPLATES if spec is not None or not t.needs_territory]
        template_weights = [t.weight for t in templates]
        seat = next((c for c in pool if spec and c.insee_code == spec.seat_insee), None)
        for _index in range(count):
            for _attempt in range(30):
                template = rng.choices(templates, template_weights)[0]
                # A structure named after the whole territory sits in its main town.
                if seat and "{of_territory}" in template.pattern:
                    commune = seat
                else:
                    commune = rng.choices(pool, weights)[0]
                name = template.pattern.format(
                    of_commune=of(commune.name),
                    commune=commune.name,
                    of_territory=spec.of_territory if spec else "",
                    of_river=rng.choice(spec.rivers) if spec else "",
                    troupe=rng.choice(TROUPES),
                )
                if slugify(name) not in used_slugs:
                    break
            else:
                name = f"{name} ({commune.name}, {len(plans)})"
            used_slugs.add(slugify(name))
            plans.append(_actor_plan(rng, name, template, spec, commune, used_sirets, len(plans)))
    return plans


def _actor_plan(rng, name, template, spec, commune, used_sirets, index) -> ActorPlan:
    slug = slugify(name)
    plan = ActorPlan(
        slug=slug,
        name=name,
        legal_form=template.legal_form,
        sectors=template.sectors,
        pole_slug=spec.slug if spec else None,
        commune=commune,
        description=f"{template.activity} {DEMO_NOTE}",
        employees=rng.choices([e for e, _w in EMPLOYEES], [w for _e, w in EMPLOYEES])[0],
        is_published=index % 37 != 36,
    )
    if spec is not None:
        first_year = spec.founded_on.year if spec.founded_on else 2008
        plan.member_since = date(rng.randint(first_year, 2025), rng.randint(1, 12), 1)
    if rng.random() < 0.6:
        plan.address = f"{rng.randint(1, 60)} {rng.choice(STREETS)}"
    if rng.random() < 0.5:
        plan.email = f"contact@{slug[:50].strip('-')}.example.org"
    if rng.random() < 0.3:
        plan.website = f"https://{slug[:50].strip('-')}.example.org/"
    if rng.random() < 0.4:
        siret = _siret(rng)
        if siret not in used_sirets:
            used_sirets.add(siret)
            plan.siret = siret
    if rng.random() < 0.15:
        # A point of its own, a few hundred metres from the commune's main place.
        plan.latitude = round(commune.latitude + rng.uniform(-0.006, 0.006), 5)
        plan.longitude = round(commune.longitude + rng.uniform(-0.009, 0.009), 5)
    return plan
