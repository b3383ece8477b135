"""Ranked lists of the best documents for the index terms found almost everywhere.

Ranking by full-text score walks every match before the first row comes back: a word in half of
100,000 entries costs its 50,000 scores on every search for it, while a rare one costs a handful.
For every index term found in at least ``SEARCH_TOP_LIST_MIN_DOCUMENTS`` documents, this keeps its
``SEARCH_TOP_LIST_SIZE`` best-scoring documents with their scores (the backend's own score for that
term alone), so a search that comes down to that one term reads a page from an index ordered by
score: the same rows in the same order as ranking every match, while the page lies inside the list.

The list keeps, beside it, the facet counts of a search for that term alone, as the bounded count
takes them, so that search skips counting too when no filter is set.

Lists are computed whole, set-based, by the backend (one INSERT ... SELECT per term), at a rebuild,
and again for every listed term an index write touches (a term the changed documents contain, or
contained): so a list always holds the term's best documents as of its last computation. Its facet
counts are recounted only when the write changed which documents hold the term or the facets of one
that does (a renamed platform changes the entries' text, not their facets). A term
that becomes frequent between rebuilds is listed when a document containing it is indexed.
Queries the lists cannot answer exactly (several terms, a phrase, a page past the list, a filter
that leaves fewer rows than the page) are ranked in full, as before.

A list stands in for a search only when the typed word stands for its one index term, which takes a
vocabulary of the index: SQLite's FTS5 keeps one (fts5vocab); on PostgreSQL the backend keeps its own
(``search_lexeme``), read from the vectors at a rebuild and added to on every index write, never
pruned between rebuilds: a term no document holds any more can only make a prefix look ambiguous,
so that search is ranked in full, never answered from the wrong list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from .models import SearchFacet, SearchTop, SearchTopTerm


# an index write of more documents than this recomputes every list from the index's vocabulary
REBUILD_ABOVE = 2000


def min_documents() -> int:
    return int(getattr(settings, "SEARCH_TOP_LIST_MIN_DOCUMENTS", 0) or 0)


def size() -> int:
    return int(getattr(settings, "SEARCH_TOP_LIST_SIZE", 1000))


def count_limit() -> int | None:
    return getattr(settings, "SEARCH_EXACT_COUNT_LIMIT", 1000) or None


def _backend():
    from .backends import get_backend

    return get_backend(connection)


def rebuild() -> int:
    """Drop every list and compute one for each term now frequent enough. Returns the lists made."""
    backend = _backend()
    backend.empty([SearchTop._meta.db_table, SearchTopTerm._meta.db_table])
    threshold = min_documents()
    if not threshold or not backend.ranks_top_lists:
        return 0
    backend.rebuild_vocabulary()
    frequent = backend.frequent_terms(threshold)
    SearchTopTerm.objects.bulk_create([SearchTopTerm(term=t, documents=n) for t, n in frequent], batch_size=1000)
    listed = dict(SearchTopTerm.objects.values_list("term", "pk"))
    backend.fill_top_lists(listed, size(), count_limit())
    return len(frequent)


@dataclass
class Snapshot:
    """What an index write changes that the lists depend on, per document: its index terms and its
    facet values. Read before the write (:func:`terms_of`) and again after it (in :func:`refresh`)."""

    terms: dict[int, set[str]] = field(default_factory=dict)
    facets: dict[int, set[int]] = field(default_factory=dict)


def _facets_of(ids: list[int]) -> dict[int, set[int]]:
    facets: dict[int, set[int]] = {}
    for start in range(0, len(ids), 500):
        for doc, value in SearchFacet.objects.filter(doc_id__in=ids[start : start + 500]).values_list("doc_id", "value_id"):
            facets.setdefault(doc, set()).add(value)
    return facets


def refresh(doc_ids: Iterable[int], before: Snapshot | None = None) -> int:
    """Recompute the lists an index write may have changed: those of every term the written documents
    contain now or contained before (``before``: read by :func:`terms_of` ahead of the write). A list's
    ranking is recomputed whenever one of its term's documents was written (its length, so its score,
    may have changed); its facet counts only when a document gained or lost the term, or changed its
    facets while holding it. Returns the lists recomputed."""
    ids = sorted(set(doc_ids))
    threshold = min_documents()
    backend = _backend()
    if not ids or not threshold or not backend.ranks_top_lists:
        return 0
    if len(ids) > REBUILD_ABOVE:  # reading the vocabulary once beats tokenising thousands of entries
        return rebuild()
    before = before or Snapshot()
    now = Snapshot(backend.index_terms_of(ids), _facets_of(ids))
    held_now = set().union(*now.terms.values())
    backend.add_to_vocabulary(held_now)
    touched = sorted(held_now | set().union(*before.terms.values()))
    recount: set[str] = set()  # terms whose facet counts may have changed
    gained: set[str] = set()
    for doc in ids:
        terms_before, terms_now = before.terms.get(doc, set()), now.terms.get(doc, set())
        recount |= terms_before ^ terms_now
        gained |= terms_now - terms_before
        if before.facets.get(doc, set()) != now.facets.get(doc, set()):
            recount |= terms_before | terms_now
    listed: dict[str, int] = {}
    for start in range(0, len(touched), 500):
        listed.update(SearchTopTerm.objects.filter(term__in=touched[start : start + 500]).values_list("term", "pk"))
    stale = set(listed.values())
    # a term that has become frequent since the last rebuild gets a list of its own (only a document
    # that gains a term can take it over the threshold)
    for term, n in backend.document_counts([t for t in sorted(gained) if t not in listed]).items():
        if n >= threshold:
            stale.add(SearchTopTerm.objects.create(term=term, documents=n).pk)
            recount.add(term)
    terms = dict(SearchTopTerm.objects.filter(pk__in=stale).values_list("pk", "term"))
    for term_id, term in sorted(terms.items()):
        backend.fill_top_list(term_id, term, size(), count_limit(), facets=term in recount)
    return len(terms)


def terms_of(doc_ids: Iterable[int]) -> Snapshot | None:
    """What these documents hold now, when an index write of them will refresh lists one by one (read
    before the write, so that :func:`refresh` also sees the words they lose and the facets they change)."""
    ids = sorted(set(doc_ids))
    backend = _backend()
    if not ids or not min_documents() or not backend.ranks_top_lists or len(ids) > REBUILD_ABOVE:
        return None
    return Snapshot(backend.index_terms_of(ids), _facets_of(ids))
