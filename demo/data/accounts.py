"""Demo data: the demo accounts (a regional administrator, one coordinator per constituted pole)."""

from __future__ import annotations

import string
from dataclasses import dataclass

# --------------------------------------------------------------------------------------------------
# Demo accounts
# --------------------------------------------------------------------------------------------------

ADMIN_USERNAME = "admin"
COORDINATORS = (
    ("coord-cades", "cades"),
    ("coord-adess", "adess-pays-de-brest"),
    ("coord-reso", "reso-solidaire"),
)
ACCOUNT_DOMAIN = "ess-bretagne.invalid"
PASSWORD_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    password: str | None  # only when created by this run; None for an existing account
