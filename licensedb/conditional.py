"""Conditional GETs for everything derived from the published catalogue (the API, exports, the feed).

The validators come from the catalogue revision, which changes with every edit, and the database's
epoch, which tells this database's revisions from those of the one it replaced: a weak ETag
``W/"<epoch>-<revision>-<hash of the request>"`` and the revision's time as Last-Modified. A client
that sends the ETag back (If-None-Match) or the time (If-Modified-Since) gets a 304 while nothing
changed, before any view work is done.
"""

from __future__ import annotations

import functools
import hashlib

from django.http import HttpRequest, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe

from . import revision


def validators(request: HttpRequest, vary: tuple[str, ...] = (), current=None) -> tuple[str, str]:
    """(ETag, Last-Modified) of the answer to ``request`` at the current revision (``current``, when
    the caller has already read it)."""
    current = current or revision.current()
    parts = [request.get_full_path()]
    for header in vary:
        value = request.headers.get(header, "")
        parts.append(value[:12] if header == "Authorization" else value)  # never the whole token
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]
    return f'W/"{current.tag}-{digest}"', http_date(current.changed_at.timestamp())


def conditional_answer(request: HttpRequest, etag: str, last_modified: str) -> HttpResponseNotModified | None:
    """A 304 when the client's copy is current, else None."""
    if request.method not in ("GET", "HEAD"):
        return None
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [tag.strip() for tag in if_none_match.split(",")]
        fresh = if_none_match.strip() == "*" or etag in tags or etag.removeprefix("W/") in tags
    else:
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        fresh = since is not None and (parse_http_date_safe(last_modified) or 0) <= since
    if not fresh:
        return None
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    return response


def catalogue_conditional(view):
    """For views whose answer depends only on the URL and the published catalogue (exports, feed)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        etag, last_modified = validators(request)
        not_modified = conditional_answer(request, etag, last_modified)
        if not_modified is not None:
            return not_modified
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            response["ETag"] = etag
            response["Last-Modified"] = last_modified
            response.setdefault("Cache-Control", "no-cache")
        return response

    return wrapped
