"""The reference data of the directory: the sector taxonomy, seeded with the poles' reference data.

``reference_data_load()`` loads the communes and intercommunalities (``poles.services``) and seeds the
sectors, in one transaction: ``make run`` calls it on every start (``load_reference_data``), so it is
idempotent and cheap when nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from poles import services as poles_services
from poles.services import COMMUNES_CSV, EPCIS_CSV

from ..models import Sector

# The sector taxonomy of the directory: (slug, name, description), in display order. Seeded by
# reference_data_load() below; existing sectors are left as the regional team edited them.
SECTORS = (
    (
        "services-a-la-personne",
        "Services à la personne",
        "Aide à domicile, garde d’enfants, portage de repas.",
    ),
    (
        "eco-construction",
        "Éco-construction",
        "Bâtiment durable, matériaux biosourcés, rénovation énergétique.",
    ),
    (
        "hebergement-tourisme",
        "Hébergement et tourisme",
        "Hébergement de groupe, tourisme social et solidaire.",
    ),
    (
        "alimentation-bio",
        "Alimentation et restauration bio",
        "Restauration hors domicile, épiceries, circuits courts.",
    ),
    (
        "insertion",
        "Insertion par l’activité économique",
        "Chantiers et entreprises d’insertion, régies de quartier.",
    ),
    ("culture", "Culture", "Spectacle vivant, lieux culturels, patrimoine, langue bretonne."),
    ("environnement", "Environnement", "Protection de la nature, éducation à l’environnement."),
    ("reemploi", "Réemploi et économie circulaire", "Ressourceries, recycleries, réparation."),
    ("energie", "Énergies renouvelables", "Production citoyenne d’énergie, sobriété énergétique."),
    ("finance-solidaire", "Finance solidaire", "Épargne solidaire, microcrédit, clubs d’investisseurs."),
    ("commerce-equitable", "Commerce équitable", "Boutiques et filières du commerce équitable."),
    ("mobilite", "Mobilité", "Transport solidaire, covoiturage, ateliers vélo."),
    ("habitat", "Habitat", "Habitat participatif, logement d’insertion, accompagnement."),
    ("numerique", "Numérique", "Médiation numérique, logiciels libres, tiers-lieux."),
    (
        "sante-action-sociale",
        "Santé et action sociale",
        "Établissements médico-sociaux, prévention, handicap.",
    ),
    ("education-populaire", "Éducation populaire", "Jeunesse, centres sociaux, formation citoyenne."),
    ("agriculture", "Agriculture", "Agriculture paysanne et biologique, coopératives agricoles."),
    ("sport-loisirs", "Sport et loisirs", "Associations sportives, loisirs et vacances pour tous."),
)


def sectors_seed() -> int:
    """Create the sectors of the taxonomy that do not exist yet (matched on slug or name); return how many.

    Existing sectors are not touched: the regional team may have renamed or described them.
    """
    existing = Sector.objects.values_list("slug", "name")
    taken = {value for pair in existing for value in pair}
    missing = [
        Sector(slug=slug, name=name, description=description, order=order)
        for order, (slug, name, description) in enumerate(SECTORS, start=1)
        if slug not in taken and name not in taken
    ]
    Sector.objects.bulk_create(missing)
    return len(missing)


@dataclass
class ReferenceReport(poles_services.LoadReport):
    """What reference_data_load() did: rows created and updated per table, sectors included."""

    sectors_created: int = 0
    sectors_total: int = 0

    @property
    def changed(self) -> bool:
        return super().changed or bool(self.sectors_created)

    def __str__(self) -> str:
        return _(
            "Reference data: %(epcis)d intercommunalities (%(epcis_created)d created, %(epcis_updated)d "
            "updated), %(communes)d communes (%(communes_created)d created, %(communes_updated)d updated), "
            "%(sectors)d sectors (%(sectors_created)d created)."
        ) % {**self.counts(), "sectors": self.sectors_total, "sectors_created": self.sectors_created}


def reference_data_load(
    *, communes_path: Path | str = COMMUNES_CSV, epcis_path: Path | str = EPCIS_CSV
) -> ReferenceReport:
    """Load the EPCIs and communes (``poles.services.reference_data_load``: all or nothing, raises
    ``ReferenceDataError``) and seed the sectors, in one transaction."""
    with transaction.atomic():
        loaded = poles_services.reference_data_load(communes_path=communes_path, epcis_path=epcis_path)
        report = ReferenceReport(**vars(loaded))
        report.sectors_created = sectors_seed()
        report.sectors_total = len(SECTORS)
    return report
