from django.conf import settings


def portal(request):
    """Values every template may need: the public site URL, the map tile settings and the
    accessibility status the footer states."""
    return {
        "SITE_URL": settings.SITE_URL,
        "MAP_TILES_URL": settings.MAP_TILES_URL,
        "ACCESSIBILITY_STATUS": settings.ACCESSIBILITY_STATUS,
    }
