"""sitemap.xml: the public pages, the poles, the published organisations and the public events."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from actors.models import Actor
from events.models import Event
from poles.models import Pole


class StaticPagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return ["home", "poles:list", "actors:list", "actors:map", "actors:open_data", "events:list", "about"]

    def location(self, item):
        return reverse(item)


class PoleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return Pole.objects.order_by("name").only("slug", "updated_at")

    def lastmod(self, pole):
        return pole.updated_at


class ActorSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Actor.objects.published().order_by("name", "pk").only("slug", "updated_at")

    def lastmod(self, actor):
        return actor.updated_at


class EventSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Event.objects.published().order_by("-starts_at").only("slug", "updated_at")

    def lastmod(self, event):
        return event.updated_at


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "poles": PoleSitemap,
    "organisations": ActorSitemap,
    "events": EventSitemap,
}
