"""Agreement pages (reviewers and admins; anyone else gets 404): per project, with the
figures cached per state of the sets and computed by a job for large projects (the page
polls it with htmx), and per document; each with a CSV download."""
from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from annotate.access import REVIEW_ROLES, get_openable_document_for, get_project_for
from annotate.agreement import jobs as agreement_jobs
from annotate.agreement import tables
from annotate.agreement.charts import Bar, bar_chart
from annotate.views.http import vary_on_htmx
from corpus.formats._spreadsheet import safe_row
from corpus.models import Project

PROJECT_TEMPLATE = "annotate/agreement/project.html"
DOCUMENT_TEMPLATE = "annotate/agreement/document.html"
WORST_DOCUMENTS = 50  # the page lists the documents annotators agree on least


def _type_styles(project: Project) -> dict[str, tuple[str, str]]:
    return {t.key: (t.label, t.colour) for t in project.entity_types.all()}


def _pair(row: dict) -> str:
    return f"{row['a']} · {row['b']}"


def _chart(bars: list[Bar], title: str) -> dict:
    """A chart and its title, which the page shows as the figure's caption."""
    return {"title": title, "svg": bar_chart(bars, title)}


def figures(project: Project, report: dict) -> dict:
    """What the report template shows: charts (SVG) and table rows."""
    styles = _type_styles(project)

    def type_bars(by_type: dict, field: str) -> list[Bar]:
        return [Bar(styles.get(key, (key, ""))[0], v.get(field), styles.get(key, ("", "#4a6fa5"))[1])
                for key, v in by_type.items()]

    spans, tokens = report["spans"], report["tokens"]
    confusion = report["confusion"]
    return {
        "charts": [
            _chart(type_bars(spans["exact"]["by_type"], "f1"), _("Span F1 per type (exact match)")),
            _chart(type_bars(spans["overlap"]["by_type"], "f1"), _("Span F1 per type (overlap match)")),
            _chart(type_bars(report["unitizing"]["by_type"], "alpha"), _("Unitizing alpha per type")),
            _chart([Bar(_pair(p), p["f1"]) for p in spans["exact"]["pairs"]], _("Span F1 per pair (exact match)")),
            _chart([Bar(_pair(p), p["kappa"]) for p in tokens["pairs"]], _("Token Cohen's kappa per pair")),
        ],
        "type_rows": [
            {"key": key, "label": styles.get(key, (key, ""))[0], "exact": exact,
             "overlap": spans["overlap"]["by_type"][key], "unitizing": report["unitizing"]["by_type"].get(key, {})}
            for key, exact in spans["exact"]["by_type"].items()
        ],
        "pair_rows": [
            {"pair": _pair(exact), "documents": exact["documents"], "exact": exact, "overlap": overlap, "kappa": kappa}
            for exact, overlap, kappa in zip(
                spans["exact"]["pairs"], spans["overlap"]["pairs"],
                [_kappa_for(tokens["pairs"], p) for p in spans["exact"]["pairs"]], strict=True,
            )
        ],
        "confusion_rows": [
            {"label": styles.get(key, (key, ""))[0], "cells": row}
            for key, row in zip(confusion["types"], confusion["matrix"], strict=True)
        ],
        "confusion_labels": [styles.get(key, (key, ""))[0] for key in confusion["types"]],
        "worst_documents": report["per_document"][:WORST_DOCUMENTS],
    }


def _kappa_for(pairs: list[dict], pair: dict) -> float | None:
    return next((p["kappa"] for p in pairs if p["a"] == pair["a"] and p["b"] == pair["b"]), None)


@require_http_methods(["GET", "POST"])
@login_required
def project_agreement(request: HttpRequest, slug: str) -> HttpResponse:
    """The report. A GET writes nothing (a large project's computation waits for the
    "Compute" button); a POST starts the background job."""
    project = get_project_for(request.user, slug, roles=REVIEW_ROLES)
    result = agreement_jobs.project_report(project, request.user, start=request.method == "POST")
    context = {"project": project, "report": result.report, "job": result.job}
    if result.report is not None:
        context.update(figures(project, result.report))
    template = PROJECT_TEMPLATE + "#report" if request.htmx else PROJECT_TEMPLATE
    return vary_on_htmx(render(request, template, context))


@require_safe
@login_required
def document_agreement(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    project = get_project_for(request.user, slug, roles=REVIEW_ROLES)
    document = get_openable_document_for(request.user, project, document_id)
    report = agreement_jobs.compute(project, document.pk)
    context = {"project": project, "document": document, "report": report if report["documents"] else None}
    if report["documents"]:
        context.update(figures(project, report))
    return render(request, DOCUMENT_TEMPLATE, context)


def _csv(report: dict, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # spreadsheets then read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(tables.HEADER)
    writer.writerows(safe_row(row) for row in tables.rows(report))
    return response


@require_safe
@login_required
def project_agreement_csv(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_project_for(request.user, slug, roles=REVIEW_ROLES)
    result = agreement_jobs.project_report(project, request.user, start=False)
    if result.report is None:
        message = _("Agreement is still being computed; try again in a moment.") if result.job else _(
            "Agreement has not been computed for the current submitted sets: press «Compute agreement» "
            "on the agreement page, then download again.")
        return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
    return _csv(result.report, f"agreement-{project.slug}.csv")


@require_safe
@login_required
def document_agreement_csv(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    project = get_project_for(request.user, slug, roles=REVIEW_ROLES)
    document = get_openable_document_for(request.user, project, document_id)
    return _csv(agreement_jobs.compute(project, document.pk), f"agreement-{project.slug}-{document.pk}.csv")
