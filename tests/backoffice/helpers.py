"""Form data shared by the back-office tests."""


def pole_form_data(pole, **changes):
    """The POST of the pole admin change form for ``pole``, with ``changes`` applied."""
    data = {
        "name": pole.name,
        "acronym": pole.acronym,
        "slug": pole.slug,
        "status": pole.status,
        "founded_on": "",
        "territory_name": pole.territory_name,
        "outline": "",
        "description": "",
        "governance": "",
        "email": "",
        "phone": "",
        "website": "",
        "supports-TOTAL_FORMS": "0",
        "supports-INITIAL_FORMS": "0",
        "supports-MIN_NUM_FORMS": "0",
        "supports-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data
