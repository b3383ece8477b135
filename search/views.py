"""The search page: every state is a URL; the same view serves the results fragment for live search."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from licensedb.views import bad_request

from licensedb.vocabulary import USE_KEYS

from .documents import FACETS
from .service import SearchInputError, search


def search_page(request: HttpRequest) -> HttpResponse:
    try:
        response = search(request.GET)
    except SearchInputError as error:
        return bad_request(request, error.errors)
    params = request.GET.copy()
    params.pop("partial", None)
    context = {
        "search": response,
        "facet_labels": dict(FACETS),
        "active_filters": [
            (name, dict(FACETS)[name], value, next((v.label for v in response.facets.get(name, []) if v.value == value), value))
            for name, values in response.filters.items()
            for value in values
        ],
        "query_string": params.urlencode(),
        "verdict_facets": USE_KEYS,
    }
    if request.GET.get("partial") == "1":
        return render(request, "search/results.html", context)
    return render(request, "search/page.html", context)
