"""While the database is unreachable: a 503 with Retry-After, never a 500.

A refused or dropped connection, a server shutting down, "too many connections", a locked SQLite file
past its busy timeout: Django raises ``OperationalError`` (or ``InterfaceError`` for a connection
that is already gone). Those are temporary conditions of the service, so clients are told to come
back (``Retry-After``); programming errors stay 500s. The answer is built without touching the
database: JSON in the API's error shape for the API and exports, a static page elsewhere.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("licensedb.outage")

RETRY_AFTER_SECONDS = 30
MESSAGE = "The catalogue's database is not answering right now. Please try again in a minute."


def is_outage(exception: BaseException | None) -> bool:
    return isinstance(exception, (OperationalError, InterfaceError))


def unavailable(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    logger.error("database unavailable at %s: %s", request.path, exception)
    from .request_guard import wants_json

    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if wants_json(request):
        from .api.errors import error_response

        return error_response(MESSAGE, status=503, headers=headers)
    page = render_to_string("503.html", {"message": MESSAGE, "retry_after": RETRY_AFTER_SECONDS})
    return HttpResponse(page, status=503, headers=headers)
