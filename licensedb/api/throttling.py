"""Rate limits for the API. Rates come from settings.LICENSEDB_THROTTLE at each request."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    scope = "anon"

    def get_rate(self):
        return settings.LICENSEDB_THROTTLE["anon"]


class CuratorThrottle(UserRateThrottle):
    scope = "curator"

    def get_rate(self):
        return settings.LICENSEDB_THROTTLE["curator"]
