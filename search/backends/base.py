"""The interface both search backends implement, and the SQL they share."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field

from licensedb.vocabulary import USE_KEYS

from ..query import ParsedQuery, Term

MARK_START, MARK_END = "\x02", "\x03"
RESULT_COLUMNS = ["id", "slug", "title", "year", "status", *USE_KEYS]
# one pass over the matched documents' facet rows, grouped by small integers, labelled afterwards
FACET_COUNTS_SQL = (
    "WITH m AS ({matched}) SELECT v.facet, v.value, c.n FROM "
    "(SELECT f.value_id, COUNT(*) AS n FROM m JOIN search_facet f ON f.doc_id = m.id GROUP BY f.value_id) c "
    "JOIN search_facet_value v ON v.id = c.value_id"
)


@dataclass
class Row:
    id: int
    slug: str
    title: str
    year: int | None
    status: str
    verdicts: dict[str, str]
    snippet: str  # plain text with MARK_START / MARK_END around matches
    tier: int = 2


@dataclass
class BackendResult:
    rows: list[Row]
    count: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    approximate: bool = False  # more matches than were counted: count and facet counts are lower bounds


# The name tiers: an identifier the resolver recognised, the exact name, an exact alias, the start of a
# name or alias; every other match ranks by its full-text score alone.
TIER_PINNED, TIER_NAME, TIER_ALIAS, TIER_PREFIX, TIER_TEXT = -1, 0, 1, 2, 3
NAME_TIER_LIMIT = 50  # at most this many entries are lifted by a name match; the rest rank by score


def row_from(values: tuple, snippet: str, tier: int = 2) -> Row:
    n = len(RESULT_COLUMNS)
    record = dict(zip(RESULT_COLUMNS, values[:n]))
    return Row(
        id=record["id"],
        slug=record["slug"],
        title=record["title"],
        year=record["year"],
        status=record["status"],
        verdicts={use: record[use] for use in USE_KEYS},
        snippet=snippet or "",
        tier=tier,
    )


def filter_sql(filters: dict[str, list[str]], id_column: str, placeholder: str) -> tuple[str, list]:
    """AND of the active facets (OR within one facet), as IN-subqueries on the facet table."""
    clauses, params = [], []
    for facet, values in sorted(filters.items()):
        if not values:
            continue
        marks = ", ".join([placeholder] * len(values))
        clauses.append(
            f"{id_column} IN (SELECT f.doc_id FROM search_facet f JOIN search_facet_value v ON v.id = f.value_id "
            f"WHERE v.facet = {placeholder} AND v.value IN ({marks}))"
        )
        params += [facet, *values]
    return (" AND " + " AND ".join(clauses)) if clauses else "", params


class SearchBackend:
    """What both backends share: the listing of an empty query, the facet pass and the result.

    A backend supplies the vendor's match syntax (``match_expression``), the SQL selecting matching
    document ids (``_matched``), the ids of the best matches by full-text score (``_top_ids``), the
    rows of a page with highlighted snippets (``_rows``) and typo candidates (``similar_terms``).
    """

    vendor = ""

    def __init__(self, connection):
        self.connection = connection

    def empty(self, tables: list[str]) -> None:
        """Remove every row of these index tables (children before parents), in one set-based
        statement per table, without loading a row into Python."""
        with self.connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DELETE FROM {self.connection.ops.quote_name(table)}")

    @contextmanager
    def bulk_load(self):
        """Around a rebuild that empties the index and writes it again: whatever makes a write of
        every document cheaper than the same writes one at a time. Inside a transaction."""
        yield

    def match_expression(self, query: ParsedQuery, any_term: bool = False) -> str:
        raise NotImplementedError

    def _matched(self, query: ParsedQuery, filters: dict[str, list[str]], any_term: bool) -> tuple[str, list]:
        raise NotImplementedError

    def similar_terms(self, word: str, limit: int = 5) -> list[tuple[str, float]]:
        raise NotImplementedError

    def search(self, query: ParsedQuery, filters: dict[str, list[str]], offset: int, limit: int,
               any_term: bool = False, facets: bool = True, pinned: list[int] | None = None,
               count_limit: int | None = None) -> BackendResult:
        """The page at ``offset`` in two steps: the entries lifted by a name match (an indexed lookup,
        at most NAME_TIER_LIMIT of them), then the other matches by full-text score alone, a LIMIT in
        SQL. Nothing here walks every match except the count, which stops at ``count_limit``."""
        named = [] if any_term else self.name_matches(query, filters, pinned or [])
        named_ids = [doc_id for doc_id, _ in named]
        page: list[tuple[int, int]] = named[offset : offset + limit]
        wanted = limit - len(page)
        if wanted > 0:
            text_offset = max(0, offset - len(named))
            page += [(doc_id, TIER_TEXT) for doc_id in
                     self._top_ids(query, filters, text_offset, wanted, any_term, named_ids)]
        rows = self._rows(query, [doc_id for doc_id, _ in page], any_term)
        by_id = {row.id: row for row in rows}
        ordered = []
        for doc_id, tier in page:
            if doc_id in by_id:
                by_id[doc_id].tier = tier
                ordered.append(by_id[doc_id])
        if not facets:  # the caller has the counts already
            return BackendResult(rows=ordered, count=-1)
        matched_sql, params = self._matched(query, filters, any_term)
        extra = self._outside(matched_sql, params, named_ids)  # lifted by name though the text did not match
        stored = self.stored_facet_counts(query, filters, any_term, count_limit)
        counts, approximate = stored or self.bounded_facet_counts(matched_sql, params, count_limit)
        total = sum(counts.get("status", {}).values())
        if extra:
            for facet, values in self._facets_of(extra).items():
                for value, n in values.items():
                    counts.setdefault(facet, {})[value] = counts.get(facet, {}).get(value, 0) + n
            total += len(extra)
        return BackendResult(rows=ordered, count=total, facets=counts, approximate=approximate)

    # --- step one: names -----------------------------------------------------------------------------

    def key_range(self) -> str:
        """SQL comparing ``n.key`` byte by byte with two placeholders (a prefix range)."""
        return "n.key >= %s AND n.key < %s"

    def name_matches(self, query: ParsedQuery, filters, pinned: list[int]) -> list[tuple[int, int]]:
        """(document id, tier) of the entries a name match lifts, best first: exact name, exact alias,
        then the shortest names that start with what was typed."""
        keys = [k for k in dict.fromkeys([query.typed_key, query.key if not query.phrases else ""]) if k]
        out: list[tuple[int, int]] = [(doc_id, TIER_PINNED) for doc_id in pinned]
        if keys:
            where, params = filter_sql(filters, "n.doc_id", "%s")
            ranges = " OR ".join(f"({self.key_range()})" for _ in keys)
            range_params = [p for k in keys for p in (k, k + "{")]  # keys are [0-9a-z]; "{" follows "z"
            exact = ", ".join(["%s"] * len(keys))
            restrict, restrict_params = "", []
            if query.phrases or query.excluded:
                restrict, restrict_params = self._matched(query, {}, False)
                restrict = f" AND n.doc_id IN ({restrict})"
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT n.doc_id, MIN(CASE WHEN n.key IN ({exact}) AND NOT n.alias THEN {TIER_NAME} "
                    f"WHEN n.key IN ({exact}) THEN {TIER_ALIAS} ELSE {TIER_PREFIX} END) AS tier, "
                    f"MIN(length(n.key)) AS size, d.name_key FROM search_name n "
                    f"JOIN search_document d ON d.id = n.doc_id WHERE ({ranges}){where}{restrict} "
                    f"GROUP BY n.doc_id, d.name_key ORDER BY tier, size, d.name_key, n.doc_id LIMIT %s",
                    [*keys, *keys, *range_params, *params, *restrict_params, NAME_TIER_LIMIT],
                )
                seen = set(pinned)
                out += [(doc_id, tier) for doc_id, tier, _, _ in cursor.fetchall() if doc_id not in seen]
        return out

    def _outside(self, matched_sql: str, params: list, ids: list[int]) -> list[int]:
        """Those of ``ids`` the full-text match does not include."""
        if not ids:
            return []
        marks = ", ".join(["%s"] * len(ids))
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT m.id FROM ({matched_sql}) m WHERE m.id IN ({marks})", [*params, *ids])
            inside = {row[0] for row in cursor.fetchall()}
        return [i for i in ids if i not in inside]

    def _facets_of(self, ids: list[int]) -> dict[str, dict[str, int]]:
        marks = ", ".join(["%s"] * len(ids))
        return self.facet_counts(f"SELECT id FROM search_document WHERE id IN ({marks})", list(ids))

    # --- step two: text ------------------------------------------------------------------------------

    def _top_ids(self, query, filters, offset: int, limit: int, any_term: bool, exclude: list[int]) -> list[int]:
        raise NotImplementedError

    def _rows(self, query, ids: list[int], any_term: bool) -> list[Row]:
        """The result rows of these documents, with snippets around the matched words."""
        raise NotImplementedError

    @staticmethod
    def exclusion(column: str, ids: list[int]) -> tuple[str, list]:
        if not ids:
            return "", []
        return f" AND {column} NOT IN ({', '.join(['%s'] * len(ids))})", list(ids)

    def _plain_rows(self, ids: list[int]) -> list[Row]:
        if not ids:
            return []
        columns = ", ".join(f"d.{c}" for c in RESULT_COLUMNS)
        marks = ", ".join(["%s"] * len(ids))
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns}, substr(d.summary, 1, 220) FROM search_document d WHERE d.id IN ({marks})", ids)
            return [row_from(r[:-1], r[-1]) for r in cursor.fetchall()]

    def _listing_ids(self, filters, offset: int, limit: int, exclude: list[int]) -> list[int]:
        where, params = filter_sql(filters, "d.id", "%s")
        skip, skip_params = self.exclusion("d.id", exclude)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id FROM search_document d WHERE 1=1{where}{skip} ORDER BY d.name_key, d.id LIMIT %s OFFSET %s",
                [*params, *skip_params, limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]

    # --- top lists (search.toplists): a backend that ranks from them overrides the first group -------

    ranks_top_lists = False

    def single_index_term(self, query: ParsedQuery) -> str | None:
        """The one index term a query comes down to (a single word, or the start of a word only one
        index term begins with), or None."""
        return None

    def rebuild_vocabulary(self) -> None:
        """Read again, from the whole index, the index terms and how many documents hold each (for a
        backend whose full-text engine keeps no vocabulary of its own)."""

    def add_to_vocabulary(self, terms: set[str]) -> None:
        """Index terms that documents just written hold, so the vocabulary never misses one."""

    def frequent_terms(self, min_documents: int) -> list[tuple[str, int]]:
        return []

    def document_counts(self, terms: list[str]) -> dict[str, int]:
        return {}

    def fill_top_list(self, term_id: int, term: str, size: int, count_limit: int | None, facets: bool = True) -> None:
        raise NotImplementedError

    def fill_top_lists(self, listed: dict[str, int], size: int, count_limit: int | None) -> None:
        """Every list at once (``listed``: term -> its SearchTopTerm id), after a rebuild emptied them."""
        for term, term_id in sorted(listed.items()):
            self.fill_top_list(term_id, term, size, count_limit)

    def index_terms_of(self, doc_ids: list[int]) -> dict[int, set[str]]:
        return {}

    # shared: reading a page and the counts from a list

    def _listed_ids(self, query, filters, offset: int, limit: int, any_term: bool, exclude) -> list[int] | None:
        """The page from the list of the one term the query comes down to, or None (rank in full)."""
        from .. import toplists

        term = None if any_term else self.single_index_term(query)
        if term is None or offset + limit > toplists.size():
            return None
        return self._top_from_list(term, filters, offset, limit, exclude)

    def _top_from_list(self, term: str, filters, offset: int, limit: int, exclude) -> list[int] | None:
        """The page from the term's list, or None when the list cannot give the whole page (no list,
        or a filter leaves fewer listed documents than the page needs)."""
        where, params = filter_sql(filters, "t.doc_id", "%s")
        skip, skip_params = self.exclusion("t.doc_id", exclude)
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT id FROM search_top_term WHERE term = %s", [term])
            found = cursor.fetchone()
            if found is None:
                return None
            cursor.execute(
                f"SELECT t.doc_id FROM search_top t WHERE t.term_id = %s{where}{skip} "
                f"ORDER BY t.score, t.doc_id LIMIT %s OFFSET %s",
                [found[0], *params, *skip_params, limit, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
        return ids if len(ids) == limit else None

    def keep_facet_counts(self, term_id: int, matched_sql: str, params: list, count_limit: int | None) -> None:
        """Keep with a term's list the facet counts of a search for the term alone (``matched_sql``
        selects its matches), as ``bounded_facet_counts`` takes them: what ``stored_facet_counts`` reads."""
        counts, approximate = self.bounded_facet_counts(matched_sql, params, count_limit)
        with self.connection.cursor() as cursor:
            cursor.execute("UPDATE search_top_term SET facets = %s, count_limit = %s WHERE id = %s",
                           [json.dumps({"counts": counts, "approximate": approximate}), count_limit, term_id])

    def stored_facet_counts(self, query: ParsedQuery, filters, any_term: bool, count_limit: int | None):
        """The facet counts kept with a listed term, for a search for that term alone, or None."""
        if filters or any_term or count_limit is None:
            return None
        term = self.single_index_term(query)
        if term is None:
            return None
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT facets FROM search_top_term WHERE term = %s AND count_limit = %s", [term, count_limit])
            found = cursor.fetchone()
        if not found or not found[0]:
            return None
        stored = json.loads(found[0])
        return stored["counts"], stored["approximate"]

    # --- counting ------------------------------------------------------------------------------------

    def bounded_facet_counts(self, matched_sql: str, params: list, limit: int | None) -> tuple[dict, bool]:
        """Facet counts over the matches, or over the first ``limit`` of them when there are more
        (then the counts are lower bounds, and the second value says so)."""
        if limit is None:
            return self.facet_counts(matched_sql, params), False
        counts = self.facet_counts(f"SELECT id FROM ({matched_sql}) b LIMIT {int(limit)}", params)
        if sum(counts.get("status", {}).values()) < limit:
            return counts, False
        # exactly `limit` counted: one more match makes them lower bounds. Asking for it walks ids only,
        # not facet rows (counting limit + 1 and then limit again cost a second facet scan)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM ({matched_sql}) b LIMIT 1 OFFSET {int(limit)}", params)
            return counts, cursor.fetchone() is not None

    def match_ids_sql(self, query: ParsedQuery) -> tuple[str, list]:
        """SQL selecting the ids of matching documents, for use in `id IN (...)`."""
        return self._matched(query, {}, False)

    @staticmethod
    def ranked_rows(records) -> list[Row]:
        """Rows from (result columns..., tier, summary snippet, details snippet) records: the summary's
        snippet unless only the details matched."""
        rows = []
        for record in records:
            summary, details = record[-2], record[-1]
            snippet = summary if MARK_START in (summary or "") or MARK_START not in (details or "") else details
            rows.append(row_from(record[: len(RESULT_COLUMNS)], snippet, record[len(RESULT_COLUMNS)]))
        return rows

    def word_exists(self, word: str) -> bool:
        """Whether any indexed document contains the word (so it is not a typo to correct)."""
        sql, params = self.match_ids_sql(ParsedQuery(raw=word, terms=[Term((word,))]))
        with self.connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT 1", params)
            return cursor.fetchone() is not None

    def facet_counts(self, matched_sql: str, params: list) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        with self.connection.cursor() as cursor:
            cursor.execute(FACET_COUNTS_SQL.format(matched=matched_sql), params)
            for facet, value, n in cursor.fetchall():
                counts.setdefault(facet, {})[value] = n
        return counts
