"""Read replicas: public, safe requests read from the replica; everything else uses the primary.

Set DATABASE_REPLICA_URL to enable it. A request is public when it is a GET or HEAD without a session
cookie or an Authorization header: what anonymous visitors and API clients send. Curators (signed in to
the admin or sending a token) always read the primary, so they see their own writes at once. Writes
always go to the primary.
"""

from __future__ import annotations

import threading

from django.conf import settings

_state = threading.local()


def reading_from_replica() -> bool:
    return getattr(_state, "replica", False)


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = "replica" in settings.DATABASES

    def __call__(self, request):
        _state.replica = self.enabled and (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
        )
        try:
            return self.get_response(request)
        finally:
            _state.replica = False


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return "replica" if reading_from_replica() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
