"""Picking datasets by slug (compare, check, selected exports), with messages that name the problem."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .models import Dataset


class SelectionError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


_SPLIT = re.compile(r"[\s,]+")


def parse_slugs(values: str | Iterable[str] | None) -> list[str]:
    """'a,b c' or ['a', 'b,c'] -> ['a', 'b', 'c'] (order kept, blanks dropped)."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        out += [part.strip().lower() for part in _SPLIT.split(str(value)) if part.strip()]
    return out


def select(slugs: list[str], minimum: int, maximum: int, parameter: str = "datasets") -> list[Dataset]:
    """The published datasets with these slugs, in the order given, or a SelectionError."""
    problems: list[str] = []
    seen: set[str] = set()
    repeated = sorted({s for s in slugs if s in seen or seen.add(s)})
    if repeated:
        problems.append(f"Listed more than once: {', '.join(repeated)}. Give each dataset once.")
    unique = list(dict.fromkeys(slugs))
    if len(unique) < minimum:
        problems.append(f"Pick at least {minimum} dataset{'s' if minimum != 1 else ''} (got {len(unique)}).")
    if len(unique) > maximum:
        problems.append(f"Pick at most {maximum} datasets (got {len(unique)}).")
    found = {d.slug: d for d in Dataset.objects.published().filter(slug__in=unique[:200])}
    unknown = [s for s in unique if s not in found]
    if unknown:
        shown = ", ".join(s[:60] for s in unknown[:10]) + (" …" if len(unknown) > 10 else "")
        problems.append(f"No published dataset with the slug: {shown}.")
    if problems:
        raise SelectionError({parameter: problems})
    return [found[s] for s in unique]
