"""SQLite backend: FTS5 with bm25 column weights and snippets; an FTS5 trigram table for typos."""

from __future__ import annotations

from ..query import ParsedQuery, Phrase, Term
from ..text import similarity
from .base import RESULT_COLUMNS, SearchBackend, filter_sql

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

    def _ranked(self, query, filters, offset, limit, any_term) -> list:
        columns = ", ".join(f"d.{c}" for c in RESULT_COLUMNS)
        where, filter_params = filter_sql(filters, "d.id", "%s")
        with self.connection.cursor() as cursor:
            match = self.match_expression(query, any_term)
            key = query.key
            tier = (
                "CASE WHEN instr(d.keys, ' ' || %s || ' ') > 0 THEN 0 "
                "WHEN instr(d.keys, ' ' || %s) > 0 THEN 1 ELSE 2 END"
                if key else "2"
            )
            tier_params = [key, key] if key else []
            cursor.execute(
                f"WITH hits AS (SELECT {columns}, {tier} AS tier, bm25(search_fts, {WEIGHTS}) AS score, d.name_key AS nk "
                f"FROM search_fts JOIN search_document d ON d.id = search_fts.rowid "
                f"WHERE search_fts MATCH %s{where} ORDER BY tier, CASE WHEN tier < 2 THEN length(nk) ELSE 0 END, score, nk, d.id LIMIT %s OFFSET %s) "
                f"SELECT hits.*, "
                f"snippet(search_fts, {SUMMARY_COLUMN}, char(2), char(3), '…', {SNIPPET_TOKENS}), "
                f"snippet(search_fts, {DETAILS_COLUMN}, char(2), char(3), '…', {SNIPPET_TOKENS}) "
                f"FROM hits JOIN search_fts ON search_fts.rowid = hits.id WHERE search_fts MATCH %s "
                f"ORDER BY hits.tier, CASE WHEN hits.tier < 2 THEN length(hits.nk) ELSE 0 END, hits.score, hits.nk, hits.id",
                [*tier_params, match, *filter_params, limit, offset, match],
            )
            return self.ranked_rows(cursor.fetchall())

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

