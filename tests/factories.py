"""factory_boy factories for every model; tests build exactly the rows they need."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from actors.models import Actor, ImportJob, LegalForm, Sector
from events.models import Event, Registration, Workshop
from poles.models import COORDINATOR_GROUP, REGIONAL_GROUP, Commune, Epci, Partner, Pole, Support

#: A box drawn over the whole of Brittany: what a coordinator could draw before outlines were derived.
BOX_OVER_BRITTANY = {
    "type": "MultiPolygon",
    "coordinates": [[[[-5.2, 47.2], [-1.0, 47.2], [-1.0, 48.9], [-5.2, 48.9], [-5.2, 47.2]]]],
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery staple")
    is_staff = True


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci

    siren = factory.Sequence(lambda n: f"{200000000 + n}")
    name = factory.Sequence(lambda n: f"CC du Territoire {n}")
    kind = Epci.Kind.CC


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    insee_code = factory.Sequence(lambda n: f"{29000 + n % 999 + 1:05d}" if n < 999 else f"{35000 + n:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    department_code = "29"
    postal_codes = "29200"
    population = 1000
    epci = factory.SubFactory(EpciFactory)
    latitude = 48.39
    longitude = -4.49


class PoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pole
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Pôle ESS {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    acronym = factory.Sequence(lambda n: f"P{n}")
    status = Pole.Status.CONSTITUTED
    territory_name = factory.Sequence(lambda n: f"pays {n}")
    description = "Un pôle de développement de l'ESS."


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partenaire {n}")


class SupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Support

    pole = factory.SubFactory(PoleFactory)
    partner = factory.SubFactory(PartnerFactory)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"Secteur {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Association {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    legal_form = LegalForm.ASSOCIATION
    pole = factory.SubFactory(PoleFactory)
    commune = factory.SubFactory(CommuneFactory)
    is_published = True

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)


class ImportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportJob

    pole = factory.SubFactory(PoleFactory)
    created_by = factory.SubFactory(UserFactory)
    file_name = factory.Sequence(lambda n: f"membres-{n}.csv")
    content = b"name;insee_code\nLes Castors;35236\n"


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    pole = factory.SubFactory(PoleFactory)
    title = factory.Sequence(lambda n: f"Atelier {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    theme = "Éco-construction"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    pole = factory.SubFactory(PoleFactory)
    title = factory.Sequence(lambda n: f"Rencontre thématique {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    kind = Event.Kind.MEETING
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    venue = "Salle des fêtes"
    status = Event.Status.PUBLISHED
    capacity = 30


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    full_name = factory.Sequence(lambda n: f"Personne {n}")
    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    consent_at = factory.LazyFunction(timezone.now)


def make_coordinator(*poles, username=None):
    """A staff user in the coordinators group, linked to the given poles."""
    user = UserFactory(username=username) if username else UserFactory()
    group, _ = Group.objects.get_or_create(name=COORDINATOR_GROUP)
    user.groups.add(group)
    for pole in poles:
        pole.coordinators.add(user)
    return user


def make_regional(username=None):
    user = UserFactory(username=username) if username else UserFactory()
    group, _ = Group.objects.get_or_create(name=REGIONAL_GROUP)
    user.groups.add(group)
    return user


def totp_device(user, *, name="Téléphone"):
    """A confirmed TOTP device of ``user`` (what enrolment leaves), to log in with its codes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def totp_code(device, *, at=None) -> str:
    """The code ``device``'s authenticator app shows now (or at ``at``, seconds since the epoch)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():0{device.digits}d}"


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation waiting for its password (the account has none yet)."""

    class Meta:
        model = "accounts.Invitation"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, password=factory.django.Password(None))
    email = factory.LazyAttribute(lambda o: o.user.email)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class AccountEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.AccountEmail"

    user = factory.SubFactory(UserFactory)
    kind = "password_reset"


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "core.AuditEvent"

    username = factory.Sequence(lambda n: f"user{n}")
    action = "login"
