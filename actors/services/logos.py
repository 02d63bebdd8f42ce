"""Logos and photos of organisations: an upload is checked with Pillow (PNG, JPEG or WebP, at most
``LOGO_MAX_MB`` and ``LOGO_MAX_PIXELS``), then re-encoded at the sizes the pages show — the listing's
image (``PAGE_SIZE``) and the thumbnail of the directory and the map popup (``THUMBNAIL_SIZE``) — so that
the file served is never the upload itself (no metadata, no oversized image, no other format)."""

from __future__ import annotations

import hashlib
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"PNG", "JPEG", "WEBP"}
#: Bounding boxes in pixels (twice the CSS size, for high-density screens).
PAGE_SIZE = (480, 480)
THUMBNAIL_SIZE = (160, 160)


def _encode(image: Image.Image, size: tuple[int, int]) -> bytes:
    copy = image.copy()
    copy.thumbnail(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, "WEBP", quality=85, method=4)
    return buffer.getvalue()


def logo_process(upload, *, name: str) -> tuple[ContentFile, ContentFile]:
    """The listing's image and its thumbnail (WebP) from an uploaded file; a ValidationError in French
    for a file that is too big, not an image, or of another type."""
    max_bytes = settings.LOGO_MAX_MB * 1024 * 1024
    if upload.size > max_bytes:
        raise ValidationError(
            _("The image is too big: at most %(mb)d MB.") % {"mb": settings.LOGO_MAX_MB}, code="too_big"
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("This file is not an image: send a PNG, JPEG or WebP file."), code="type"
        ) from exc
    if kind not in FORMATS:
        raise ValidationError(_("Send a PNG, JPEG or WebP image."), code="type")
    if width * height > settings.LOGO_MAX_PIXELS:
        raise ValidationError(
            _("The image is too large: at most %(pixels)d million pixels.")
            % {"pixels": settings.LOGO_MAX_PIXELS // 1_000_000},
            code="too_large",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft(
                "RGB", (PAGE_SIZE[0] * 2, PAGE_SIZE[1] * 2)
            )  # a JPEG decodes at a fraction of its size
            image.load()
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            page, thumbnail = _encode(image, PAGE_SIZE), _encode(image, THUMBNAIL_SIZE)
    except (OSError, ValueError) as exc:
        raise ValidationError(_("This image cannot be read: send another file."), code="broken") from exc
    stem = f"{slugify(name)[:60] or 'logo'}-{hashlib.sha256(page).hexdigest()[:10]}"
    return ContentFile(page, name=f"{stem}.webp"), ContentFile(thumbnail, name=f"{stem}-mini.webp")
