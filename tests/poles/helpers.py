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


def coordinated_poles_form(poles=()):
    """The POST of the "coordinated poles" inline of the user admin pages, listing ``poles``."""
    prefix = "Pole_coordinators"
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(poles)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    data.update({f"{prefix}-{n}-pole": pole.pk for n, pole in enumerate(poles)})
    return data


def user_form_data(user, poles=(), **changes):
    """The POST of the user admin change form for ``user``, coordinating ``poles``, with ``changes``."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "10:00:00",
        **coordinated_poles_form(poles),
    }
    data.update(changes)
    return data
