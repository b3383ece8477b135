"""SQLite backend: FTS5 with bm25 column weights and snippets; an FTS5 trigram table for typos."""

from __future__ import annotations

from ..query import ParsedQuery, Phrase, Term
from ..text import similarity
from .base import RESULT_COLUMNS, TIER_TEXT, SearchBackend, filter_sql

# title, aliases, variants, organisations, licences, platforms, summary, details
WEIGHTS = "10.0, 8.0, 6.0, 3.0, 3.0, 2.0, 1.0, 0.25"
SUMMARY_COLUMN, DETAILS_COLUMN = 6, 7
SNIPPET_TOKENS = 18


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _term(term: Term) -> str:
    star = "*" if term.prefix else ""
    if len(term.parts) == 1:
        token = _quote(term.parts[0])
        return f"({token} OR {token}*)" if term.prefix else token
    phrase = _quote(" ".join(term.parts)) + star
    return f"({phrase} OR {_quote(term.joined)}{star})"


def _phrase(phrase: Phrase) -> str:
    return _quote(" ".join(phrase.tokens))


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"

    def match_expression(self, query: ParsedQuery, any_term: bool = False) -> str:
        parts = [_term(t) for t in query.terms] + [_phrase(p) for p in query.phrases]
        expression = (" OR " if any_term else " AND ").join(parts)
        if query.excluded:
            expression = f"({expression}) NOT ({' OR '.join(_term(t) for t in query.excluded)})"
        return expression

    def _matched(self, query: ParsedQuery, filters, any_term: bool) -> tuple[str, list]:
        where, params = filter_sql(filters, "rowid" if not query.is_empty else "id", "%s")
        if query.is_empty:
            return f"SELECT id FROM search_document WHERE 1=1{where}", params
        return (
            f"SELECT rowid AS id FROM search_fts WHERE search_fts MATCH %s{where}",
            [self.match_expression(query, any_term), *params],
        )

    def _top_ids(self, query, filters, offset, limit, any_term, exclude) -> list[int]:
        if query.is_empty:
            return self._listing_ids(filters, offset, limit, exclude)
        where, params = filter_sql(filters, "search_fts.rowid", "%s")
        skip, skip_params = self.exclusion("search_fts.rowid", exclude)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT search_fts.rowid FROM search_fts WHERE search_fts MATCH %s{where}{skip} "
                f"ORDER BY bm25(search_fts, {WEIGHTS}), search_fts.rowid LIMIT %s OFFSET %s",
                [self.match_expression(query, any_term), *params, *skip_params, limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]

    def _rows(self, query, ids, any_term) -> list:
        if not ids or query.is_empty:
            return self._plain_rows(ids)
        columns = ", ".join(f"d.{c}" for c in RESULT_COLUMNS)
        marks = ", ".join(["%s"] * len(ids))
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns}, {TIER_TEXT}, "
                f"snippet(search_fts, {SUMMARY_COLUMN}, char(2), char(3), '…', {SNIPPET_TOKENS}), "
                f"snippet(search_fts, {DETAILS_COLUMN}, char(2), char(3), '…', {SNIPPET_TOKENS}) "
                f"FROM search_fts JOIN search_document d ON d.id = search_fts.rowid "
                f"WHERE search_fts MATCH %s AND search_fts.rowid IN ({marks})",
                [self.match_expression(query, any_term), *ids],
            )
            rows = self.ranked_rows(cursor.fetchall())
        found = {row.id for row in rows}
        return rows + self._plain_rows([i for i in ids if i not in found])

    def similar_terms(self, word: str, limit: int = 5) -> list[tuple[str, float]]:
        grams = sorted({word[i : i + 3] for i in range(len(word) - 2)})
        if not grams:
            return []
        match = " OR ".join(_quote(g) for g in grams)
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.term FROM search_term_trigram JOIN search_term t ON t.id = search_term_trigram.rowid "
                "WHERE search_term_trigram MATCH %s ORDER BY bm25(search_term_trigram) LIMIT 60",
                [match],
            )
            candidates = [row[0] for row in cursor.fetchall()]
        scored = sorted(((term, similarity(word, term)) for term in candidates), key=lambda x: (-x[1], x[0]))
        return scored[:limit]

