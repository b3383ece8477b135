"""Pagination of the API's lists: one envelope, ``count``, ``next``, ``previous`` and ``results``.

Every list the API serves has these four keys (the search adds its facets beside them, the change log
pages with a cursor and has no total). ``page`` and ``page_size`` are read with the project's one
integer parser, so a bad value is a 400 naming the parameter, never a silent default.
"""

from __future__ import annotations

from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination as BasePageNumberPagination
from rest_framework.response import Response

from ..params import MAX_PAGE, ParameterError, whole_number

MAX_PAGE_SIZE = 100


def envelope(count: int | None, next_url: str | None, previous_url: str | None, results: list, **extra) -> dict:
    """The API's one list shape."""
    return {"count": count, "next": next_url, "previous": previous_url, "results": results, **extra}


def envelope_schema(results_schema: dict, count_nullable: bool = False) -> dict:
    return {
        "type": "object",
        "required": ["count", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer", "nullable": count_nullable, "example": 64},
            "next": {"type": "string", "nullable": True, "format": "uri"},
            "previous": {"type": "string", "nullable": True, "format": "uri"},
            "results": results_schema,
        },
    }


class PageNumberPagination(BasePageNumberPagination):
    """Pages of 20 by default; clients may ask for up to 100 with ``page_size`` (more is served as 100)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        try:
            size = whole_number(request.query_params.get(self.page_size_query_param), "page_size",
                                minimum=1, maximum=MAX_PAGE, default=self.page_size)
        except ParameterError:
            raise ValidationError({"page_size": [f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}."]})
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        try:
            number = whole_number(request.query_params.get(self.page_query_param), "page", minimum=1,
                                  maximum=MAX_PAGE, default=1)
        except ParameterError as error:
            raise ValidationError(error.errors)
        paginator = self.django_paginator_class(queryset, size)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise NotFound(f"There are only {paginator.num_pages} page(s) of results.")
        return list(self.page)

    def get_paginated_response(self, data):
        return Response(envelope(self.page.paginator.count, self.get_next_link(), self.get_previous_link(), data))

    def get_paginated_response_schema(self, schema):
        return envelope_schema(schema)
