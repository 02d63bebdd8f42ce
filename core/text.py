"""Text normalisation shared by search, slugs and imports.

Search must be case- and accent-insensitive identically on SQLite and PostgreSQL, without database
extensions: searchable rows keep a precomputed ``search_text`` (lower-case ASCII letters and digits,
no separators) and a query matches when each of its words is contained in it. "Éco-construction",
"eco construction" and "ecoconstruction" therefore find the same rows. Names are sorted by a
``sort_key`` column of the same letters, so that French order is also identical on both databases.
"""

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")


def fold(value: str) -> str:
    """Lower-case ASCII transliteration: "Côtes-d'Armor" -> "cotes-d'armor"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").lower()


def search_words(query: str) -> list[str]:
    """The words of a search query, folded: "Éco-construction à Brest" -> ["eco", "construction", "a", "brest"]."""
    return _WORD.findall(fold(query))


def compact(*values: str) -> str:
    """Folded text with every separator removed, joined by a space between values."""
    return " ".join("".join(search_words(v)) for v in values if v)


def sort_key(value: str) -> str:
    """The French order of a name, the same on every database: folded, letters and digits only, so that
    "Éco-habitat" sorts among the E's and "Accueil" before "AMAP". Only ``[a-z0-9]`` is kept: byte order
    (SQLite, PostgreSQL's "C" collation) and the linguistic collations (glibc, ICU) agree on it."""
    return "".join(search_words(value))
