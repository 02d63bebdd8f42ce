"""Form widgets of the public filter forms, rendered in Python.

Django renders each ``<option>`` and ``<input>`` through the template engine, after building a dictionary
of attributes per option: for the directory's and the events' filter selects that was a quarter of the
cost of an uncached list page. Same markup, same attributes.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A ``<select>`` rendered in Python, straight from its choices: the same markup and attributes as
    Django's (``id``, ``aria-describedby``, ``aria-invalid``, set by the bound field), escaped by
    ``format_html``. Flat choices only (no option groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        options = format_html_join("", '<option value="{}"{}>{}</option>', self._options(value))
        attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)

    def _options(self, value):
        """(value, selected, label) of each option; like Django, only the first match is selected."""
        wanted = set(self.format_value(value))
        for option, label in self.choices:
            option = "" if option is None else option
            selected = str(option) in wanted
            if selected:
                wanted = set()
            yield option, SELECTED if selected else "", label


SELECTED = mark_safe(" selected")


class FastTextInput(forms.TextInput):
    """A text ``<input>`` rendered in Python: the same markup as Django's template, without the engine."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            self.input_type,
            name,
            format_html(' value="{}"', value) if value is not None else "",
            flatatt(self.build_attrs(self.attrs, attrs)),
        )
