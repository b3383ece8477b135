"""The interface both search backends implement, and the SQL they share."""

from __future__ import annotations

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
    document ids (``_matched``), the ranked page with highlighted snippets (``_ranked``) and typo
    candidates (``similar_terms``).
    """

    vendor = ""

    def __init__(self, connection):
        self.connection = connection

    def match_expression(self, query: ParsedQuery, any_term: bool = False) -> str:
        raise NotImplementedError

    def _matched(self, query: ParsedQuery, filters: dict[str, list[str]], any_term: bool) -> tuple[str, list]:
        raise NotImplementedError

    def _ranked(self, query: ParsedQuery, filters: dict[str, list[str]], offset: int, limit: int,
                any_term: bool) -> list[Row]:
        raise NotImplementedError

    def similar_terms(self, word: str, limit: int = 5) -> list[tuple[str, float]]:
        raise NotImplementedError

    def search(self, query: ParsedQuery, filters: dict[str, list[str]], offset: int, limit: int,
               any_term: bool = False, facets: bool = True) -> BackendResult:
        if query.is_empty:
            rows = self._listing(filters, offset, limit)
        else:
            rows = self._ranked(query, filters, offset, limit, any_term)
        if not facets:  # the caller has the counts already
            return BackendResult(rows=rows, count=-1)
        # one pass gives every facet's counts, and the total (each document has exactly one status)
        counts = self.facet_counts(*self._matched(query, filters, any_term))
        return BackendResult(rows=rows, count=sum(counts.get("status", {}).values()), facets=counts)

    def match_ids_sql(self, query: ParsedQuery) -> tuple[str, list]:
        """SQL selecting the ids of matching documents, for use in `id IN (...)`."""
        return self._matched(query, {}, False)

    def _listing(self, filters: dict[str, list[str]], offset: int, limit: int) -> list[Row]:
        columns = ", ".join(f"d.{c}" for c in RESULT_COLUMNS)
        where, params = filter_sql(filters, "d.id", "%s")
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns}, substr(d.summary, 1, 220) FROM search_document d WHERE 1=1{where} "
                "ORDER BY d.name_key, d.id LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            return [row_from(r[:-1], r[-1]) for r in cursor.fetchall()]

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
