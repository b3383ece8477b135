"""OpenAPI post-processing: the servers, the error responses every operation can give, and path
parameters described by the values they take (so that clients and fuzzers reach real objects)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from drf_spectacular.openapi import AutoSchema
from rest_framework.request import Request

from .errors import ERROR_SCHEMA


class PublicAwareAutoSchema(AutoSchema):
    """An operation anyone may call without credentials (every read, the check, resolve and audit)
    carries no security requirement, so the docs show no lock on it; the others keep theirs. Asks the
    view's own permission classes about an anonymous request, so the schema cannot drift from them."""

    def get_auth(self):
        request = Request(RequestFactory().generic(self.method, self.path))
        request.user = AnonymousUser()
        try:
            public = all(permission.has_permission(request, self.view) for permission in self.view.get_permissions())
        except Exception:  # a permission that needs more than the method and the user: keep the lock
            public = False
        return [] if public else super().get_auth()

ERRORS = {
    "400": "Bad input: the body names each field or parameter that was wrong",
    "401": "Not authenticated (writes need a curator token)",
    "403": "Not allowed",
    "404": "Not found",
    "405": "Method not allowed",
    "406": "Not acceptable (the API speaks JSON)",
    "409": "Edit conflict: the entry changed since its version was read",
    "413": "The request body is too large",
    "415": "Unsupported media type (send JSON)",
    "429": "Too many requests; see the Retry-After header",
    "503": "The database is unavailable for a moment; see the Retry-After header",
}

# Examples of existing objects for path parameters, by the path's collection.
SLUG_EXAMPLES = {"datasets": "hoi4d", "licences": "cc-by-nc-4.0", "platforms": "youtube"}


def _path_parameters(path: str, operation: dict) -> None:
    from ..vocabulary import Layer, UseChoice

    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "path":
            continue
        schema = parameter.setdefault("schema", {"type": "string"})
        if parameter["name"] == "layer":
            schema["enum"] = list(Layer.values)
            parameter["description"] = "The verdict layer a curator records"
        elif parameter["name"] == "use":
            schema["enum"] = list(UseChoice.values)
            parameter["description"] = "One of the uses from /api/v1/uses/"
        elif parameter["name"] == "slug":
            collection = path.split("/")[3] if path.count("/") > 3 else ""
            if collection in SLUG_EXAMPLES:
                schema["example"] = SLUG_EXAMPLES[collection]


def document_error_responses(result, generator, request, public):
    if request is not None:
        result["servers"] = [{"url": request.build_absolute_uri("/").rstrip("/"), "description": "This server"}]
    else:
        result["servers"] = [{"url": "/", "description": "The server that serves this schema"}]
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            _path_parameters(path, operation)
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code in ("409", "413") and method not in ("patch", "put", "post"):
                    continue
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
            if method == "get":
                responses.setdefault("304", {"description": "Not modified (If-None-Match / If-Modified-Since)"})
    return result
