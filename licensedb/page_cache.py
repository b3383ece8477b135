"""Anonymous pages and API answers, cached per catalogue revision, with ETag / Last-Modified and 304s.

A visitor without a session (no session cookie, no ``Authorization`` header: what anonymous browsers
and API clients send) asking for a page or a read of the API gets:

- a 304 when it sends back the ``ETag`` (``If-None-Match``) or the ``Last-Modified`` time
  (``If-Modified-Since``) of the current revision, before any view work;
- else the answer stored for this URL at this revision, if there is one (Django's cache: per-process
  memory, or Redis shared by every server when ``CACHE_URL`` is set);
- else the view's answer, which is stored for the next visitor.

The key carries the catalogue revision and the database's epoch (``licensedb.revision``), so every
edit makes every stored answer obsolete at once: a popular page costs one primary-key lookup of the
revision row until the catalogue changes. Curators (signed in, or sending a token) always get a fresh
answer and no validators. Answers that set a cookie (a CSRF token for a form), stream, or are not a 200
are never stored; nor are the admin, audits (a user's own upload) and the exports (streamed; they
answer conditional GETs themselves, ``licensedb.conditional``). ``LICENSEDB_PAGE_CACHE_SECONDS=0``
turns the storing off (the 304s stay).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from . import revision
from .conditional import conditional_answer, validators

API_PREFIX = "/api/v1/"
NEVER = ("/admin/", "/audit/", "/api/v1/audit", "/export/", "/static/", "/healthz", "/api/v1/schema/", "/api/v1/docs/",
         "/favicon.ico", "/changes/feed/")
ALLOWED_COOKIES = {"csrftoken"}  # a CSRF cookie alone does not make a visitor someone in particular


def is_anonymous(request) -> bool:
    """No session, no token, and no cookie that could change the answer (messages, a language)."""
    cookies = set(request.COOKIES) - {getattr(settings, "CSRF_COOKIE_NAME", "csrftoken")} - ALLOWED_COOKIES
    return "HTTP_AUTHORIZATION" not in request.META and not cookies


def cacheable_request(request) -> bool:
    return request.method in ("GET", "HEAD") and not request.path.startswith(NEVER) and is_anonymous(request)


def _key(request, tag: str) -> str:
    parts = [request.get_full_path()]
    if request.path.startswith(API_PREFIX):
        parts.append(request.headers.get("Accept", ""))  # the API negotiates its format
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f"licensedb:page:{tag}:{digest}"


def _throttled(request) -> bool:
    """The API's anonymous rate limit still counts answers served from the cache."""
    from .api.throttling import AnonymousThrottle

    throttle = AnonymousThrottle()
    return not throttle.allow_request(request, None)


def _shareable(request, response) -> bool:
    """Nothing in the answer belongs to this visitor: no cookie set or about to be set on the way out
    (a CSRF token rendered into a form, a session or a message; those middlewares run after this one)."""
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    return not getattr(messages, "_queued_messages", None)


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)
        api = request.path.startswith(API_PREFIX)
        seconds = settings.LICENSEDB_PAGE_CACHE_SECONDS
        # read once, and only when needed: it keys both the validators and the stored answer
        current = revision.current() if (not api or seconds > 0) else None
        if not api:  # the API's validators come from licensedb.api.middleware.ApiMiddleware
            etag, last_modified = validators(request, vary=("Accept",), current=current)
            not_modified = conditional_answer(request, etag, last_modified)
            if not_modified is not None:
                return not_modified
        key = _key(request, current.tag) if seconds > 0 else None
        if key is not None:
            stored = cache.get(key)
            if stored is not None and not (api and _throttled(request)):
                stored["X-Cache"] = "hit"
                return stored
        response = self.get_response(request)
        if response.status_code != 200 or response.streaming:
            return response
        if not api:
            response["ETag"] = etag
            response["Last-Modified"] = last_modified
            response["Cache-Control"] = "no-cache"  # keep it, but ask again: it changes with the catalogue
        if key is not None and request.method == "GET" and _shareable(request, response):
            cache.set(key, response, seconds)
            response["X-Cache"] = "miss"
        return response
