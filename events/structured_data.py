"""schema.org ``Event`` JSON-LD of an event page, read by search engines and event aggregators.

Attendance mode: from the event's ``format`` (in person, online, hybrid). The online link is never
part of it: it goes to the people holding a seat only.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .models import Event, RegistrationState

SCHEMA = "https://schema.org/"

#: ``Event.format`` values → schema.org attendance modes.
FORMAT_ATTENDANCE_MODES = {
    "in_person": "OfflineEventAttendanceMode",
    "online": "OnlineEventAttendanceMode",
    "hybrid": "MixedEventAttendanceMode",
}

#: Registration states → schema.org ``ItemAvailability`` of the (free) offer.
AVAILABILITY = {
    RegistrationState.OPEN: "InStock",
    RegistrationState.FULL: "SoldOut",
    RegistrationState.NOT_YET_OPEN: "PreOrder",
    RegistrationState.CLOSED: "Discontinued",
    RegistrationState.CANCELLED: "Discontinued",
    RegistrationState.PAST: "Discontinued",
}


def attendance_mode(event: Event) -> str:
    return SCHEMA + FORMAT_ATTENDANCE_MODES.get(event.format, "OfflineEventAttendanceMode")


def _location(event: Event) -> dict:
    commune = event.commune if event.commune_id else None
    address = {"@type": "PostalAddress", "addressRegion": "Bretagne", "addressCountry": "FR"}
    if event.address:
        address["streetAddress"] = event.address
    if commune is not None:
        address["addressLocality"] = commune.name
        if commune.postal_code_list:
            address["postalCode"] = commune.postal_code_list[0]
    place = {
        "@type": "Place",
        "name": event.venue or (commune.name if commune else event.title),
        "address": address,
    }
    if event.has_position:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": event.latitude, "longitude": event.longitude}
    return place


def _locations(event: Event, url: str) -> dict | list[dict]:
    """Where it happens: the place, the event's public page for an online event (never the private
    link, which only people holding a seat receive), both for a hybrid one."""
    virtual = {"@type": "VirtualLocation", "url": url}
    if event.format == "online":
        return virtual
    if event.format == "hybrid":
        return [_location(event), virtual]
    return _location(event)


def event_schema(event: Event, *, state: RegistrationState, seats_left: int | None) -> dict:
    """The schema.org ``Event`` of one event (``pole`` and ``commune`` loaded)."""
    url = settings.SITE_URL + event.get_absolute_url()
    pole = event.pole
    organizer = {
        "@type": "Organization",
        "name": pole.name,
        "url": settings.SITE_URL + pole.get_absolute_url(),
    }
    if pole.email:
        organizer["email"] = pole.email
    offer = {
        "@type": "Offer",
        "price": "0",
        "priceCurrency": "EUR",
        "url": url + "#inscription",
        "availability": SCHEMA + AVAILABILITY[state],
    }
    if event.registration_opens_at:
        offer["validFrom"] = event.registration_opens_at.isoformat()
    if seats_left is not None:
        offer["inventoryLevel"] = {"@type": "QuantitativeValue", "value": seats_left}
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": url,
        "startDate": event.starts_at.isoformat(),
        "endDate": event.ends_at.isoformat(),
        "eventAttendanceMode": attendance_mode(event),
        "eventStatus": SCHEMA
        + ("EventCancelled" if event.status == Event.Status.CANCELLED else "EventScheduled"),
        "location": _locations(event, url),
        "organizer": organizer,
        "offers": offer,
        "inLanguage": "fr",
        "isAccessibleForFree": True,
    }
    if event.description:
        data["description"] = event.description[:5000]
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
    if event.workshop_id:
        data["superEvent"] = {
            "@type": "EventSeries",
            "name": event.workshop.title,
            "url": settings.SITE_URL + event.workshop.get_absolute_url(),
        }
    return data


def json_ld_script(data: dict) -> SafeString:
    """A ``<script type="application/ld+json">`` block; ``<``, ``>`` and ``&`` are escaped so that no
    text of the event can close the element (as Django's ``json_script``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))
