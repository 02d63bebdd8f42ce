"""The French catalogue has no elision or contraction mistakes and no "(s)" plurals.

Every msgstr of ``locale/fr/LC_MESSAGES/*.po`` is checked against the rules a proofreader applies:

- ``de``, ``le``, ``la``, ``que``, ``ne``, ``se``, ``je``, ``me``, ``te``, ``ce`` (and ``lorsque``,
  ``puisque``, ``jusque``) lose their vowel before a word that starts with a vowel or a mute h:
  "d’organisation", "l’événement", "qu’il" — not "de organisation", "le événement", "que il". An acronym
  is read as a word: "d’ADESS", "l’EPCI". A pronoun after a hyphen ("corrigez-le et") keeps its vowel.
- ``si il`` is "s’il". (``de le`` is not always "du": "de le saisir", where "le" is a pronoun.)
- No parenthesised inflection ("organisation(s)", "sera(ont)", "inscrit(e)"): ``ngettext`` chooses the
  form by the number.

The allow-list names the true exceptions: words starting with an aspirated h ("de Haute-Bretagne", "le
hameau") and the few where the rule does not apply.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUES = sorted((Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES").glob("*.po"))

#: Words starting with an aspirated h (no elision before them), and other words before which the
#: article keeps its vowel ("le oui", "ce à quoi" do not occur, but "ce où" / "ce à" would be fine).
NO_ELISION_BEFORE = {
    "haut",
    "haute",
    "hauts",
    "hautes",
    "hauteur",
    "hors",
    "hameau",
    "hameaux",
    "handicap",
    "handicapé",
    "handicapée",
    "handicapés",
    "hall",
    "halle",
    "halles",
    "hasard",
    "hâte",
    "hausse",
    "harcèlement",
    "héros",
    "hiérarchie",
    "hockey",
    "honte",
    "huit",
    "huitième",
    "onze",
    "onzième",
    "oui",
    "à",
    "où",
    "en",
}

ELIDED = r"de|le|la|que|ne|se|je|me|te|ce|lorsque|puisque|jusque"
VOWEL = "aeiouàâäéèêëîïôöùûüœæh"
#: An elidable word (not after a hyphen or an apostrophe) followed by a word starting with a vowel or h.
NOT_ELIDED = re.compile(rf"(?<![\w’'-])({ELIDED})\s+([{VOWEL}][\w-]*)", re.IGNORECASE)
NOT_CONTRACTED = re.compile(r"(?<![\w’'-])si\s+ils?\b", re.IGNORECASE)
PARENTHESISED_PLURAL = re.compile(r"\w\((s|e|es|x|ont|nt|aux)\)", re.IGNORECASE)


def mistakes(text: str) -> list[str]:
    """The elision, contraction and "(s)" mistakes of one French string."""
    found = [
        match.group(0)
        for match in NOT_ELIDED.finditer(text)
        if match.group(2).lower().split("-")[0] not in NO_ELISION_BEFORE
    ]
    found += [match.group(0) for match in NOT_CONTRACTED.finditer(text)]
    found += [match.group(0) for match in PARENTHESISED_PLURAL.finditer(text)]
    return found


def french_strings():
    for catalogue in CATALOGUES:
        for entry in polib.pofile(str(catalogue)):
            if entry.obsolete:
                continue
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if text:
                    yield entry.msgid, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Membre de ADESS", ["de ADESS"]),
        ("Ajouter une organisation de une commune", ["de une"]),
        ("Le événement de organisation que il préfère", ["Le événement", "de organisation", "que il"]),
        ("Si il le faut, et si ils viennent", ["Si il", "si ils"]),
        ("%(count)d organisation(s) sera(ont) importée(s)", ["n(s)", "a(ont)", "e(s)"]),
    ],
)
def test_the_rule_finds_the_mistakes(text, expected):
    assert mistakes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Membre d’ADESS, de CADES et de l’EPCI",
        "Pôle de Haute-Bretagne, hors territoire, le hameau",
        "Un filtre n’est pas valide : corrigez-le et réessayez.",
        "Ce que vous voyez, ce à quoi il sert, le 14 mars, de %(name)s",
        "Une séance (salle 2) s’il le faut, plutôt que de le saisir",
    ],
)
def test_the_rule_leaves_correct_french_alone(text):
    assert mistakes(text) == []


def test_no_french_string_has_an_elision_mistake_or_a_parenthesised_plural():
    assert CATALOGUES
    wrong = [
        f"{msgid!r}: {text!r} → {found}" for msgid, text in french_strings() if (found := mistakes(text))
    ]
    assert not wrong, f"{len(wrong)} French strings to correct:\n" + "\n".join(wrong)
