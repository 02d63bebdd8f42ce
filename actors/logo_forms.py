"""The logo field of an organisation's forms (the admin's and the self-service one): the upload is
turned into the images the pages show by ``actors.services.logos``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services.logos import logo_process

IMAGE_ACCEPT = "image/png,image/jpeg,image/webp"


def logo_formfield(**kwargs) -> forms.FileField:
    """A plain file field (Pillow's checks are ``logo_process``'s, with French messages)."""
    field = forms.FileField(
        label=_("Logo or photo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 5 MB."),
        **kwargs,
    )
    field.widget.attrs["accept"] = IMAGE_ACCEPT
    return field


class LogoCleaningMixin:
    """Turns the uploaded ``logo`` into the processed images (``self.logo_files``: page, thumbnail)."""

    logo_files = None

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload or not hasattr(upload, "read") or not hasattr(upload, "content_type"):
            return upload  # nothing new uploaded (or the admin's current file)
        name = getattr(self, "logo_name", None) or self.data.get("name") or "logo"
        self.logo_files = logo_process(upload, name=name)
        return self.logo_files[0]
