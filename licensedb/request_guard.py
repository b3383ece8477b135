"""Hostile input stopped at the door, in one place for every page, export and API call.

- A NUL character cannot be stored or compared by PostgreSQL (``A string literal cannot contain NUL``)
  and is never part of a legitimate slug, word or field, so a request carrying one anywhere (path,
  query, form or JSON body, cookie, header) is refused with a 400 naming where it was.
- JSON nested deeper than :data:`MAX_JSON_DEPTH` would exhaust Python's recursion limit inside the
  JSON parser; no payload this site accepts is deeper than a few levels. Refused with a 400.
- A body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused with a 413.
- A multipart body that cannot be parsed (no boundary, a broken part) is refused with a 400.

Under ``/api/`` and for the exports the answer is the API's JSON error; elsewhere the site's 400 page.
"""

from __future__ import annotations

import re
from itertools import accumulate
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError

MAX_JSON_DEPTH = 64
NUL_MESSAGE = "contains a NUL character (%00), which is never part of a valid value: remove it."
JSON_NUL_MESSAGE = "The JSON body contains a NUL character (\\u0000), which is never part of a valid value: remove it."

# A JSON \u0000 escape: a backslash-u0000 not itself escaped (preceded by an even number of backslashes).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def wants_json(request: HttpRequest) -> bool:
    path = request.path_info
    return (
        path.startswith(("/api/", "/export/"))
        or path.endswith((".json", ".bib", ".csv", ".md"))
        or request.GET.get("format") in ("csv", "json")
    )


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text nests arrays and objects more than ``limit`` levels deep (strings ignored)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # cannot be deeper than the number of openings
    brackets = _BRACKETS.findall(_JSON_STRING.sub(b'""', body))
    return max(accumulate(1 if b in (b"[", b"{") else -1 for b in brackets), default=0) > limit


def _nul_in_query(query_string: str) -> list[str]:
    names = []
    for part in query_string.split("&"):
        if b"\x00" in unquote_to_bytes(part.replace("+", " ")):
            name = unquote_to_bytes(part.split("=", 1)[0]).decode("utf-8", "replace").replace("\x00", "") or "query"
            names.append(name[:60])
    return names


def problems(request: HttpRequest) -> tuple[int, dict[str, list[str]]] | None:
    """(status, errors) when the request must be refused, else None."""
    errors: dict[str, list[str]] = {}
    if "\x00" in request.path:
        errors["path"] = [f"The address {NUL_MESSAGE}"]
    for name in _nul_in_query(request.META.get("QUERY_STRING", "")):
        errors[name] = [f"The parameter {NUL_MESSAGE}"]
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            header = key[5:].replace("_", "-").title()
            errors[header] = [f"The {header} header {NUL_MESSAGE}"]
    if any("\x00" in name or "\x00" in value for name, value in request.COOKIES.items()):
        errors["Cookie"] = [f"A cookie {NUL_MESSAGE}"]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        try:
            body = request.body
        except RequestDataTooBig:
            return 413, {"body": ["The request body is larger than this site accepts."]}
        content_type = (request.content_type or "").lower()
        if content_type.startswith("multipart/"):
            # an uploaded file may be binary (the view says whether it can use it); the form's fields may not
            try:
                fields = request.POST
            except MultiPartParserError as error:
                return 400, {"body": [f"The multipart form body could not be read ({error}): send it with its boundary."]}
            if any("\x00" in value for value in fields.values()):
                errors["body"] = [f"A form field {NUL_MESSAGE}"]
        elif b"\x00" in body or (
            content_type == "application/x-www-form-urlencoded" and b"\x00" in unquote_to_bytes(body.replace(b"+", b" "))
        ):
            errors["body"] = [f"The request body {NUL_MESSAGE}"]
        elif "json" in content_type:
            if _JSON_NUL.search(body):
                errors["body"] = [JSON_NUL_MESSAGE]
            elif json_too_deep(body):
                errors["body"] = [f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep; no request needs that."]
    return (400, errors) if errors else None


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = problems(request)
        if found is None:
            return self.get_response(request)
        status, errors = found
        if wants_json(request):
            from .api.errors import error_response

            return error_response(errors=errors, status=status)
        from .views import bad_request

        return bad_request(request, errors, status=status)
