"""The French of the admin pages that Django composes from a model's name.

Django builds "Add %(name)s", "Add %s", "Change %s" and "Select %s to change" from a model's
``verbose_name``. French needs the noun's article, whose gender and elision depend on the noun
("Ajouter une organisation", "Ajouter un événement", "Modifier l’événement"), and no catalogue entry can
add it. So every model admin names its model with its articles, each translated whole::

    nouns = Nouns(_("an organisation"), _("the organisation"))

and :class:`TitledAdmin` (a base of every admin of the portal) writes the titles of the change list and
of the add/change/view form, the form's breadcrumb and the change list's "Add" button with them
(``templates/admin/change_form.html`` and ``change_list_object_tools.html`` read ``add_label``).

The Django strings of :data:`DJANGO_STRINGS` are wrong in French whatever the noun (an elision before a
name, "Aucun(e)"): the portal's catalogue translates them again, and its translations take precedence over
Django's (``LOCALE_PATHS``). Listing them here keeps ``makemessages`` from dropping them.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils.translation import gettext, gettext_noop


class Nouns(NamedTuple):
    """A model's name with its indefinite and definite articles ("une organisation", "l’organisation")."""

    indefinite: str
    definite: str


DJANGO_STRINGS = (
    gettext_noop("None"),
    gettext_noop("None available"),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Changed {fields}."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("%(app)s administration"),
)


class TitledAdmin:
    """Mixin of a model admin whose pages are titled with its ``nouns`` (see the module's docstring)."""

    nouns: Nouns | None = None  # else the model's ``admin_nouns``, when the admin's file has no room

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.nouns is None:
            self.nouns = getattr(self.model, "admin_nouns", None)

    @property
    def add_label(self) -> str | None:
        """The "Add" button and breadcrumb: "Ajouter une organisation"."""
        if self.nouns is None:
            return None
        return gettext("Add %(noun)s") % {"noun": self.nouns.indefinite}

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if self.nouns is not None:
            if changelist.is_popup:
                title = gettext("Select %(noun)s")
            elif self.has_change_permission(request):
                title = gettext("Select %(noun)s to change")
            else:
                title = gettext("Select %(noun)s to view")
            changelist.title = title % {"noun": self.nouns.indefinite}
        return changelist

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"add_label": self.add_label, **(extra_context or {})})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        name = self.opts.verbose_name
        composed = {gettext(title) % name for title in ("Add %s", "Change %s", "View %s")}
        if self.nouns is not None and context.get("title") in composed:  # not a title of the admin's own
            if add:
                context["title"] = self.add_label
            elif self.has_change_permission(request, obj):
                context["title"] = gettext("Change %(noun)s") % {"noun": self.nouns.definite}
            else:
                context["title"] = gettext("View %(noun)s") % {"noun": self.nouns.definite}
            context["add_label"] = self.add_label
        return super().render_change_form(request, context, add, change, form_url, obj)
