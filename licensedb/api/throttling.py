"""Rate limits for the API, counted in the cache that all application servers share.

DRF's own throttles keep a list of request times per client and write it back after each request, so
two workers answering the same client at once both read the old list and one request goes uncounted;
and with the default per-process memory cache each worker counts alone (with N workers a client gets
N times the limit). These count with the cache's atomic increment (Redis ``INCR`` when ``CACHE_URL``
points at Redis, as production must) in fixed windows of the rate's period, so the limit holds
whatever the number of workers and servers. Rates come from settings.LICENSEDB_THROTTLE at each request.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

OFF = ("", "off", "none")


def _rate(scope: str) -> str | None:
    """The configured rate, or None (no limit) for ``off``: what benchmarks run with."""
    value = settings.LICENSEDB_THROTTLE[scope]
    return None if value is None or str(value).strip().lower() in OFF else value


def throttling_off() -> bool:
    return _rate("anon") is None and _rate("curator") is None


class AtomicWindowMixin:
    """``num_requests`` per window of ``duration`` seconds, counted with one atomic increment."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        key = f"{self.key}:{window}"
        self.cache.add(key, 0, self.duration + 5)
        try:
            count = self.cache.incr(key)
        except ValueError:  # expired between add and incr
            self.cache.add(key, 1, self.duration + 5)
            count = 1
        return count <= self.num_requests

    def wait(self):
        return max(1, int(self.window_end - self.now + 0.999))


class AnonymousThrottle(AtomicWindowMixin, AnonRateThrottle):
    scope = "anon"

    def get_rate(self):
        return _rate("anon")


class CuratorThrottle(AtomicWindowMixin, UserRateThrottle):
    scope = "curator"

    def get_rate(self):
        return _rate("curator")
