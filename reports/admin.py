"""The activity reports in the back-office, at ``/admin/rapports/`` (wired by ``PortalAdminSite.get_urls``).

A coordinator chooses one of their poles, the regional team any pole, the regional report or a funder's;
the page shows the report (figures, charts with their tables) and exports it through the worker as PDF,
spreadsheet and CSV. Export jobs are scoped like everything else: a pole's belong to that pole
(``ReportJob.objects.for_user``), the regional and funders' reports to the regional team only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from poles.models import manages_a_pole

from . import exports, services
from .forms import ReportForm
from .models import ReportJob
from .selectors import build_report

FILE_TYPES = {
    "pdf": ("application/pdf", "pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}


def _check_access(request) -> None:
    """Coordinators of at least one pole and the regional team; nobody else."""
    if not manages_a_pole(request.user):
        raise PermissionDenied


def _jobs(request):
    return ReportJob.objects.for_user(request.user).select_related("pole", "partner")


def _build(form):
    data = form.cleaned_data
    return build_report(data["kind"], form.period, pole=data.get("pole"), partner=data.get("partner"))


class ReportViews:
    def __init__(self, admin_site):
        self.admin_site = admin_site

    def urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.report_view), name="reports_report"),
            path("exporter/", view(require_POST(self.export_view)), name="reports_export"),
            path("exports/<int:report_job_id>/", view(self.job_view), name="reports_job"),
            path("exports/<int:report_job_id>/etat/", view(self.job_status_view), name="reports_job_status"),
            path(
                "exports/<int:report_job_id>/rapport.pdf", view(self.file_view("pdf")), name="reports_job_pdf"
            ),
            path(
                "exports/<int:report_job_id>/rapport.xlsx",
                view(self.file_view("xlsx")),
                name="reports_job_xlsx",
            ),
            path(
                "exports/<int:report_job_id>/rapport.csv", view(self.file_view("csv")), name="reports_job_csv"
            ),
        ]

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "recent_jobs": _jobs(request).defer("pdf", "xlsx", "csv")[:8],
            **extra,
        }

    def report_view(self, request):
        """The choice of report and period; with a valid choice, the report itself."""
        _check_access(request)
        bound = "kind" in request.GET
        form = ReportForm(request.GET if bound else None, user=request.user)
        context = {"title": _("Activity reports"), "form": form, "report": None}
        if bound and form.is_valid():
            report = _build(form)
            context.update(exports.context(report))
            context["export_fields"] = [
                (name, request.GET[name]) for name in form.fields if request.GET.get(name)
            ]
            context["title"] = _("Activity report: %(subject)s") % {"subject": context["subject"]}
        return TemplateResponse(request, "reports/report.html", self._context(request, **context))

    def export_view(self, request):
        """Hand the chosen report to the worker, then show the export's page."""
        _check_access(request)
        form = ReportForm(request.POST, user=request.user)
        if not form.is_valid():
            context = {"title": _("Activity reports"), "form": form, "report": None}
            return TemplateResponse(
                request, "reports/report.html", self._context(request, **context), status=400
            )
        data = form.cleaned_data
        job = services.report_job_create(
            kind=data["kind"],
            period=form.period,
            user=request.user,
            pole=data.get("pole"),
            partner=data.get("partner"),
        )
        return HttpResponseRedirect(reverse("admin:reports_job", args=[job.pk]))

    def _job(self, request, report_job_id, *fields):
        _check_access(request)
        jobs = (
            ReportJob.objects.for_user(request.user).only(*fields)
            if fields
            else _jobs(request).defer("pdf", "xlsx", "csv")
        )
        return get_object_or_404(jobs, pk=report_job_id)

    def job_view(self, request, report_job_id):
        job = self._job(request, report_job_id)
        context = {
            "title": str(job),
            "job": job,
            "progress": services.report_job_progress(job),
            "status_url": reverse("admin:reports_job_status", args=[job.pk]),
        }
        return TemplateResponse(request, "reports/report_job.html", self._context(request, **context))

    def job_status_view(self, request, report_job_id):
        job = self._job(
            request,
            report_job_id,
            "pole",
            "status",
            "progress_done",
            "progress_total",
            "enqueued_at",
            "error",
        )
        if services.report_job_nudge(job=job):
            job.refresh_from_db(fields=["status", "progress_done", "progress_total"])
        return JsonResponse(services.report_job_progress(job))

    def file_view(self, file_type):
        content_type, extension = FILE_TYPES[file_type]

        def view(request, report_job_id):
            job = self._job(request, report_job_id)
            if job.status != ReportJob.Status.DONE:
                return HttpResponseRedirect(reverse("admin:reports_job", args=[job.pk]))
            content = bytes(ReportJob.objects.values_list(file_type, flat=True).get(pk=job.pk))
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{job.file_stem}.{extension}"'
            return response

        view.__name__ = f"report_{file_type}_view"
        return view
