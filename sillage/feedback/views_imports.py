"""Pages of response imports: the list with the upload form, and one import's steps."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sillage.accounts.decorators import org_view
from sillage.accounts.scope import Perm, Scope
from sillage.feedback.importing.errors import Problem
from sillage.feedback.importing.formats import FORMAT_LABELS
from sillage.feedback.importing.forms import MappingForm, UploadForm
from sillage.feedback.importing.mapping import TARGET_LABELS, TARGETS, TEMPLATE_COLUMNS
from sillage.feedback.importing.services import (
    BUSY,
    EDITABLE,
    import_check,
    import_commit,
    import_preview,
    import_set_mapping,
    import_upload,
)
from sillage.feedback.models import ImportJob, ImportStatus

JOBS_PER_PAGE = 25
PROBLEMS_PER_PAGE = 100


@org_view(Perm.IMPORT_RESPONSES)
def response_import_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_upload(
            organization=scope.organization, user=request.user, upload=upload, name=upload.name
        )
        return redirect(_detail_url(scope, job))
    jobs = ImportJob.objects.for_scope(scope).select_related("created_by")
    page = Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    for job in page:
        job.format_label = FORMAT_LABELS.get(job.detected_format, "")
    return render(
        request,
        "feedback/imports/list.html",
        {
            "form": form,
            "page": page,
            "template_columns": TEMPLATE_COLUMNS,
        },
        status=400 if form.errors else 200,
    )


@org_view(Perm.IMPORT_RESPONSES)
def response_import_template(request: HttpRequest, scope: Scope) -> HttpResponse:
    """An empty CSV with Sillage's own column names, and one example row."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sillage-responses.csv"'
    response.write("\ufeff")  # so that Excel opens it as UTF-8
    writer = csv.writer(response)
    writer.writerow([TEMPLATE_COLUMNS[t] for t in TARGETS])
    example = {
        "unit": scope.units().values_list("code", flat=True).first() or "B1",
        "submitted_at": "2024-03-05 14:30",
        "nps": "9",
        "csat": "5",
        "comment": _("Warm welcome, thank you!"),
        "external_id": "R-0001",
        "language": "fr",
    }
    writer.writerow([example.get(t, "") for t in TARGETS])
    return response


def _detail_url(scope: Scope, job: ImportJob) -> str:
    return reverse(
        "response_import_detail",
        kwargs={"org_slug": scope.organization.slug, "import_id": job.pk},
    )


@org_view(Perm.IMPORT_RESPONSES)
def response_import_detail(request: HttpRequest, scope: Scope, import_id: int) -> HttpResponse:
    # The lookup comes first: another organisation's import is a 404 for GET and POST alike.
    job = get_object_or_404(
        ImportJob.objects.for_scope(scope).select_related("created_by", "organization"),
        pk=import_id,
    )
    form = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "map":
                form = MappingForm(request.POST, job=job, organization=scope.organization)
                if form.is_valid():
                    import_set_mapping(job=job, mapping=form.mapping(), options=form.options())
                    messages.success(request, _("Mapping saved. Check the preview below."))
                    return redirect(_detail_url(scope, job) + "#preview")
            elif action == "check":
                import_check(job=job)
                return redirect(_detail_url(scope, job))
            elif action == "commit":
                import_commit(job=job)
                return redirect(_detail_url(scope, job))
            else:
                return redirect(_detail_url(scope, job))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_detail_url(scope, job))
    if request.htmx and request.GET.get("part") == "progress":
        response = render(request, "feedback/imports/detail.html#progress", {"job": job})
        if job.status not in BUSY:
            response["HX-Refresh"] = "true"  # the work is over: show the whole result
        return response
    return render(
        request,
        "feedback/imports/detail.html",
        _detail_context(request, scope, job, form),
        status=400 if form is not None and form.errors else 200,
    )


def _detail_context(
    request: HttpRequest, scope: Scope, job: ImportJob, form: MappingForm | None
) -> dict[str, object]:
    editable = job.status in EDITABLE and bool(job.header)
    if form is None and editable:
        form = MappingForm(job=job, organization=scope.organization)
    problems = [Problem.from_json(p) for p in job.errors]
    problem_page = Paginator(problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    targets = [
        (t, TARGET_LABELS[t])
        for t in TARGETS
        if job.mapping.get(t) is not None or job.options.get(t)
    ]
    preview = [
        {
            "line": row.line,
            "skipped": row.skipped,
            "cells": [(label, row.values.get(t, ""), row.problems.get(t)) for t, label in targets],
        }
        for row in (import_preview(job) if editable else [])
    ]
    stats = job.options.get("stats") or {}
    return {
        "job": job,
        "form": form,
        "editable": editable,
        "busy": job.status in BUSY,
        "preview": preview,
        "preview_targets": targets,
        "problem_page": problem_page,
        "problems_hidden": max(0, job.error_count - len(problems)),
        "stats": stats,
        "skipped": stats.get("skipped_empty", 0) + stats.get("skipped_existing", 0),
        "format_label": FORMAT_LABELS.get(job.detected_format, job.detected_format),
        "is_tool_export": job.detected_format
        in {
            "qualtrics",
            "surveymonkey",
            "google_forms",
            "formbricks",
        },
        "ImportStatus": ImportStatus,
    }
