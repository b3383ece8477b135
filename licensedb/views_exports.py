"""Exports: the catalogue as CSV, JSON and BibTeX, citations of a selection, Croissant JSON-LD and
provenance cards. Each answers conditional GETs (ETag / Last-Modified from the catalogue revision)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404

from . import bibtex, croissant, exports, verdict_store
from .api.errors import error_response
from .conditional import catalogue_conditional
from .csvcells import wants_excel
from .models import Dataset
from .selection import SelectionError, parse_slugs, select

BIBTEX = "application/x-bibtex; charset=utf-8"
EXCEL_ERROR = {"excel": ["Use excel=1 for the Excel variant (with a UTF-8 byte-order mark), or leave it out."]}


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


@catalogue_conditional
def catalogue_csv(request: HttpRequest) -> HttpResponse:
    excel = wants_excel(request.GET)
    if excel is None:
        return error_response(errors=EXCEL_ERROR)
    from .filters import filtered_slugs

    slugs, errors = filtered_slugs(request.GET)  # the dataset list's facets select the rows
    if errors:
        return error_response(errors=errors)
    records = [r for r in exports.catalogue_records(_base(request)) if slugs is None or r["slug"] in slugs]
    text = exports.catalogue_csv(records, excel=excel)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = "licensedb-catalogue-excel.csv" if excel else "licensedb-catalogue.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@catalogue_conditional
def catalogue_json(request: HttpRequest) -> HttpResponse:
    from django.utils import timezone

    from . import revision

    number = revision.current().number
    return JsonResponse(
        {"generated": timezone.now().isoformat(timespec="seconds"), "revision": number,
         "datasets": exports.catalogue_records(_base(request)),
         "models": exports.model_records(_base(request))},
        json_dumps_params={"indent": 1},
    )


def _bibtex_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type=BIBTEX)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@catalogue_conditional
def catalogue_bibtex(request: HttpRequest) -> HttpResponse:
    """Every published dataset's citation, in one file with unique keys."""
    datasets = Dataset.objects.published().prefetch_related("organisations").order_by("name")
    return _bibtex_response(bibtex.render(datasets), "licensedb-catalogue.bib")


@catalogue_conditional
def dataset_bibtex(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = get_object_or_404(Dataset.objects.published().prefetch_related("organisations"), slug=slug)
    return _bibtex_response(bibtex.render([dataset]), f"{slug}.bib")


def _selection(request: HttpRequest, maximum: int):
    return select(parse_slugs(request.GET.getlist("datasets")), minimum=1, maximum=maximum)


@catalogue_conditional
def selection_bibtex(request: HttpRequest) -> HttpResponse:
    try:
        datasets = _selection(request, maximum=200)
    except SelectionError as error:
        return error_response(errors=error.errors)
    return _bibtex_response(bibtex.render(datasets), "licensedb-selection.bib")


@catalogue_conditional
def dataset_croissant(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = get_object_or_404(Dataset.objects.published(), slug=slug)
    document = croissant.document(dataset, verdict_store.explain(dataset), _base(request))
    return HttpResponse(json.dumps(document, indent=1, ensure_ascii=False), content_type="application/ld+json; charset=utf-8")


@catalogue_conditional
def provenance(request: HttpRequest) -> HttpResponse:
    try:
        datasets = _selection(request, maximum=10)
    except SelectionError as error:
        return error_response(errors=error.errors)
    response = HttpResponse(exports.provenance_card(datasets, _base(request)), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="provenance-card.md"'
    return response


def models_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(exports.models_csv(exports.model_records(_base(request))), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="licensedb-models.csv"'
    return response


def models_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"models": exports.model_records(_base(request))}, json_dumps_params={"indent": 1})
