"""Deployment checks (``python manage.py check --deploy``) for what Django's own do not know about."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

SHARED_CACHE = Warning(
    "The cache is each process's own memory, so every gunicorn worker counts API rate limits alone (with "
    "N workers a client gets N times the limit) and keeps its own search caches.",
    hint="Set CACHE_URL=redis://<host>:6379/0 so that all workers and servers share one cache.",
    id="licensedb.W001",
)


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if getattr(settings, "PRODUCTION", False) and backend.endswith(("LocMemCache", "DummyCache")):
        return [SHARED_CACHE]
    return []
