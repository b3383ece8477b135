"""API plumbing: conditional GETs (ETag / Last-Modified) and JSON errors everywhere under /api/."""

from __future__ import annotations

import logging

from django.db import IntegrityError
from rest_framework.views import exception_handler as drf_exception_handler

from .. import outage
from ..conditional import conditional_answer, validators
from .errors import error_body, error_response

logger = logging.getLogger("licensedb.api")

API_PREFIX = "/api/v1/"
NOT_CACHED = ("/api/v1/schema/", "/api/v1/docs/")


def exception_handler(exc, context):
    """DRF's handler, answering in the API's one error shape, plus a 400 for a database rule the
    validation did not foresee. Anything else DRF does not know is re-raised and answered as JSON by
    ApiMiddleware.process_exception (a 503 while the database is unreachable)."""
    if isinstance(exc, IntegrityError):
        logger.warning("API write refused by a database constraint: %s", exc)
        return error_response("The change breaks one of the catalogue's rules and was not saved.", status=400)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    extra = dict(getattr(exc, "extra", {}) or {})
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = error_body(str(data["detail"]), **extra)
    else:
        response.data = error_body(errors=data, **extra)
    return response


class ApiMiddleware:
    """For GET and HEAD under /api/v1/: a weak ETag from the database's epoch, the catalogue revision
    and the request, and a Last-Modified from the revision's time. A matching If-None-Match (or a fresh
    If-Modified-Since) gets a 304 before any view work is done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if not path.startswith(API_PREFIX) or request.method not in ("GET", "HEAD") or path.startswith(NOT_CACHED):
            return self.get_response(request)
        etag, last_modified = validators(request, vary=("Accept", "Authorization"))
        not_modified = conditional_answer(request, etag, last_modified)
        if not_modified is not None:
            return not_modified
        response = self.get_response(request)
        if response.status_code == 200:
            response["ETag"] = etag
            response["Last-Modified"] = last_modified
            response["Cache-Control"] = "no-cache"  # cache, but revalidate: the answer changes with the catalogue
            response["Vary"] = "Accept, Authorization"
        return response

    def process_exception(self, request, exception):
        if outage.is_outage(exception):
            return outage.unavailable(request, exception)
        if request.path.startswith("/api/"):
            logger.exception("API error at %s", request.path, exc_info=exception)
            return error_response("Something went wrong on our side; it has been logged.", status=500)
        return None
