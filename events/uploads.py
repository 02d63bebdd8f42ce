"""Files coordinators attach to an event: its image (checked and resized with Pillow) and its documents
(slides, minutes: type and size checked). Both are stored under ``MEDIA_ROOT`` and served from
``MEDIA_URL`` (nginx in production). A bad file gets a French message and nothing is stored."""

from __future__ import annotations

import io
import os
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
#: The longest side of a stored image, in pixels (wide enough for the event page on a large screen).
IMAGE_MAX_SIDE = 1600
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
#: The documents accepted, by extension, with the first bytes their content must start with.
DOCUMENT_TYPES = {
    "pdf": (b"%PDF-",),
    "odt": (b"PK\x03\x04",),
    "odp": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}


def event_image_path(instance, filename: str) -> str:
    return f"evenements/images/{uuid.uuid4().hex}{os.path.splitext(filename)[1].lower()}"


def event_document_path(instance, filename: str) -> str:
    base, extension = os.path.splitext(os.path.basename(filename))
    return f"evenements/documents/{uuid.uuid4().hex[:12]}/{base[:80]}{extension.lower()}"


def _too_big(limit: int) -> ValidationError:
    return ValidationError(
        _("This file is too large: at most %(size)s.") % {"size": filesizeformat(limit)}, code="file_size"
    )


def image_checked(upload) -> ContentFile:
    """The uploaded image re-encoded at most ``IMAGE_MAX_SIDE`` wide or high (which also drops its
    metadata, such as a photo's GPS position); raises ``ValidationError`` for anything but a JPEG, PNG
    or WebP image of at most 5 MB."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload.size > IMAGE_MAX_BYTES:
        raise _too_big(IMAGE_MAX_BYTES)
    invalid = ValidationError(_("Send a JPEG, PNG or WebP image."), code="image_type")
    try:
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in IMAGE_FORMATS or image.width * image.height > IMAGE_MAX_PIXELS:
            raise invalid
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise invalid from None
    fmt = image.format
    image = ImageOps.exif_transpose(image)
    image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format=fmt, quality=85)
    return ContentFile(out.getvalue(), name=f"image.{IMAGE_FORMATS[fmt]}")


def document_checked(upload) -> None:
    """Raise ``ValidationError`` unless the upload is a PDF or office document of at most 20 MB whose
    content matches its extension."""
    if upload.size > DOCUMENT_MAX_BYTES:
        raise _too_big(DOCUMENT_MAX_BYTES)
    extension = os.path.splitext(upload.name)[1].lower().lstrip(".")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension not in DOCUMENT_TYPES or not head.startswith(DOCUMENT_TYPES[extension]):
        raise ValidationError(
            _("Send a PDF or an office document (ODT, ODP, ODS, DOCX, PPTX, XLSX)."), code="document_type"
        )
