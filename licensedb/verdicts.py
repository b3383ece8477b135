"""The verdict engine: how licensedb decides the effective verdict of a dataset for a use.

Plain Python over plain data: no database, no HTTP. ``licensedb.verdict_store`` loads a
:class:`Catalogue` from the database in a fixed number of queries and stores the results.

The rules:

1. Each dataset has up to two layers of its own for every use:
   - **dataset terms**: the curator's verdict on the release's own licence (``unclear`` when none is
     recorded);
   - **content terms**: the terms of the platforms its videos come from. A dataset-level
     content-terms verdict (evidence that the content was licensed differently) replaces the
     platform default for that use; otherwise the most restrictive verdict of its platforms whose
     terms apply is taken (``unclear`` when a platform has none). A dataset whose platforms' terms
     do not apply (own recordings) has no content layer; a dataset with no platform recorded has an
     ``unclear`` one.
2. Every ancestor reached through ``derived_from`` (any depth) contributes one inherited layer,
   ``inherited:<slug>``, whose verdict is the most restrictive of that ancestor's own layers.
3. The effective verdict is the most restrictive of all these layers (prohibited > unclear >
   conditional > allowed). Ties go to the first layer in the order dataset terms, content terms,
   then ancestors nearest first and by slug, so the answer is deterministic.
4. A cycle in the lineage is an error (:class:`LineageCycleError`), never a silent answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from .vocabulary import INHERITED_PREFIX, RISK, USE_KEYS, Layer, VerdictValue

DATASET_TERMS = Layer.DATASET_TERMS.value
CONTENT_TERMS = Layer.CONTENT_TERMS.value

ALLOWED = VerdictValue.ALLOWED.value
CONDITIONAL = VerdictValue.CONDITIONAL.value
UNCLEAR = VerdictValue.UNCLEAR.value
PROHIBITED = VerdictValue.PROHIBITED.value


class LineageCycleError(ValueError):
    """``derived_from`` loops back on itself."""

    def __init__(self, cycle: list[str]):
        self.cycle = cycle
        super().__init__(
            "Lineage cannot loop: " + " is derived from ".join(cycle) + ". Remove one of these links."
        )


@dataclass(frozen=True)
class EvidenceRef:
    id: int
    url: str
    location: str
    accessed: date | None
    summary: str
    confidence: str
    kind: str = ""
    reviewer: str = ""


@dataclass(frozen=True)
class VerdictRecord:
    """A verdict as a curator recorded it (for a dataset layer or a platform)."""

    value: str
    conditions: tuple[str, ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class PlatformTerms:
    slug: str
    name: str
    terms_apply: bool
    verdicts: Mapping[str, VerdictRecord] = field(default_factory=dict)


@dataclass(frozen=True)
class DatasetTerms:
    slug: str
    name: str
    # (layer, use) -> verdict; layer is dataset_terms or content_terms
    verdicts: Mapping[tuple[str, str], VerdictRecord] = field(default_factory=dict)
    platforms: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()


@dataclass
class Catalogue:
    datasets: dict[str, DatasetTerms]
    platforms: dict[str, PlatformTerms]


@dataclass(frozen=True)
class LayerVerdict:
    """One layer's verdict for one use, as it takes part in the effective verdict."""

    layer: str  # dataset_terms | content_terms | inherited:<slug>
    value: str
    conditions: tuple[str, ...]
    evidence: tuple[EvidenceRef, ...]
    note: str
    source: str  # what inside the layer decided: "dataset", "platform:<slug>", "dataset_terms"...
    via: tuple[str, ...] = ()  # for inherited layers: the lineage path from the dataset's parent

    @property
    def ancestor(self) -> str | None:
        return self.layer[len(INHERITED_PREFIX) :] if self.layer.startswith(INHERITED_PREFIX) else None


@dataclass(frozen=True)
class Effective:
    use: str
    value: str
    decided_by: str
    tied_with: tuple[str, ...]
    conditions: tuple[str, ...]
    evidence: tuple[EvidenceRef, ...]
    layers: tuple[LayerVerdict, ...]

    @property
    def deciding_layer(self) -> LayerVerdict:
        return next(layer for layer in self.layers if layer.layer == self.decided_by)


def most_restrictive(values: Iterable[str]) -> str:
    """The riskiest of the values; ``unclear`` for no values at all."""
    return max(values, key=RISK.__getitem__, default=UNCLEAR)


def _unique(items: Iterable) -> tuple:
    seen: dict = {}
    for item in items:
        seen.setdefault(item, None)
    return tuple(seen)


def _combine(candidates: list[tuple[str, VerdictRecord]]) -> tuple[str, VerdictRecord]:
    """Most restrictive of several (source, verdict) pairs, the first one winning ties.

    Conditions of every conditional candidate are kept when the result is conditional, since all
    of them have to be met; evidence comes from the candidates that share the winning value.
    """
    value = most_restrictive(record.value for _, record in candidates)
    winners = [(source, record) for source, record in candidates if record.value == value]
    source, first = winners[0]
    conditions: tuple[str, ...] = ()
    if value == CONDITIONAL:
        conditions = _unique(c for _, record in candidates for c in record.conditions)
    evidence = _unique(e for _, record in winners for e in record.evidence)
    return source, VerdictRecord(value, conditions, evidence, first.note)


def _no_verdict(note: str) -> VerdictRecord:
    return VerdictRecord(UNCLEAR, (), (), note)


def dataset_terms_layer(dataset: DatasetTerms, use: str) -> LayerVerdict:
    record = dataset.verdicts.get((DATASET_TERMS, use)) or _no_verdict(
        "No verdict has been recorded for the dataset's own terms."
    )
    return LayerVerdict(DATASET_TERMS, record.value, record.conditions, record.evidence, record.note, "dataset")


def content_terms_layer(dataset: DatasetTerms, use: str, catalogue: Catalogue) -> LayerVerdict | None:
    """The content-terms layer, or None when no platform's terms govern the content."""
    override = dataset.verdicts.get((CONTENT_TERMS, use))
    if override is not None:
        return LayerVerdict(
            CONTENT_TERMS, override.value, override.conditions, override.evidence, override.note, "dataset"
        )
    if not dataset.platforms:
        record = _no_verdict("The source of the videos has not been recorded.")
        return LayerVerdict(CONTENT_TERMS, record.value, (), (), record.note, "none")
    candidates: list[tuple[str, VerdictRecord]] = []
    for slug in dataset.platforms:
        platform = catalogue.platforms.get(slug)
        if platform is None:
            candidates.append((f"platform:{slug}", _no_verdict(f"Platform {slug} is not in the catalogue.")))
        elif platform.terms_apply:
            record = platform.verdicts.get(use) or _no_verdict(
                f"No verdict has been recorded for {platform.name}'s terms."
            )
            candidates.append((f"platform:{slug}", record))
    if not candidates:
        return None
    source, record = _combine(candidates)
    return LayerVerdict(CONTENT_TERMS, record.value, record.conditions, record.evidence, record.note, source)


def own_layers(dataset: DatasetTerms, use: str, catalogue: Catalogue) -> list[LayerVerdict]:
    layers = [dataset_terms_layer(dataset, use)]
    content = content_terms_layer(dataset, use, catalogue)
    if content is not None:
        layers.append(content)
    return layers


def ancestors(slug: str, catalogue: Catalogue) -> list[tuple[str, tuple[str, ...]]]:
    """Every ancestor of ``slug`` with the path that reaches it, nearest first, then by slug.

    Raises :class:`LineageCycleError` when the lineage reachable from ``slug`` loops.
    """
    find_cycle_from(slug, lambda s: catalogue.datasets[s].parents if s in catalogue.datasets else ())
    found: dict[str, tuple[str, ...]] = {}
    frontier: list[tuple[str, tuple[str, ...]]] = [(slug, ())]
    while frontier:
        level: dict[str, tuple[str, ...]] = {}
        for current, path in frontier:
            node = catalogue.datasets.get(current)
            for parent in node.parents if node else ():
                if parent != slug and parent not in found and parent not in level:
                    level[parent] = path + (parent,)
        frontier = sorted(level.items())
        found.update(frontier)
    return list(found.items())


def find_cycle_from(start: str, parents_of) -> None:
    """Raise :class:`LineageCycleError` if following ``parents_of`` from ``start`` loops."""
    done: set[str] = set()
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> None:
        if node in on_stack:
            raise LineageCycleError(stack[stack.index(node) :] + [node])
        if node in done:
            return
        stack.append(node)
        on_stack.add(node)
        for parent in parents_of(node):
            visit(parent)
        stack.pop()
        on_stack.discard(node)
        done.add(node)

    visit(start)


def inherited_layer(ancestor: DatasetTerms, via: tuple[str, ...], use: str, catalogue: Catalogue) -> LayerVerdict:
    layers = own_layers(ancestor, use, catalogue)
    candidates = [(layer.layer, VerdictRecord(layer.value, layer.conditions, layer.evidence, layer.note)) for layer in layers]
    source, record = _combine(candidates)
    return LayerVerdict(
        INHERITED_PREFIX + ancestor.slug, record.value, record.conditions, record.evidence, record.note, source, via
    )


def evaluate_use(slug: str, use: str, catalogue: Catalogue, lineage: list | None = None) -> Effective:
    dataset = catalogue.datasets[slug]
    layers = own_layers(dataset, use, catalogue)
    for ancestor_slug, via in lineage if lineage is not None else ancestors(slug, catalogue):
        ancestor = catalogue.datasets.get(ancestor_slug)
        if ancestor is not None:
            layers.append(inherited_layer(ancestor, via, use, catalogue))
    value = most_restrictive(layer.value for layer in layers)
    winners = [layer for layer in layers if layer.value == value]
    conditions: tuple[str, ...] = ()
    if value == CONDITIONAL:
        conditions = _unique(c for layer in layers for c in layer.conditions)
    return Effective(
        use=use,
        value=value,
        decided_by=winners[0].layer,
        tied_with=tuple(layer.layer for layer in winners[1:]),
        conditions=conditions,
        evidence=_unique(e for layer in winners for e in layer.evidence),
        layers=tuple(layers),
    )


def evaluate(slug: str, catalogue: Catalogue) -> dict[str, Effective]:
    """The effective verdict of every use for one dataset."""
    lineage = ancestors(slug, catalogue)
    return {use: evaluate_use(slug, use, catalogue, lineage) for use in USE_KEYS}


def evaluate_all(catalogue: Catalogue, slugs: Iterable[str] | None = None) -> dict[str, dict[str, Effective]]:
    """Effective verdicts for many datasets (all of the catalogue by default)."""
    return {slug: evaluate(slug, catalogue) for slug in (catalogue.datasets if slugs is None else slugs)}
