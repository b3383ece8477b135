"""API plumbing: conditional GETs (ETag / Last-Modified) and JSON errors everywhere under /api/."""

from __future__ import annotations

import hashlib
import logging

from django.db import IntegrityError
from django.http import HttpResponseNotModified, JsonResponse
from django.utils.http import http_date, parse_http_date_safe
from rest_framework.views import exception_handler as drf_exception_handler

from .. import revision

logger = logging.getLogger("licensedb.api")

API_PREFIX = "/api/v1/"
NOT_CACHED = ("/api/v1/schema/", "/api/v1/docs/")


def exception_handler(exc, context):
    """DRF's handler, plus a 400 for a database rule the validation did not foresee. Anything else DRF
    does not know is re-raised and answered as JSON by ApiMiddleware.process_exception."""
    if isinstance(exc, IntegrityError):
        logger.warning("API write refused by a database constraint: %s", exc)
        return JsonResponse({"detail": "The change breaks one of the catalogue's rules and was not saved."}, status=400)
    return drf_exception_handler(exc, context)


class ApiMiddleware:
    """For GET and HEAD under /api/v1/: a weak ETag from the catalogue revision and the request, and a
    Last-Modified from the revision's time. A matching If-None-Match (or a fresh If-Modified-Since) gets
    a 304 before any view work is done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if not path.startswith(API_PREFIX) or request.method not in ("GET", "HEAD") or path.startswith(NOT_CACHED):
            return self.get_response(request)
        number, changed_at = revision.current()
        fingerprint = "|".join(
            [request.get_full_path(), request.headers.get("Accept", ""), request.headers.get("Authorization", "")[:12]]
        )
        etag = f'W/"r{number}-{hashlib.sha256(fingerprint.encode()).hexdigest()[:20]}"'
        last_modified = http_date(changed_at.timestamp())
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            if etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*":
                return self._not_modified(etag, last_modified)
        else:
            since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
            if since is not None and int(changed_at.timestamp()) <= since:
                return self._not_modified(etag, last_modified)
        response = self.get_response(request)
        if response.status_code == 200:
            response["ETag"] = etag
            response["Last-Modified"] = last_modified
            response["Cache-Control"] = "no-cache"  # cache, but revalidate: the answer changes with the catalogue
            response["Vary"] = "Accept, Authorization"
        return response

    @staticmethod
    def _not_modified(etag: str, last_modified: str):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Last-Modified"] = last_modified
        return response

    def process_exception(self, request, exception):
        if request.path.startswith("/api/"):
            logger.exception("API error at %s", request.path, exc_info=exception)
            return JsonResponse({"detail": "Something went wrong on our side; it has been logged."}, status=500)
        return None
