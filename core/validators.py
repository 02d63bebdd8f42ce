from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LA_POSTE_SIREN = "356000000"


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value: str) -> None:
    """A SIRET is 14 digits with a valid Luhn checksum (La Poste's establishments use a sum modulo 5)."""
    if not value:
        return
    if len(value) != 14 or not value.isdigit():
        raise ValidationError(_("A SIRET number has exactly 14 digits."), code="siret_format")
    if value.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in value) % 5 != 0:
            raise ValidationError(
                _("This SIRET number is not valid (wrong checksum)."), code="siret_checksum"
            )
        return
    if not luhn_ok(value):
        raise ValidationError(_("This SIRET number is not valid (wrong checksum)."), code="siret_checksum")


def normalize_siret(value: str) -> str:
    """Drop the spaces people type in SIRET numbers ("123 456 789 00012")."""
    return "".join((value or "").split())
