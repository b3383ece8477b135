"""Naming licences the same way everywhere: by slug and SPDX identifier.

Every interface (API, exports, Croissant, provenance card) names a licence by its slug (our id) and
its SPDX identifier: the SPDX list's id when it has one, ``LicenseRef-<slug>`` for a licence that is
not on the list (the SPDX way of naming any other licence). A dataset's data terms as a whole are one
SPDX licence expression: its current licences joined with ``AND`` (each covers part of the release),
``NONE`` when the creators state no licence, and ``NOASSERTION`` when the catalogue records none.
"""

from __future__ import annotations

from collections.abc import Iterable

NONE = "NONE"
NOASSERTION = "NOASSERTION"


def stated(lines: Iterable) -> list:
    """The licence lines that name an actual licence (not the "no licence stated" record)."""
    return [line for line in lines if line.licence.is_stated]


def spdx_expression(lines: Iterable) -> str:
    """The SPDX licence expression of these (current) licence lines."""
    lines = list(lines)
    if not lines:
        return NOASSERTION
    ids = list(dict.fromkeys(line.licence.spdx for line in stated(lines)))
    if not ids:
        return NONE
    return ids[0] if len(ids) == 1 else " AND ".join(ids)


def slugs(lines: Iterable) -> list[str]:
    return list(dict.fromkeys(line.licence.slug for line in stated(lines)))


def label(lines: Iterable, empty: str = "none recorded") -> str:
    """For people: the licences' short names, or what the expression's special values mean."""
    lines = list(lines)
    names = list(dict.fromkeys(line.licence.short_name for line in stated(lines)))
    if names:
        return ", ".join(names)
    return "no licence stated" if lines else empty
