"""Exports: the catalogue as CSV and JSON, BibTeX, Croissant JSON-LD and provenance cards."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404

from . import exports, verdict_store
from .models import Dataset
from .selection import SelectionError, parse_slugs, select


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


def catalogue_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(exports.catalogue_csv(exports.catalogue_records(_base(request))), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="licensedb-catalogue.csv"'
    return response


def catalogue_json(request: HttpRequest) -> HttpResponse:
    from django.utils import timezone

    from . import revision

    number, _ = revision.current()
    return JsonResponse(
        {"generated": timezone.now().isoformat(timespec="seconds"), "revision": number,
         "datasets": exports.catalogue_records(_base(request)),
         "models": exports.model_records(_base(request))},
        json_dumps_params={"indent": 1},
    )


def dataset_bibtex(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = get_object_or_404(Dataset.objects.published().prefetch_related("organisations"), slug=slug)
    response = HttpResponse(exports.bibtex(dataset), content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{slug}.bib"'
    return response


def _selection(request: HttpRequest, maximum: int = 50):
    return select(parse_slugs(request.GET.getlist("datasets")), minimum=1, maximum=maximum)


def selection_bibtex(request: HttpRequest) -> HttpResponse:
    try:
        datasets = _selection(request)
    except SelectionError as error:
        return JsonResponse(error.errors, status=400)
    response = HttpResponse(exports.bibtex_many(datasets), content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="licensedb-selection.bib"'
    return response


def dataset_croissant(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = get_object_or_404(Dataset.objects.published(), slug=slug)
    document = exports.croissant(dataset, verdict_store.explain(dataset), _base(request))
    return HttpResponse(json.dumps(document, indent=1, ensure_ascii=False), content_type="application/ld+json; charset=utf-8")


def provenance(request: HttpRequest) -> HttpResponse:
    try:
        datasets = _selection(request, maximum=10)
    except SelectionError as error:
        return JsonResponse(error.errors, status=400)
    response = HttpResponse(exports.provenance_card(datasets, _base(request)), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="provenance-card.md"'
    return response


def models_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(exports.models_csv(exports.model_records(_base(request))), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="licensedb-models.csv"'
    return response


def models_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"models": exports.model_records(_base(request))}, json_dumps_params={"indent": 1})
