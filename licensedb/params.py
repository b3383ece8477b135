"""Reading numbers from request parameters: the one place the project turns user text into an integer.

``str.isdigit()`` accepts Unicode digits such as ``²`` that ``int()`` then refuses, ``int()`` accepts
``" 12 "``, ``"١٢"`` (Arabic-Indic digits) and ``"1_000"``, and an unbounded number overflows SQLite's
and PostgreSQL's 64-bit integers. :func:`whole_number` accepts ASCII digits only, within bounds, and
says in words what it wanted.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]{1,18}")  # 18 digits always fit a signed 64-bit integer

# Pages are counted from 1; a million pages of 100 is far beyond any catalogue, and keeps every offset
# well inside the databases' integer range.
MAX_PAGE = 1_000_000


class ParameterError(ValueError):
    """A parameter that is not an acceptable whole number; ``errors`` maps its name to messages."""

    def __init__(self, name: str, message: str):
        self.name = name
        self.message = message
        self.errors = {name: [message]}
        super().__init__(f"{name}: {message}")


def whole_number(raw, name: str, *, minimum: int = 0, maximum: int, default: int | None = None) -> int:
    """``raw`` (a request parameter, possibly missing or blank) as an int from ``minimum`` to ``maximum``.

    Missing or blank gives ``default``, or a :class:`ParameterError` when there is no default.
    """
    text = "" if raw is None else str(raw).strip()
    message = f"{name} must be a whole number from {minimum} to {maximum}."
    if not text:
        if default is None:
            raise ParameterError(name, message)
        return default
    if not _DIGITS.fullmatch(text):
        raise ParameterError(name, message)
    value = int(text)
    if not minimum <= value <= maximum:
        raise ParameterError(name, message)
    return value


def optional_whole_number(raw, *, minimum: int = 0, maximum: int) -> int | None:
    """The number, or None when ``raw`` is not one in range (for lookups that simply find nothing)."""
    try:
        return whole_number(raw, "value", minimum=minimum, maximum=maximum)
    except ParameterError:
        return None
