"""Small text helpers shared by models, validation and search."""

import re

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def name_key(name: str) -> str:
    """The form in which two dataset names or aliases count as the same name.

    Case, spaces, hyphens and punctuation are ignored, so ``HD-VILA-100M``, ``hd vila 100m`` and
    ``HDVILA100M`` share one key.
    """
    return _NON_ALNUM.sub("", (name or "").casefold())


def country_name(code: str) -> str:
    """The common name of an ISO 3166-1 alpha-2 country code (the code itself when unknown)."""
    import pycountry

    country = pycountry.countries.get(alpha_2=(code or "").upper())
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name
