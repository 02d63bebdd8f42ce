"""What must never be violated is refused by the database itself; single-object rules by ``full_clean()``."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actors.models import Actor
from events.models import Event, Registration
from poles.models import Commune
from tests import factories

pytestmark = pytest.mark.django_db

VALID_SIRET = "73282932000074"  # 14 digits, Luhn checksum right


def refused_by_database(create):
    """True when the database refuses the write (inside a savepoint, so the test can go on)."""
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_one_active_registration_per_event_and_email_whatever_the_case():
    event = factories.EventFactory()
    factories.RegistrationFactory(event=event, email="Anne.Le-Goff@example.org")

    assert refused_by_database(
        lambda: factories.RegistrationFactory(event=event, email="anne.le-goff@EXAMPLE.org")
    )
    assert Registration.objects.filter(event=event).count() == 1


def test_the_same_email_may_register_again_after_cancelling_and_for_another_event():
    event = factories.EventFactory()
    factories.RegistrationFactory(event=event, email="anne@example.org", status=Registration.Status.CANCELLED)

    assert not refused_by_database(
        lambda: factories.RegistrationFactory(event=event, email="anne@example.org")
    )
    assert not refused_by_database(lambda: factories.RegistrationFactory(email="anne@example.org"))
    assert Registration.objects.filter(email="anne@example.org").count() == 3


def test_a_siret_is_unique_when_present_but_many_organisations_may_have_none():
    factories.ActorFactory(siret=VALID_SIRET)

    assert refused_by_database(lambda: factories.ActorFactory(siret=VALID_SIRET))
    assert not refused_by_database(lambda: factories.ActorFactory.create_batch(3, siret=""))
    assert Actor.objects.filter(siret="").count() == 3


def test_the_siret_checksum_is_checked_by_full_clean():
    actor = factories.ActorFactory.build(
        siret="73282932000075", commune=factories.CommuneFactory(), pole=factories.PoleFactory()
    )

    with pytest.raises(ValidationError) as caught:
        actor.full_clean()
    assert "siret" in caught.value.message_dict

    actor.siret = VALID_SIRET
    actor.full_clean()
    actor.siret = "7328293200007"
    with pytest.raises(ValidationError, match="14"):
        actor.full_clean()


def test_an_event_capacity_cannot_be_negative():
    assert refused_by_database(lambda: factories.EventFactory(capacity=-1))
    assert not refused_by_database(lambda: factories.EventFactory(capacity=0))
    assert not refused_by_database(lambda: factories.EventFactory(capacity=None))


def test_an_event_ends_after_it_starts():
    start = timezone.now() + timedelta(days=3)

    assert refused_by_database(lambda: factories.EventFactory(starts_at=start, ends_at=start))
    assert refused_by_database(
        lambda: factories.EventFactory(starts_at=start, ends_at=start - timedelta(hours=1))
    )
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(90.5, -2.0), (-91, -2.0), (48.1, 180.5), (48.1, -181), (48.1, None), (None, -2.0)],
)
def test_positions_out_of_range_or_incomplete_are_refused(latitude, longitude):
    assert refused_by_database(lambda: factories.CommuneFactory(latitude=latitude, longitude=longitude))
    assert refused_by_database(lambda: factories.ActorFactory(latitude=latitude, longitude=longitude))
    assert refused_by_database(lambda: factories.EventFactory(latitude=latitude, longitude=longitude))


def test_positions_at_the_limits_are_accepted():
    assert not refused_by_database(lambda: factories.CommuneFactory(latitude=-90, longitude=180))
    assert not refused_by_database(lambda: factories.CommuneFactory(latitude=None, longitude=None))
    assert Commune.objects.count() == 2
