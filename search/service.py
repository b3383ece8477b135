"""Running a search: what the search page and the search API both call.

Validates facet parameters (a bad value is a :class:`SearchInputError` naming the parameter), runs the
backend, and when a query finds nothing tries, in order, a spelling correction from dataset names and
then matching any of the words instead of all. Snippets come back as plain text and as HTML built
from escaped text, with ``<mark>`` only where the backend marked a match.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import hashlib

from django.conf import settings
from django.core.cache import cache

from licensedb.models import Licence, Modality, SourcePlatform, TrainedModel
from licensedb.params import MAX_PAGE, ParameterError, whole_number
from licensedb.vocabulary import ModelKind

from . import model_matches
from .backends import BackendResult, get_backend
from .backends.base import MARK_END, MARK_START, TIER_ALIAS
from .documents import DISPLAY_ORDER, ENUM_LABELS, FACET_NAMES
from .indexer import index_version
from .models import SearchCompound, SearchDocument
from .query import MAX_QUERY_LENGTH, ParsedQuery, compound_candidates, join_compounds, parse

MAX_PAGE_SIZE = 100
FEW_RESULTS = 3
_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")
_CONTROL = re.compile(r"[\x00-\x01\x04-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SearchInputError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    active: bool


@dataclass
class Hit:
    slug: str
    name: str
    year: int | None
    status: str
    snippet: str
    snippet_html: str
    verdicts: dict[str, str]
    status_label: str = ""


@dataclass
class ModelHit:
    slug: str
    name: str
    kind: str
    kind_label: str
    licence: str
    organisations: str


@dataclass
class SearchResponse:
    q: str
    query: ParsedQuery
    filters: dict[str, list[str]]
    count: int
    page: int
    page_size: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None
    corrected: bool = False  # the hits are for `suggestion`, since the query itself found nothing
    relaxed: bool = False  # the hits match some of the words, since no entry matches them all
    approximate: bool = False  # more matches than were counted: `count` and facet counts are lower bounds
    models: list[ModelHit] = field(default_factory=list)  # trained models the query finds (first few)
    models_count: int = 0
    models_first: bool = False  # a model's own name was typed: the models section leads
    resolved: str = ""  # how the query named an entry outright ("identifier:arxiv", "former_slug"), if it did

    @property
    def pages(self) -> int:
        pages = max(1, -(-self.count // self.page_size))
        if self.approximate and len(self.hits) == self.page_size:
            pages = max(pages, self.page + 1)  # more were found than counted: there is a next page
        return pages

    @property
    def searched(self) -> str:
        """What the shown results are for: the correction when there is one, else the query."""
        return self.suggestion if self.corrected else self.q


def _labels(version: str) -> dict[str, dict[str, str]]:
    """Display names of facet values (and so the values each facet accepts). Cached per index version,
    which search.signals bumps when a licence, platform or modality changes."""
    key = f"search:facet-labels:{version}"
    labels = cache.get(key)
    if labels is None:
        labels = {
            "licence": {slug: spdx or name for slug, spdx, name in Licence.objects.values_list("slug", "spdx_id", "name")},
            "platform": dict(SourcePlatform.objects.values_list("slug", "name")),
            "modality": dict(Modality.objects.values_list("slug", "name")),
        }
        cache.set(key, labels, 3600)
    return {**ENUM_LABELS, **labels}


def parse_filters(params, labels: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """The facet parameters of a request, checked against the values each facet can take."""
    filters: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    for name in FACET_NAMES:
        values = [v for v in params.getlist(name) if v.strip()][:20]
        if not values:
            continue
        if name == "year":
            years = [_year(v) for v in values]
            bad = [v for v, year in zip(values, years) if year is None]
            values = [str(year) for year in years if year is not None]
            known = "a four-digit year"
        else:
            bad = [v for v in values if v not in labels[name]]
            known = ", ".join(sorted(labels[name])[:12]) + ("…" if len(labels[name]) > 12 else "")
        if bad:
            errors[name] = [f"'{bad[0][:60]}' is not a value of {name}. Use one of: {known}."]
        else:
            filters[name] = sorted(set(values))
    if errors:
        raise SearchInputError(errors)
    return filters


def _year(value: str) -> int | None:
    try:
        return whole_number(value, "year", minimum=1000, maximum=9999)
    except ParameterError:
        return None


def parse_paging(params, default_size: int = 20) -> tuple[int, int]:
    """``page`` from 1, and ``page_size`` from 1 (larger sizes are served as MAX_PAGE_SIZE)."""
    errors = {}
    page = size = None
    try:
        page = whole_number(params.get("page"), "page", minimum=1, maximum=MAX_PAGE, default=1)
    except ParameterError as error:
        errors.update(error.errors)
    try:
        size = whole_number(params.get("page_size"), "page_size", minimum=1, maximum=MAX_PAGE, default=default_size)
    except ParameterError:
        errors["page_size"] = [f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}."]
    if errors:
        raise SearchInputError(errors)
    return page, min(size, MAX_PAGE_SIZE)


def snippet_html(snippet: str) -> str:
    """Escape everything, then turn the backend's match markers (and only those) into <mark>."""
    escaped = html.escape(_CONTROL.sub("", snippet or ""), quote=True)
    out, open_mark = [], False
    for piece in _MARKS.split(escaped):  # text and single markers, in order (a loop per piece, not per character)
        if piece == MARK_START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif piece == MARK_END:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            out.append(piece)
    if open_mark:
        out.append("</mark>")
    return "".join(out)


def plain(snippet: str) -> str:
    return _CONTROL.sub("", (snippet or "").replace(MARK_START, "").replace(MARK_END, ""))


def suggest(query: ParsedQuery, backend) -> str | None:
    """The query with unknown words replaced by the nearest words from dataset names, if any."""
    words = [w for w in query.words() if len(w) >= 4 and not w.isdigit()]
    replacements = {}
    for word in words:
        if backend.word_exists(word):
            continue
        for term, score in backend.similar_terms(word):
            if term != word and score >= 0.3:
                replacements[word] = term
                break
    if not replacements:
        return None
    rendered = []
    for term in query.terms:
        rendered.append("-".join(replacements.get(p, p) for p in term.parts))
    for phrase in query.phrases:
        rendered.append('"' + " ".join(replacements.get(t, t) for t in phrase.tokens) + '"')
    for term in query.excluded:
        rendered.append("-" + "-".join(term.parts))
    return " ".join(rendered)


def _everything(backend, offset: int, page_size: int, version: str) -> BackendResult:
    """The unfiltered catalogue: its facet counts cover every document, so they are cached until the
    index next changes (see search.indexer.index_version)."""
    key = f"search:everything-facets:{version}"
    cached = cache.get(key)
    result = backend.search(parse(""), {}, offset, page_size, facets=cached is None)
    if cached is None:
        cache.set(key, (result.count, result.facets), 3600)
    else:
        result.count, result.facets = cached
    return result


def parse_correct(params) -> bool:
    """``correct=0`` searches for exactly what was typed, without a spelling correction."""
    value = params.get("correct")
    if value in (None, "", "1"):
        return True
    if value == "0":
        return False
    raise SearchInputError({"correct": ["correct must be 0 (search exactly what was typed) or 1."]})


MODELS_SHOWN = 5


def search(params, default_page_size: int = 20, facets: bool = True) -> SearchResponse:
    """The search for these request parameters. Results are cached per catalogue revision, so any edit
    makes every cached answer obsolete at once (settings.SEARCH_CACHE_SECONDS; 0 turns it off)."""
    q = (params.get("q") or "")
    version = index_version()
    labels = _labels(version)
    filters = parse_filters(params, labels)
    page, page_size = parse_paging(params, default_page_size)
    correct = parse_correct(params)
    seconds = settings.SEARCH_CACHE_SECONDS
    key = None
    if seconds:
        fingerprint = repr((q[:MAX_QUERY_LENGTH], sorted(filters.items()), page, page_size, facets, correct,
                            settings.SEARCH_EXACT_COUNT_LIMIT))
        key = f"search:result:{version}:{hashlib.sha256(fingerprint.encode()).hexdigest()}"
        cached = cache.get(key)
        if cached is not None:
            return cached
    response = _search(q, filters, page, page_size, facets, version, labels, correct)
    if key:
        cache.set(key, response, seconds)
    return response


def read_query(q: str) -> ParsedQuery:
    """The query as the backends run it: parsed, with every spelling of a compound word the catalogue
    uses read as that compound (one lookup in the compound table)."""
    query = parse(q)
    candidates = compound_candidates(query)
    if not candidates:
        return query
    known = {
        joined: tuple(parts.split())
        for joined, parts in SearchCompound.objects.filter(joined__in=sorted(candidates)).values_list("joined", "parts")
    }
    return join_compounds(query, known)


def _resolved(q: str):
    """An entry the query names outright (an identifier, a URL, a current or former slug), by the
    audit's resolver. Names, prefixes and misspellings are left to the search's own ranking."""
    from licensedb.identifiers import parse_reference
    from licensedb.resolver_index import resolve_reference

    text = q.strip()
    if not text or len(text) > MAX_QUERY_LENGTH or (" " in text and not parse_reference(text)):
        return None
    resolution = resolve_reference(text, exact=True)  # names are the search's own: no fuzzy scan of every name
    return resolution if resolution.resolved else None


def _model_cards(version: str) -> list[model_matches.ModelCard]:
    key = f"search:model-cards:{version}"
    cards = cache.get(key)
    if cards is None:
        kinds = dict(ModelKind.choices)
        cards = []
        for model in TrainedModel.objects.published().prefetch_related("aliases", "organisations", "licence_lines__licence").order_by("name"):
            lines = [l for l in model.licence_lines.all() if l.valid_until is None and l.layer == "weights"]
            licence = ", ".join(dict.fromkeys(l.licence.spdx_id or l.licence.name for l in lines))
            cards.append(model_matches.card(
                model.slug, model.name, model.kind, kinds.get(model.kind, model.kind), licence,
                ", ".join(o.name for o in model.organisations.all()), [a.name for a in model.aliases.all()],
                model.summary,
            ))
        cache.set(key, cards, 3600)
    return cards


def _search(q, filters, page, page_size, facets, version, labels, correct=True) -> SearchResponse:
    query = read_query(q)
    backend = get_backend()
    offset = (page - 1) * page_size
    count_limit = getattr(settings, "SEARCH_EXACT_COUNT_LIMIT", 1000) or None
    resolution = _resolved(q)
    pinned_dataset = pinned_model = None
    if resolution and resolution.entry.kind == "dataset":
        pinned_dataset = SearchDocument.objects.filter(slug=resolution.entry.slug).values_list("id", flat=True).first()
    elif resolution:
        pinned_model = resolution.entry.slug
    pinned = [pinned_dataset] if pinned_dataset else []

    facet_key = None
    cached_facets = None
    if facets and settings.SEARCH_CACHE_SECONDS:
        # counts do not depend on the page: page 2 of a frequent word does not count it again
        fingerprint = repr((q[:MAX_QUERY_LENGTH], sorted(filters.items()), correct, count_limit))
        facet_key = f"search:facets:{version}:{hashlib.sha256(fingerprint.encode()).hexdigest()}"
        cached_facets = cache.get(facet_key)

    def run(query, any_term=False, with_facets=True):
        return backend.search(query, filters, offset, page_size, any_term=any_term, facets=with_facets,
                              pinned=pinned, count_limit=count_limit)

    suggestion, corrected, relaxed = None, False, False
    if (query.is_empty and not filters and not pinned
            and not (query.typed_key and backend.name_matches(query, {}, []))):
        result = _everything(backend, offset, page_size, version)
    elif cached_facets is not None:
        variant, count, counts, approximate, suggestion = cached_facets
        if variant == "corrected":
            query, corrected = read_query(suggestion), True
        elif variant == "relaxed":
            relaxed = True
        result = run(query, any_term=relaxed, with_facets=False)
        result.count, result.facets, result.approximate = count, counts, approximate
    else:
        result = run(query)
        if correct and not query.is_empty and result.count < FEW_RESULTS:
            suggestion = suggest(query, backend)
            if suggestion:
                alternative = run(read_query(suggestion))
                if alternative.count <= result.count:
                    suggestion = None  # only offer a spelling that finds more
                elif result.count == 0:
                    result, corrected, query = alternative, True, read_query(suggestion)
            if result.count == 0 and len(query.terms) + len(query.phrases) > 1:
                alternative = run(query, any_term=True)
                if alternative.count:
                    result, relaxed = alternative, True
        if facet_key:
            variant = "corrected" if corrected else "relaxed" if relaxed else "plain"
            cache.set(facet_key, (variant, result.count, result.facets, result.approximate, suggestion),
                      settings.SEARCH_CACHE_SECONDS)

    hits = [
        Hit(
            slug=row.slug,
            name=row.title,
            year=row.year,
            status=row.status,
            snippet=plain(row.snippet),
            snippet_html=snippet_html(row.snippet),
            verdicts=row.verdicts,
            status_label=ENUM_LABELS["status"].get(row.status, row.status),
        )
        for row in result.rows
    ]
    facet_values: dict[str, list[FacetValue]] = {}
    if facets:
        for name in DISPLAY_ORDER:
            counts = result.facets.get(name, {})
            active = set(filters.get(name, []))
            values = [
                FacetValue(value, labels.get(name, {}).get(value, value), n, value in active)
                for value, n in counts.items()
            ]
            values.sort(key=lambda v: (-v.count, v.label))
            if name == "year":
                values.sort(key=lambda v: v.value, reverse=True)
            facet_values[name] = values

    found_models = [] if filters else model_matches.match(query, _model_cards(version), pinned_model)
    return SearchResponse(
        q=q,
        query=query,
        filters=filters,
        count=result.count,
        page=page,
        page_size=page_size,
        hits=hits,
        facets=facet_values,
        suggestion=suggestion,
        corrected=corrected,
        relaxed=relaxed,
        approximate=result.approximate,
        models=[ModelHit(m.slug, m.name, m.kind, m.kind_label, m.licence, m.organisations)
                for m in found_models[:MODELS_SHOWN]],
        models_count=len(found_models),
        models_first=bool(found_models) and model_matches.named(query, found_models[0], pinned_model)
        and not any(row.tier <= TIER_ALIAS for row in result.rows[:1]),
        resolved=resolution.match if resolution else "",
    )
