"""The verdict engine: how licensedb decides the effective verdict of a dataset for a use.

Plain Python over plain data: no database, no HTTP. ``licensedb.verdict_store`` loads a
:class:`Catalogue` from the database in a fixed number of queries and stores the results.

The layers
----------
1. **Dataset terms**: the curator's verdict on the release's own licence (``unclear`` when none is
   recorded). Always binding.
2. **Platform terms**: the contract of the platform the videos come from (YouTube's Terms of Service).
   A contract binds whoever fetches from the platform and nobody else, so this layer binds a use only
   when doing it *needs fetching the videos* (see "Routes"). A dataset-level platform-terms verdict
   (evidence that the platform gave a permission reaching users) replaces the platforms' verdicts for
   that use; otherwise the most restrictive verdict of its platforms whose terms apply is taken. A
   platform whose terms govern nobody here (own recordings, films) contributes nothing.
3. **Rights in the works**: the uploaders' copyright, or the licence they chose (YouTube's Creative
   Commons option, a stock licence), which follows the media wherever they are hosted. It binds every
   use of the media themselves, but not uses of released features or metadata. A dataset-level verdict
   (the creators say they kept only CC BY uploads, or licensed the footage) replaces the platforms'
   defaults for that use; otherwise the most restrictive default of its platforms whose rights apply
   is taken. Where nothing grants a use the default is ``unclear`` for training and evaluation (the
   exceptions in copyright law are unsettled), not the platform contract's ``prohibited``.
4. **Inherited** ``inherited:<slug>``: every ancestor reached through ``derived_from`` (any depth)
   contributes its *dataset terms*. Platform terms and rights in the works follow the media, so a
   derived dataset carries them through its own platforms (a dataset with no platform of its own takes
   its nearest ancestors' platforms).
The code licence is recorded beside these but never decides.

Routes
------
A use can often be done in more than one way, and the layers that bind depend on the way:

- ``release``: the metadata uses (``redistribute_metadata``, ``derivative_dataset``) share what the
  creators released (annotations, captions, features, URL/ID lists) and touch no media: only the
  dataset terms and inherited terms bind. (A derivative that includes media is ``redistribute_media``.)
- ``features``: the training and evaluation uses can be done on released pre-extracted features,
  which are not copies of the videos: neither the platform terms nor the rights in the works bind.
- ``hosted``: the creators hand out copies of the videos: the rights in the works bind, the platform
  contract does not bind the user (the copies may carry a provenance risk, see below).
- ``fetch``: a URL/ID list or annotations-only release (or one whose form is not established) means
  fetching the videos from the platform: the platform terms and the rights in the works both bind.

The routes open to a use follow from the release's distribution forms. Each route's verdict is the
most restrictive of its binding layers; the effective verdict is the best route's. When another open
route is worse and the best route needs a choice from the user, the answer says so as a condition
(``features_only``: use only the released features; ``creators_copies``: use the creators' copies),
which makes an ``allowed`` answer ``conditional``, and ``route_note`` says what the other way would
meet.

The rest
--------
- Risk order: ``prohibited`` > ``unclear`` > ``conditional`` > ``allowed``. Within a route, ties go to
  the first layer in the order dataset terms, platform terms, rights in the works, then ancestors
  nearest first and by slug, so the answer is deterministic. All conditions of the binding layers are
  kept when the result is conditional, since all of them have to be met.
- Every effective verdict carries the dataset's **own** answer (its dataset terms) and, when the two
  differ, one sentence on what changes it (``because``).
- **Provenance risk** (:func:`provenance_risk`): a release that hosts copies of videos from a platform
  whose terms forbid downloading them carries a flag with that platform's evidence. It does not bind
  the user's contract and does not change a verdict.
- **Jurisdiction notes**: exceptions in law (e.g. the EU's text and data mining exception for research
  organisations, which contracts cannot override) are attached to the platform-terms and
  rights-in-the-works layers of the uses they concern, without changing any verdict.
- A cycle in the lineage is an error (:class:`LineageCycleError`), never a silent answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from .vocabulary import INHERITED_PREFIX, RISK, USE_KEYS, USES_BY_KEY, Distribution, Layer, VerdictValue

DATASET_TERMS = Layer.DATASET_TERMS.value
PLATFORM_TERMS = Layer.PLATFORM_TERMS.value
RIGHTS_IN_WORKS = Layer.RIGHTS_IN_WORKS.value

ALLOWED = VerdictValue.ALLOWED.value
CONDITIONAL = VerdictValue.CONDITIONAL.value
UNCLEAR = VerdictValue.UNCLEAR.value
PROHIBITED = VerdictValue.PROHIBITED.value

VIDEO_FILES = Distribution.VIDEO_FILES.value
URL_LIST = Distribution.URL_LIST.value
FEATURES = Distribution.FEATURES.value
ANNOTATIONS_ONLY = Distribution.ANNOTATIONS_ONLY.value

# Uses done on the data itself (media or features), the one use that shares media, and the uses that
# share only what the creators released.
TRAINING_USES = ("research", "benchmark", "internal_commercial", "commercial_training", "model_release")
MEDIA_USES = (*TRAINING_USES, "redistribute_media")
METADATA_USES = ("redistribute_metadata", "derivative_dataset")

ROUTE_RELEASE = "release"
ROUTE_FEATURES = "features"
ROUTE_HOSTED = "hosted"
ROUTE_FETCH = "fetch"
ROUTE_ORDER = (ROUTE_RELEASE, ROUTE_FEATURES, ROUTE_HOSTED, ROUTE_FETCH)
ROUTE_LAYERS = {
    ROUTE_RELEASE: (),
    ROUTE_FEATURES: (),
    ROUTE_HOSTED: (RIGHTS_IN_WORKS,),
    ROUTE_FETCH: (PLATFORM_TERMS, RIGHTS_IN_WORKS),
}
ROUTE_CONDITION = {ROUTE_FEATURES: "features_only", ROUTE_HOSTED: "creators_copies"}
ROUTE_LABELS = {
    ROUTE_RELEASE: "sharing what the creators released",
    ROUTE_FEATURES: "using only the released features",
    ROUTE_HOSTED: "using the copies the creators distribute",
    ROUTE_FETCH: "fetching the videos from the platform",
}

_LAYER_ORDER = {DATASET_TERMS: 0, PLATFORM_TERMS: 1, RIGHTS_IN_WORKS: 2}


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
    title: str = ""


@dataclass(frozen=True)
class VerdictRecord:
    """A verdict as a curator recorded it (for a dataset layer or a platform)."""

    value: str
    conditions: tuple[str, ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class JurisdictionNote:
    """An exception in law beside a layer: shown, never deciding."""

    slug: str
    jurisdiction: str
    title: str
    summary: str
    uses: tuple[str, ...]
    overrides_contract: bool
    evidence: tuple[EvidenceRef, ...] = ()


@dataclass(frozen=True)
class PlatformTerms:
    slug: str
    name: str
    terms_apply: bool
    verdicts: Mapping[str, VerdictRecord] = field(default_factory=dict)  # platform terms, per use
    rights_apply: bool = True
    rights: Mapping[str, VerdictRecord] = field(default_factory=dict)  # default rights in the works, per use
    download_prohibited: bool = False
    download_evidence: tuple[EvidenceRef, ...] = ()


@dataclass(frozen=True)
class DatasetTerms:
    slug: str
    name: str
    # (layer, use) -> verdict; layer is dataset_terms, platform_terms or rights_in_works
    verdicts: Mapping[tuple[str, str], VerdictRecord] = field(default_factory=dict)
    platforms: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    forms: frozenset[str] = frozenset()  # distribution forms; empty when not established
    provenance_note: str = ""
    provenance_evidence: tuple[EvidenceRef, ...] = ()


@dataclass
class Catalogue:
    datasets: dict[str, DatasetTerms]
    platforms: dict[str, PlatformTerms]
    notes: tuple[JurisdictionNote, ...] = ()


@dataclass(frozen=True)
class LayerVerdict:
    """One layer's verdict for one use, as it takes part in the effective verdict."""

    layer: str  # dataset_terms | platform_terms | rights_in_works | inherited:<slug>
    value: str
    conditions: tuple[str, ...]
    evidence: tuple[EvidenceRef, ...]
    note: str
    source: str  # what inside the layer decided: "dataset", "platform:<slug>", "dataset_terms"...
    via: tuple[str, ...] = ()  # for inherited layers: the lineage path from the dataset's parent
    binding: bool = True  # whether it binds the way (route) the answer is for
    applies_when: str = ""  # for layers that bind only some ways: when they bind
    notes: tuple[JurisdictionNote, ...] = ()
    name: str = ""  # for inherited layers: the ancestor's name; for content layers: the platforms' names

    @property
    def ancestor(self) -> str | None:
        return self.layer[len(INHERITED_PREFIX) :] if self.layer.startswith(INHERITED_PREFIX) else None


@dataclass(frozen=True)
class Route:
    route: str
    value: str
    layers: tuple[str, ...]  # the layers that bind this way


@dataclass(frozen=True)
class Effective:
    use: str
    value: str
    decided_by: str
    tied_with: tuple[str, ...]
    conditions: tuple[str, ...]
    evidence: tuple[EvidenceRef, ...]
    layers: tuple[LayerVerdict, ...]
    own: str = UNCLEAR  # what the dataset's own terms say
    because: str = ""  # when the effective verdict differs from ``own``: what changes it
    route: str = ROUTE_FETCH
    routes: tuple[Route, ...] = ()
    route_note: str = ""

    @property
    def deciding_layer(self) -> LayerVerdict:
        return next(layer for layer in self.layers if layer.layer == self.decided_by)

    @property
    def differs(self) -> bool:
        return self.value != self.own


@dataclass(frozen=True)
class ProvenanceRisk:
    """The creators host copies of videos fetched from platforms whose terms forbid downloading."""

    platforms: tuple[str, ...]
    names: tuple[str, ...]
    evidence: tuple[EvidenceRef, ...]
    note: str  # the creators' own account of how they obtained the copies, if recorded
    note_evidence: tuple[EvidenceRef, ...] = ()

    @property
    def summary(self) -> str:
        names = _names(self.names)
        return (
            f"The creators distribute copies of videos from {names}, whose terms forbid downloading them "
            "without permission. This does not bind your use of the copies, but a legal review may want it."
        )


def most_restrictive(values: Iterable[str]) -> str:
    """The riskiest of the values; ``unclear`` for no values at all."""
    return max(values, key=RISK.__getitem__, default=UNCLEAR)


def _unique(items: Iterable) -> tuple:
    seen: dict = {}
    for item in items:
        seen.setdefault(item, None)
    return tuple(seen)


def _names(names: Iterable[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


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


# --- the dataset's own layers -----------------------------------------------------------------


def dataset_terms_layer(dataset: DatasetTerms, use: str) -> LayerVerdict:
    record = dataset.verdicts.get((DATASET_TERMS, use)) or _no_verdict(
        "No verdict has been recorded for the dataset's own terms."
    )
    return LayerVerdict(DATASET_TERMS, record.value, record.conditions, record.evidence, record.note, "dataset")


def source_platforms(dataset: DatasetTerms, catalogue: Catalogue) -> tuple[str, ...]:
    """The dataset's platforms, or its nearest ancestors' when it records none of its own."""
    if dataset.platforms:
        return dataset.platforms
    for ancestor_slug, _ in ancestors(dataset.slug, catalogue):
        ancestor = catalogue.datasets.get(ancestor_slug)
        if ancestor is not None and ancestor.platforms:
            return ancestor.platforms
    return ()


def _content_layer(
    dataset: DatasetTerms, use: str, catalogue: Catalogue, layer: str, platforms: tuple[str, ...]
) -> LayerVerdict | None:
    """The platform-terms or rights-in-the-works layer; None when no platform's terms or rights apply."""
    notes = tuple(note for note in catalogue.notes if use in note.uses)
    override = dataset.verdicts.get((layer, use))
    if override is not None:
        return LayerVerdict(
            layer, override.value, override.conditions, override.evidence, override.note, "dataset", notes=notes
        )
    if not platforms:
        record = _no_verdict("The source of the videos has not been recorded.")
        return LayerVerdict(layer, record.value, (), (), record.note, "none", notes=notes)
    candidates: list[tuple[str, VerdictRecord]] = []
    names: list[str] = []
    for slug in platforms:
        platform = catalogue.platforms.get(slug)
        if platform is None:
            candidates.append((f"platform:{slug}", _no_verdict(f"Platform {slug} is not in the catalogue.")))
            names.append(slug)
            continue
        if layer == PLATFORM_TERMS and platform.terms_apply:
            record = platform.verdicts.get(use) or _no_verdict(
                f"No verdict has been recorded for {platform.name}'s terms."
            )
        elif layer == RIGHTS_IN_WORKS and platform.rights_apply:
            record = platform.rights.get(use) or _no_verdict(
                f"No default has been recorded for the rights in {platform.name}'s videos."
            )
        else:
            continue
        candidates.append((f"platform:{slug}", record))
        names.append(platform.name)
    if not candidates:
        return None
    source, record = _combine(candidates)
    return LayerVerdict(
        layer, record.value, record.conditions, record.evidence, record.note, source, notes=notes, name=_names(names)
    )


def routes_open(dataset: DatasetTerms, use: str) -> tuple[str, ...]:
    """The ways the use can be done with this release, in the order they are preferred."""
    if use in METADATA_USES:
        return (ROUTE_RELEASE,)
    forms = dataset.forms
    open_routes = []
    if use in TRAINING_USES and FEATURES in forms:
        open_routes.append(ROUTE_FEATURES)
    if VIDEO_FILES in forms:
        open_routes.append(ROUTE_HOSTED)
    if URL_LIST in forms or ANNOTATIONS_ONLY in forms or not forms or not open_routes:
        # a list to fetch, annotations whose media live elsewhere, a form not established, or a
        # release that holds no media for a use that needs them: the videos have to be fetched
        open_routes.append(ROUTE_FETCH)
    return tuple(open_routes)


# --- lineage ------------------------------------------------------------------------------------


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


def inherited_layer(ancestor: DatasetTerms, via: tuple[str, ...], use: str) -> LayerVerdict:
    own = dataset_terms_layer(ancestor, use)
    return LayerVerdict(
        INHERITED_PREFIX + ancestor.slug,
        own.value,
        own.conditions,
        own.evidence,
        own.note,
        DATASET_TERMS,
        via,
        name=ancestor.name,
    )


# --- explaining ---------------------------------------------------------------------------------

_PLATFORM_PHRASE = {
    PROHIBITED: "breaks its terms",
    UNCLEAR: "is not authorised by its terms",
    CONDITIONAL: "is allowed by its terms only on conditions",
    ALLOWED: "is allowed by its terms",
}
_RIGHTS_PHRASE = {
    PROHIBITED: "are not licensed for it, and copying them without a licence infringes",
    UNCLEAR: "are not licensed for it (whether an exception in copyright law covers it is unsettled)",
    CONDITIONAL: "are licensed for it only on conditions",
    ALLOWED: "allow it",
}


def _layer_sentence(layer: LayerVerdict) -> str:
    if layer.layer == PLATFORM_TERMS:
        where = layer.name or "the platform"
        return f"fetching the videos from {where} {_PLATFORM_PHRASE[layer.value]}"
    if layer.layer == RIGHTS_IN_WORKS:
        whose = f"the rights in the {layer.name} videos" if layer.name else "the rights in the videos"
        return f"{whose} {_RIGHTS_PHRASE[layer.value]}"
    if layer.ancestor:
        return f"it is built from {layer.name or layer.ancestor}, whose own terms make this {layer.value}"
    return f"its own terms make this {layer.value}"


def _worse_layers(best: Route, worst: Route, layers: dict[str, LayerVerdict]) -> list[LayerVerdict]:
    return [layers[name] for name in worst.layers if name in layers and RISK[layers[name].value] > RISK[best.value]]


def _because(own: str, value: str, deciding: LayerVerdict, best: Route, worst: Route, route_condition: bool,
             layers: dict[str, LayerVerdict]) -> str:
    if value == own:
        return ""
    if deciding.layer == DATASET_TERMS and route_condition:
        worse = sorted(_worse_layers(best, worst, layers), key=lambda layer: -RISK[layer.value])
        reason = _layer_sentence(worse[0]) if worse else f"the other ways are {worst.value}"
        return f"only when {ROUTE_LABELS[best.route]}: {reason}"
    return _layer_sentence(deciding)


def _route_note(use: str, best: Route, worst: Route, layers: dict[str, LayerVerdict]) -> str:
    if best.route == worst.route or RISK[worst.value] <= RISK[best.value]:
        return ""
    worse = _worse_layers(best, worst, layers)
    reason = "; ".join(_layer_sentence(layer) for layer in worse) or f"it would be {worst.value}"
    return (
        f"{USES_BY_KEY[use].label} is {best.value} when {ROUTE_LABELS[best.route]}. "
        f"Done by {ROUTE_LABELS[worst.route]} instead it would be {worst.value}: {reason}."
    )


# --- the effective verdict ----------------------------------------------------------------------


def evaluate_use(slug: str, use: str, catalogue: Catalogue, lineage: list | None = None) -> Effective:
    dataset = catalogue.datasets[slug]
    lineage = lineage if lineage is not None else ancestors(slug, catalogue)
    own = dataset_terms_layer(dataset, use)
    inherited = [
        inherited_layer(catalogue.datasets[a], via, use) for a, via in lineage if a in catalogue.datasets
    ]
    open_routes = routes_open(dataset, use)
    platforms = source_platforms(dataset, catalogue)
    content: dict[str, LayerVerdict] = {}
    for name in (PLATFORM_TERMS, RIGHTS_IN_WORKS):
        if any(name in ROUTE_LAYERS[r] for r in open_routes):
            layer = _content_layer(dataset, use, catalogue, name, platforms)
            if layer is not None:
                content[name] = layer

    routes: list[Route] = []
    for route in open_routes:
        binding = [own, *(content[n] for n in ROUTE_LAYERS[route] if n in content), *inherited]
        routes.append(Route(route, most_restrictive(layer.value for layer in binding), tuple(l.layer for l in binding)))
    best = min(routes, key=lambda r: (RISK[r.value], ROUTE_ORDER.index(r.route)))
    worst = max(routes, key=lambda r: (RISK[r.value], ROUTE_ORDER.index(r.route)))

    binding_names = set(best.layers)
    ordered_content = sorted(content.values(), key=lambda layer: _LAYER_ORDER[layer.layer])
    layers = [own]
    for layer in ordered_content:
        bound = layer.layer in binding_names
        when = "" if all(layer.layer in ROUTE_LAYERS[r] for r in open_routes) else (
            "only when fetching the videos from the platform" if layer.layer == PLATFORM_TERMS
            else "only when using the videos themselves"
        )
        layers.append(_replace(layer, binding=bound, applies_when=when))
    layers += inherited
    binding_layers = [layer for layer in layers if layer.binding]

    value = best.value
    winners = [layer for layer in binding_layers if layer.value == value]
    conditions: tuple[str, ...] = ()
    if value == CONDITIONAL:
        conditions = _unique(c for layer in binding_layers for c in layer.conditions)
    route_condition = (
        best.route in ROUTE_CONDITION and RISK[worst.value] > RISK[best.value] and value in (ALLOWED, CONDITIONAL)
    )
    if route_condition:
        value = CONDITIONAL
        conditions = _unique((*conditions, ROUTE_CONDITION[best.route]))
        if not winners:
            winners = [own]
    if not winners:
        winners = [own]
    deciding = winners[0]
    by_name = {layer.layer: layer for layer in layers}
    return Effective(
        use=use,
        value=value,
        decided_by=deciding.layer,
        tied_with=tuple(layer.layer for layer in winners[1:]),
        conditions=conditions,
        evidence=_unique(e for layer in winners for e in layer.evidence),
        layers=tuple(layers),
        own=own.value,
        because=_because(own.value, value, deciding, best, worst, route_condition, by_name),
        route=best.route,
        routes=tuple(routes),
        route_note=_route_note(use, best, worst, by_name),
    )


def _replace(layer: LayerVerdict, **changes) -> LayerVerdict:
    from dataclasses import replace

    return replace(layer, **changes)


def evaluate(slug: str, catalogue: Catalogue) -> dict[str, Effective]:
    """The effective verdict of every use for one dataset."""
    lineage = ancestors(slug, catalogue)
    return {use: evaluate_use(slug, use, catalogue, lineage) for use in USE_KEYS}


def evaluate_all(catalogue: Catalogue, slugs: Iterable[str] | None = None) -> dict[str, dict[str, Effective]]:
    """Effective verdicts for many datasets (all of the catalogue by default)."""
    return {slug: evaluate(slug, catalogue) for slug in (catalogue.datasets if slugs is None else slugs)}


def provenance_risk(slug: str, catalogue: Catalogue) -> ProvenanceRisk | None:
    """The provenance flag of a release that hosts copies fetched against a platform's terms."""
    dataset = catalogue.datasets[slug]
    if VIDEO_FILES not in dataset.forms:
        return None
    risky = [
        catalogue.platforms[p]
        for p in source_platforms(dataset, catalogue)
        if p in catalogue.platforms and catalogue.platforms[p].terms_apply and catalogue.platforms[p].download_prohibited
    ]
    if not risky:
        return None
    return ProvenanceRisk(
        platforms=tuple(p.slug for p in risky),
        names=tuple(p.name for p in risky),
        evidence=_unique(e for p in risky for e in p.download_evidence),
        note=dataset.provenance_note,
        note_evidence=dataset.provenance_evidence,
    )
