from django.conf import settings


def portal(request):
    """Values every template may need: the public site URL and the map tile settings."""
    return {
        "SITE_URL": settings.SITE_URL,
        "MAP_TILES_URL": settings.MAP_TILES_URL,
    }
