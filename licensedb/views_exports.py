"""Exports: the catalogue as CSV, JSON and BibTeX, citations of a selection, Croissant JSON-LD and
provenance cards. Each answers conditional GETs (ETag / Last-Modified from the catalogue revision)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
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
    """Streamed: the header goes out at once and rows follow as the database is read, a chunk of
    datasets at a time, so the first byte does not wait for the whole catalogue and memory stays flat."""
    excel = wants_excel(request.GET)
    if excel is None:
        return error_response(errors=EXCEL_ERROR)
    from .filters import filtered_slugs

    slugs, errors = filtered_slugs(request.GET)  # the dataset list's facets select the rows
    if errors:
        return error_response(errors=errors)
    records = exports.iter_catalogue_records(_base(request))
    if slugs is not None:
        records = (r for r in records if r["slug"] in slugs)
    lines = exports.catalogue_csv_lines(records, excel=excel)
    response = StreamedExport(lines, content_type="text/csv; charset=utf-8")
    name = "licensedb-catalogue-excel.csv" if excel else "licensedb-catalogue.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@catalogue_conditional
def catalogue_json(request: HttpRequest) -> HttpResponse:
    """Streamed like the CSV: one dataset record at a time, then the models."""
    from django.utils import timezone

    from . import revision

    base = _base(request)
    current = revision.current()
    head = {"generated": current.changed_at.isoformat(timespec="seconds"), "revision": current.number}

    def chunks():
        records = exports.iter_catalogue_records(base)
        # the models are few; read them only once the datasets are out
        yield from exports.catalogue_json_chunks(head, records, _Lazy(lambda: {"models": exports.model_records(base)}))

    return StreamedExport(chunks(), content_type="application/json")


class StreamedExport(StreamingHttpResponse):
    """A streamed export that an in-process reader (Django's test client, which reads ``.content`` and
    ``.json()``) can also read whole; over HTTP it is an ordinary streamed response."""

    @property
    def content(self) -> bytes:
        if not hasattr(self, "_joined"):
            self._joined = b"".join(self.streaming_content)
        return self._joined

    @property
    def text(self) -> str:
        return self.content.decode(self.charset)


class _Lazy:
    """A mapping computed on first use (the JSON tail, read after the streamed records)."""

    def __init__(self, make):
        self._make, self._value = make, None

    def items(self):
        if self._value is None:
            self._value = self._make()
        return self._value.items()


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
