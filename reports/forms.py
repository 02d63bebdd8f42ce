from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from poles.models import Partner, Pole, is_regional

from .models import ReportJob
from .selectors import Period

#: The longest period a report covers (a few years: the figures are yearly by nature).
MAX_DAYS = 366 * 5


class ReportForm(forms.Form):
    """Which report: a pole's (only the user's poles), the regional one or a funder's (regional team),
    for a calendar year or between two dates."""

    kind = forms.ChoiceField(label=_("Report"), choices=ReportJob.Kind.choices, initial=ReportJob.Kind.POLE)
    pole = forms.ModelChoiceField(label=_("Pole"), queryset=Pole.objects.none(), required=False)
    partner = forms.ModelChoiceField(label=_("Funder"), queryset=Partner.objects.none(), required=False)
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("A calendar year; or leave it empty and give two dates."),
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.regional = is_regional(user)
        self.fields["pole"].queryset = Pole.objects.for_user(user).defer("outline").order_by("name")
        if self.regional:
            self.fields["partner"].queryset = (
                Partner.objects.filter(supports__isnull=False).distinct().order_by("name")
            )
        else:
            self.fields["kind"].choices = [(ReportJob.Kind.POLE, ReportJob.Kind.POLE.label)]
            del self.fields["partner"]
        self.fields["year"].initial = timezone.localdate().year - 1

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ReportJob.Kind.POLE and not data.get("pole"):
            self.add_error("pole", _("Choose the pole of the report."))
        if kind == ReportJob.Kind.FUNDER and not data.get("partner"):
            self.add_error("partner", _("Choose the funder of the report."))
        year, start, end = data.get("year"), data.get("start"), data.get("end")
        if year and not (start or end):
            data["period"] = Period.year(year)
        elif start and end:
            if end < start:
                self.add_error("end", _("The end of the period comes before its start."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("end", _("A report covers at most five years."))
            else:
                data["period"] = Period(start, end)
        elif not self.errors:
            self.add_error(
                "year" if not (start or end) else ("end" if start else "start"),
                _("Give a year, or both dates of the period."),
            )
        return data

    @property
    def period(self) -> Period:
        return self.cleaned_data["period"]


def last_year() -> Period:
    return Period.year(date.today().year - 1)
