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

from licensedb.models import Licence, Modality, SourcePlatform
from licensedb.params import MAX_PAGE, ParameterError, whole_number

from .backends import BackendResult, get_backend
from .backends.base import MARK_END, MARK_START
from .documents import ENUM_LABELS, FACET_NAMES, FACETS
from .indexer import index_version
from .query import MAX_QUERY_LENGTH, ParsedQuery, parse

MAX_PAGE_SIZE = 100
FEW_RESULTS = 3
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

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


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
    text = _CONTROL.sub("", snippet or "")
    escaped = html.escape(text, quote=True)
    out, open_mark = [], False
    for char in escaped:
        if char == MARK_START and not open_mark:
            out.append("<mark>")
            open_mark = True
        elif char == MARK_END and open_mark:
            out.append("</mark>")
            open_mark = False
        elif char not in (MARK_START, MARK_END):
            out.append(char)
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


def search(params, default_page_size: int = 20, facets: bool = True) -> SearchResponse:
    """The search for these request parameters. Results are cached per catalogue revision, so any edit
    makes every cached answer obsolete at once (settings.SEARCH_CACHE_SECONDS; 0 turns it off)."""
    q = (params.get("q") or "")
    version = index_version()
    labels = _labels(version)
    filters = parse_filters(params, labels)
    page, page_size = parse_paging(params, default_page_size)
    seconds = settings.SEARCH_CACHE_SECONDS
    key = None
    if seconds:
        fingerprint = repr((q[:MAX_QUERY_LENGTH], sorted(filters.items()), page, page_size, facets))
        key = f"search:result:{version}:{hashlib.sha256(fingerprint.encode()).hexdigest()}"
        cached = cache.get(key)
        if cached is not None:
            return cached
    response = _search(q, filters, page, page_size, facets, version, labels)
    if key:
        cache.set(key, response, seconds)
    return response


def _search(q, filters, page, page_size, facets, version, labels) -> SearchResponse:
    query = parse(q)
    backend = get_backend()
    offset = (page - 1) * page_size

    if query.is_empty and not filters:
        result = _everything(backend, offset, page_size, version)
    else:
        result = backend.search(query, filters, offset, page_size)
    suggestion, corrected, relaxed = None, False, False
    if not query.is_empty and result.count < FEW_RESULTS:
        suggestion = suggest(query, backend)
        if suggestion:
            alternative = backend.search(parse(suggestion), filters, offset, page_size)
            if alternative.count <= result.count:
                suggestion = None  # only offer a spelling that finds more
            elif result.count == 0:
                result, corrected = alternative, True
        if result.count == 0 and len(query.terms) + len(query.phrases) > 1:
            alternative = backend.search(query, filters, offset, page_size, any_term=True)
            if alternative.count:
                result, relaxed = alternative, True

    hits = [
        Hit(
            slug=row.slug,
            name=row.title,
            year=row.year,
            status=row.status,
            snippet=plain(row.snippet),
            snippet_html=snippet_html(row.snippet),
            verdicts=row.verdicts,
        )
        for row in result.rows
    ]
    facet_values: dict[str, list[FacetValue]] = {}
    if facets:
        for name, _ in FACETS:
            counts = result.facets.get(name, {})
            active = set(filters.get(name, []))
            values = [
                FacetValue(value, labels.get(name, {}).get(value, value), n, value in active)
                for value, n in counts.items()
            ]
            values.sort(key=lambda v: (-v.count, v.label) if name != "year" else (v.value,), reverse=False)
            if name == "year":
                values.sort(key=lambda v: v.value, reverse=True)
            facet_values[name] = values
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
    )
