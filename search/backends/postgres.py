"""PostgreSQL backend: weighted tsvector with a GIN index, ts_rank_cd, ts_headline; pg_trgm for typos."""

from __future__ import annotations

import re
from contextlib import contextmanager

from .. import toplists
from ..query import ParsedQuery, Phrase, Term


def parse_word(word: str) -> ParsedQuery:
    return ParsedQuery(raw=word, terms=[Term((word,))])
from .base import RESULT_COLUMNS, TIER_TEXT, SearchBackend, filter_sql

_STEMS: dict[str, str | None] = {}  # typed word -> its one lexeme (the text search configuration is fixed)
_ONE_LEXEME = re.compile(r"'((?:[^']|'')*)'")
LISTS_PER_PASS = 250  # lexemes whose lists one statement of a rebuild fills (bounds the sort it needs)
HEADLINE_OPTIONS = "StartSel=\x02, StopSel=\x03, MaxWords=32, MinWords=14, MaxFragments=1, FragmentDelimiter=\" … \""
# normalisation 1: divide the rank by 1 + log(document length), so long entries do not win by volume


def _lexeme(token: str, prefix: bool = False) -> str:
    return "'" + token.replace("'", "''") + "'" + (":*" if prefix else "")


def _literal(lexeme: str) -> str:
    """A lexeme as a tsquery literal (cast with ::tsquery, so it is not normalised again)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _term(term: Term) -> str:
    if len(term.parts) == 1:
        token = term.parts[0]
        return f"({_lexeme(token)} | {_lexeme(token, True)})" if term.prefix else _lexeme(token)
    parts = [_lexeme(p) for p in term.parts[:-1]] + [_lexeme(term.parts[-1], term.prefix)]
    return f"(({' <-> '.join(parts)}) | {_lexeme(term.joined, term.prefix)})"


def _phrase(phrase: Phrase) -> str:
    return "(" + " <-> ".join(_lexeme(t) for t in phrase.tokens) + ")"


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def empty(self, tables: list[str]) -> None:
        """One TRUNCATE for all the tables: no row is visited, and the GIN index starts empty."""
        if tables:
            with self.connection.cursor() as cursor:
                cursor.execute("TRUNCATE " + ", ".join(self.connection.ops.quote_name(t) for t in tables))

    @contextmanager
    def bulk_load(self):
        """After the rebuild: the GIN indexes' pending lists merged into the indexes, and the index
        tables analysed. A GIN index takes a bulk insert into an unsorted pending list that every
        search must read through; 10,000 documents left 446 pending pages, which made the planner
        scan every document for a rare word (33 ms instead of 0.06 ms)."""
        yield
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin' "
                "AND i.indrelid IN ('search_document'::regclass, 'search_term'::regclass)"
            )
            cursor.execute("ANALYZE search_document, search_term, search_name, search_facet, search_facet_value, search_compound")

    def match_expression(self, query: ParsedQuery, any_term: bool = False) -> str:
        parts = [_term(t) for t in query.terms] + [_phrase(p) for p in query.phrases]
        expression = (" | " if any_term else " & ").join(parts)
        if query.excluded:
            expression = f"({expression}) & !({' | '.join(_term(t) for t in query.excluded)})"
        return expression

    def _matched(self, query: ParsedQuery, filters, any_term: bool) -> tuple[str, list]:
        where, params = filter_sql(filters, "d.id", "%s")
        if query.is_empty:
            return f"SELECT d.id FROM search_document d WHERE TRUE{where}", params
        return (
            f"SELECT d.id FROM search_document d WHERE d.vector @@ to_tsquery('english', %s){where}",
            [self.match_expression(query, any_term), *params],
        )

    def key_range(self) -> str:
        return 'n.key COLLATE "C" >= %s AND n.key COLLATE "C" < %s'

    def _top_ids(self, query, filters, offset, limit, any_term, exclude) -> list[int]:
        if query.is_empty:
            return self._listing_ids(filters, offset, limit, exclude)
        listed = self._listed_ids(query, filters, offset, limit, any_term, exclude)
        if listed is not None:
            return listed
        where, params = filter_sql(filters, "d.id", "%s")
        skip, skip_params = self.exclusion("d.id", exclude)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id FROM search_document d, to_tsquery('english', %s) q "
                f"WHERE d.vector @@ q{where}{skip} ORDER BY ts_rank_cd(d.vector, q, 1) DESC, d.id LIMIT %s OFFSET %s",
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
                f"WITH q AS (SELECT to_tsquery('english', %s) AS query) "
                f"SELECT {columns}, {TIER_TEXT}, ts_headline('english', d.summary, q.query, %s), "
                f"ts_headline('english', d.details, q.query, %s) FROM search_document d, q "
                f"WHERE d.id IN ({marks}) AND d.vector @@ q.query",
                [self.match_expression(query, any_term), HEADLINE_OPTIONS, HEADLINE_OPTIONS, *ids],
            )
            rows = self.ranked_rows(cursor.fetchall())
        found = {row.id for row in rows}
        return rows + self._plain_rows([i for i in ids if i not in found])

    def word_exists(self, word: str) -> bool:
        # A materialized CTE is planned on its own: a plain "... LIMIT 1" made the planner expect an early
        # hit and scan every document for a word found nowhere (0.5 s at 100k) instead of one GIN lookup
        with self.connection.cursor() as cursor:
            cursor.execute(
                "WITH matched AS MATERIALIZED (SELECT d.id FROM search_document d "
                "WHERE d.vector @@ to_tsquery('english', %s)) SELECT 1 FROM matched LIMIT 1",
                [self.match_expression(parse_word(word))],
            )
            return cursor.fetchone() is not None

    def similar_terms(self, word: str, limit: int = 5) -> list[tuple[str, float]]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT term, similarity(term, %s) AS s FROM search_term WHERE term %% %s ORDER BY s DESC, term LIMIT %s",
                [word, word, limit],
            )
            return [(term, float(score)) for term, score in cursor.fetchall()]

    # --- top lists (search.toplists) ------------------------------------------------------------------

    ranks_top_lists = True

    def single_index_term(self, query: ParsedQuery) -> str | None:
        """The one lexeme a query comes down to: a single word's own (as to_tsquery normalises it), or,
        for a word being typed, the only lexeme of the vocabulary that starts with it. A typed word's
        query ('w' | 'w':*) scores exactly as its one lexeme's does: ts_rank_cd sums the same covers."""
        if query.phrases or query.excluded or len(query.terms) != 1 or len(query.terms[0].parts) != 1:
            return None
        if not toplists.min_documents():  # without lists the vocabulary is not kept up to date
            return None
        term = query.terms[0]
        stem = self._stem(term.parts[0])
        if stem is None or not term.prefix:
            return stem
        with self.connection.cursor() as cursor:
            cursor.execute(
                'SELECT term FROM search_lexeme WHERE term COLLATE "C" >= %s AND term COLLATE "C" < %s '
                'ORDER BY term COLLATE "C" LIMIT 2',
                [stem, stem + "\U0010ffff"],
            )
            found = [row[0] for row in cursor.fetchall()]
        return found[0] if len(found) == 1 else None

    def _stem(self, word: str) -> str | None:
        if word not in _STEMS:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT to_tsquery('english', %s)::text", [_lexeme(word)])
                normalised = cursor.fetchone()[0] or ""
            one = _ONE_LEXEME.fullmatch(normalised.strip())
            if len(_STEMS) > 50_000:
                _STEMS.clear()
            _STEMS[word] = one.group(1).replace("''", "'") if one else None
        return _STEMS[word]

    def rebuild_vocabulary(self) -> None:
        """Every lexeme of the document vectors with its document count, read in one pass (ts_stat)."""
        with self.connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_lexeme")
            cursor.execute(
                "INSERT INTO search_lexeme (term, documents) "
                "SELECT word, ndoc FROM ts_stat('SELECT vector FROM search_document')"
            )

    def add_to_vocabulary(self, terms: set[str]) -> None:
        if terms:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO search_lexeme (term, documents) SELECT t, 0 FROM unnest(%s::text[]) t "
                    "ON CONFLICT (term) DO NOTHING",
                    [sorted(terms)],
                )

    def frequent_terms(self, min_documents: int) -> list[tuple[str, int]]:
        """Lexemes held by at least this many documents at the last :meth:`rebuild_vocabulary`."""
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT term, documents FROM search_lexeme WHERE documents >= %s ORDER BY term", [min_documents])
            return cursor.fetchall()

    def document_counts(self, terms: list[str]) -> dict[str, int]:
        """How many documents hold each lexeme now: one index lookup per lexeme, in one statement."""
        if not terms:
            return {}
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.lexeme, (SELECT count(*) FROM search_document d WHERE d.vector @@ t.query) "
                "FROM unnest(%s::text[], %s::tsquery[]) AS t(lexeme, query)",
                [list(terms), [_literal(term) for term in terms]],
            )
            return dict(cursor.fetchall())

    def fill_top_list(self, term_id: int, term: str, size: int, count_limit: int | None, facets: bool = True) -> None:
        """The lexeme's best documents by the score and order ``_top_ids`` ranks them with (stored
        negated, so that the list reads best first in ascending order, as on SQLite), and the facet
        counts of a search for it as ``bounded_facet_counts`` takes them (kept with ``facets=False``)."""
        literal = _literal(term)
        with self.connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_top WHERE term_id = %s", [term_id])
            cursor.execute(
                "INSERT INTO search_top (term_id, doc_id, score) SELECT %s, d.id, -ts_rank_cd(d.vector, q, 1) "
                "FROM search_document d, CAST(%s AS tsquery) q WHERE d.vector @@ q "
                "ORDER BY ts_rank_cd(d.vector, q, 1) DESC, d.id LIMIT %s",
                [term_id, literal, size],
            )
        if facets:
            self._keep_lexeme_facets(term_id, term, count_limit)

    def _keep_lexeme_facets(self, term_id: int, term: str, count_limit: int | None) -> None:
        self.keep_facet_counts(term_id, "SELECT d.id FROM search_document d WHERE d.vector @@ %s::tsquery",
                               [_literal(term)], count_limit)

    def fill_top_lists(self, listed: dict[str, int], size: int, count_limit: int | None) -> None:
        """All lists, LISTS_PER_PASS terms per statement: one pass over the documents' lexemes scores
        each (document, listed lexeme) pair once and keeps each lexeme's best ``size`` of them, instead
        of one ranking of every match per lexeme (which read each document's vector once per lexeme:
        17 s for the 120 lists at 10k, 5 s this way, the same rows). The lists start empty."""
        terms = sorted(listed)
        with self.connection.cursor() as cursor:
            for start in range(0, len(terms), LISTS_PER_PASS):
                chunk = terms[start : start + LISTS_PER_PASS]
                cursor.execute(
                    "INSERT INTO search_top (term_id, doc_id, score) SELECT term_id, doc_id, -r FROM ("
                    " SELECT term_id, doc_id, r, row_number() OVER (PARTITION BY term_id ORDER BY r DESC, doc_id) AS n"
                    " FROM (SELECT t.term_id, d.id AS doc_id, ts_rank_cd(d.vector, t.query, 1) AS r"
                    "  FROM search_document d CROSS JOIN LATERAL unnest(d.vector) u"
                    "  JOIN unnest(%s::text[], %s::bigint[], %s::tsquery[]) AS t(lexeme, term_id, query)"
                    "  ON t.lexeme = u.lexeme) scored) ranked WHERE n <= %s",
                    [chunk, [listed[t] for t in chunk], [_literal(t) for t in chunk], size],
                )
        for term in terms:
            self._keep_lexeme_facets(listed[term], term, count_limit)
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE search_top, search_top_term, search_lexeme")

    def index_terms_of(self, doc_ids: list[int]) -> dict[int, set[str]]:
        """The lexemes each of these documents' vector holds now."""
        terms: dict[int, set[str]] = {}
        if doc_ids:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT d.id, u.lexeme FROM search_document d, unnest(d.vector) u WHERE d.id = ANY(%s)",
                    [list(doc_ids)],
                )
                for doc, term in cursor.fetchall():
                    terms.setdefault(doc, set()).add(term)
        return terms
