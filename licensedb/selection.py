"""Picking datasets by reference (compare, check, selected exports), with messages that name the problem.

Every reference goes through the one resolver (``licensedb.resolver``): a slug, a name, an alias, a
Hugging Face id, a GitHub or arXiv URL. A reference that matches several entries or none is refused
with the candidates or the nearest names ("did you mean").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .models import Dataset


class SelectionError(ValueError):
    def __init__(self, errors: dict[str, list[str]], suggestions: dict[str, list[tuple[str, str]]] | None = None):
        self.errors = errors
        # reference -> [(slug, name), ...]: what a mistyped reference may have meant, best first
        self.suggestions = suggestions or {}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


_SPLIT = re.compile(r"[\s,]+")
_LINES = re.compile(r"[\n,]+")


def parse_slugs(values: str | Iterable[str] | None) -> list[str]:
    """'a,b' or ['a', 'b,c'] -> ['a', 'b', 'c'] (order kept, blanks dropped). References are split at
    commas and line breaks, not spaces, since names have spaces ("hd vila 100m")."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        out += [part.strip() for part in _LINES.split(str(value)) if part.strip()]
    return out


# Matches that are a guess: compare, check and exports ask "did you mean" instead of taking them.
GUESSES = ("prefix", "fuzzy")


def select(slugs: list[str], minimum: int, maximum: int, parameter: str = "datasets") -> list[Dataset]:
    """The published datasets these references name, in the order given, or a SelectionError."""
    from .resolver import AMBIGUOUS, RESOLVED
    from .resolver_index import current_index

    problems: list[str] = []
    if len(slugs) > 200:
        raise SelectionError({parameter: [f"Pick at most {maximum} datasets (got {len(slugs)})."]})
    index = current_index()
    found: list[str] = []
    unknown: list[str] = []
    suggestions: dict[str, list[tuple[str, str]]] = {}
    for reference in slugs:
        resolution = resolve_one(reference, index)
        if resolution.status != RESOLVED and " " in reference.strip():
            # "a b c": slugs separated by spaces rather than commas
            parts = [resolve_one(part, index) for part in _SPLIT.split(reference.strip()) if part]
            if parts and all(p.status == RESOLVED and p.match in ("slug", "former_slug") for p in parts):
                found += [p.entry.slug for p in parts]
                continue
        if resolution.status == RESOLVED and resolution.match in GUESSES:
            unknown.append(f"No dataset is called '{reference[:80]}'. Did you mean {resolution.entry.name} ({resolution.entry.slug})?")
            suggestions[reference] = [(resolution.entry.slug, resolution.entry.name)]
        elif resolution.status == RESOLVED:
            found.append(resolution.entry.slug)
        elif resolution.status == AMBIGUOUS:
            problems.append(resolution.message)
            suggestions[reference] = [(e.slug, e.name) for e in resolution.candidates[:5]]
        else:
            unknown.append(resolution.message)
            if resolution.candidates:
                suggestions[reference] = [(e.slug, e.name) for e in resolution.candidates[:3]]
    repeated = sorted({s for i, s in enumerate(found) if s in found[:i]})
    if repeated:
        problems.append(f"Listed more than once: {', '.join(repeated)}. Give each dataset once.")
    unique = list(dict.fromkeys(found))
    if len(unique) + len(unknown) < minimum and not problems:
        problems.append(f"Pick at least {minimum} dataset{'s' if minimum != 1 else ''} (got {len(unique)}).")
    if len(unique) > maximum:
        problems.append(f"Pick at most {maximum} datasets (got {len(unique)}).")
    if unknown:
        shown = " ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        problems.append(shown)
    if problems:
        raise SelectionError({parameter: problems}, suggestions)
    datasets = {d.slug: d for d in Dataset.objects.published().filter(slug__in=unique)}
    return [datasets[s] for s in unique]


def select_models(references: list[str], minimum: int, maximum: int, parameter: str = "models") -> list:
    """The published models these references name, in the order given, or a SelectionError."""
    from .models import TrainedModel
    from .resolver import RESOLVED, resolve
    from .resolver_index import current_index

    index = current_index()
    found, problems = [], []
    for reference in references[:200]:
        resolution = resolve(reference, index, kinds={"model"})
        if resolution.status == RESOLVED and resolution.match not in GUESSES:
            found.append(resolution.entry.slug)
        elif resolution.status == RESOLVED:
            problems.append(f"No model is called '{reference[:80]}'. Did you mean {resolution.entry.name} ({resolution.entry.slug})?")
        else:
            problems.append(resolution.message)
    unique = list(dict.fromkeys(found))
    if len(unique) < minimum and not problems:
        problems.append(f"Pick at least {minimum} model{'s' if minimum != 1 else ''}.")
    if len(unique) > maximum:
        problems.append(f"Pick at most {maximum} models (got {len(unique)}).")
    if problems:
        raise SelectionError({parameter: problems})
    models = {m.slug: m for m in TrainedModel.objects.published().filter(slug__in=unique)}
    return [models[s] for s in unique]


def resolve_one(reference: str, index=None):
    """The resolver's answer for one reference to a published dataset."""
    from .resolver import resolve
    from .resolver_index import current_index

    return resolve(reference, index or current_index(), kinds={"dataset"})
