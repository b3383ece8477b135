"""SQLite backend: FTS5 with bm25 column weights and snippets; an FTS5 trigram table for typos."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import OperationalError

from ..query import ParsedQuery, Phrase, Term
from ..text import similarity
from .base import RESULT_COLUMNS, TIER_TEXT, SearchBackend, filter_sql

# title, aliases, variants, organisations, licences, platforms, summary, details
WEIGHTS = "10.0, 8.0, 6.0, 3.0, 3.0, 2.0, 1.0, 0.25"
SUMMARY_COLUMN, DETAILS_COLUMN = 6, 7
FTS_TEXT = ["title", "aliases", "variants", "organisations", "licences", "platforms", "summary", "details"]
_ALL_TEXT = " || ' ' || ".join(f"coalesce({c}, '')" for c in FTS_TEXT)
SNIPPET_TOKENS = 18
TOKENIZER = "porter unicode61 remove_diacritics 2"  # as search_fts was created (migration 0002)
# A typed word that ends the query also matches the index terms that start with it. FTS5 answers such a
# prefix query by merging every one of those terms' document lists in memory before it returns its first
# row, so a frequent word cost a walk over all its matches in each statement (the page, its snippets,
# the bounded counts). Up to this many index terms, the prefix is spelled out as the terms themselves,
# which FTS5 reads lazily; a shorter prefix with more completions stays a prefix query.
MAX_COMPLETIONS = 24
_STEMS: dict[str, str | None] = {}  # typed word -> its one index term (the tokenizer is fixed)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _term(term: Term, completions: dict[str, list[str] | None] | None = None) -> str:
    star = "*" if term.prefix else ""
    if len(term.parts) == 1:
        token = _quote(term.parts[0])
        if not term.prefix:
            return token
        spelled = (completions or {}).get(term.parts[0])
        if spelled:  # the typed word's own term is the first of them when it is in the index
            return "(" + " OR ".join(_quote(c) for c in spelled) + ")"
        if spelled is not None:  # nothing in the index starts with it
            return token
        return f"({token} OR {token}*)"
    phrase = _quote(" ".join(term.parts)) + star
    return f"({phrase} OR {_quote(term.joined)}{star})"


def _phrase(phrase: Phrase) -> str:
    return _quote(" ".join(phrase.tokens))


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"

    def __init__(self, connection):
        super().__init__(connection)
        self._completions: dict[str, list[str] | None] = {}

    @contextmanager
    def bulk_load(self):
        """The full-text tables are kept by triggers, one row at a time, deleting an old row by
        tokenizing it again. A rebuild drops those triggers, writes the documents and terms plainly,
        builds both full-text indexes from them in one pass each (FTS5's ``rebuild``) and puts the
        triggers back as they were; the transaction undoes all of it if anything fails."""
        assert self.connection.in_atomic_block, "bulk_load runs inside a transaction"
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name IN ('search_document', 'search_term') ORDER BY name"
            )
            triggers = cursor.fetchall()
            for name, _ in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        yield
        with self.connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            cursor.execute("INSERT INTO search_term_trigram(search_term_trigram) VALUES ('rebuild')")
            for _, sql in triggers:
                cursor.execute(sql)

    def match_expression(self, query: ParsedQuery, any_term: bool = False) -> str:
        words = [t.parts[0] for t in [*query.terms, *query.excluded] if t.prefix and len(t.parts) == 1]
        completions = self.completions(words)
        parts = [_term(t, completions) for t in query.terms] + [_phrase(p) for p in query.phrases]
        expression = (" OR " if any_term else " AND ").join(parts)
        if query.excluded:
            expression = f"({expression}) NOT ({' OR '.join(_term(t, completions) for t in query.excluded)})"
        return expression

    # --- prefixes spelled out ------------------------------------------------------------------------

    def _ensure_helpers(self, cursor) -> None:
        """Per-connection helpers in the temp schema: the index's vocabulary, and an empty table with
        the index's tokenizer that turns a typed word into its index term (FTS5 stems prefixes too)."""
        raw = self.connection.connection
        if getattr(self.connection, "_licensedb_fts_helpers", None) is raw:
            return
        cursor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.licensedb_vocab USING fts5vocab(main, search_fts, row)")
        cursor.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.licensedb_stemmer USING fts5(word, tokenize='{TOKENIZER}')")
        cursor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.licensedb_stems USING fts5vocab(temp, licensedb_stemmer, instance)")
        self.connection._licensedb_fts_helpers = raw

    def _stems(self, cursor, words: list[str]) -> dict[str, str | None]:
        """Each word's index term, or None when the tokenizer makes other than one term of it."""
        missing = [w for w in dict.fromkeys(words) if w not in _STEMS]
        if missing:
            cursor.executemany("INSERT INTO temp.licensedb_stemmer(rowid, word) VALUES (%s, %s)",
                               list(enumerate(missing, start=1)))
            cursor.execute("SELECT doc, term FROM temp.licensedb_stems")
            found: dict[int, list[str]] = {}
            for doc, stem in cursor.fetchall():
                found.setdefault(doc, []).append(stem)
            cursor.execute("DELETE FROM temp.licensedb_stemmer")
            if len(_STEMS) > 50_000:
                _STEMS.clear()
            for i, word in enumerate(missing, start=1):
                stems = found.get(i, [])
                _STEMS[word] = stems[0] if len(stems) == 1 else None
        return {w: _STEMS[w] for w in words}

    def completions(self, words: list[str]) -> dict[str, list[str] | None]:
        """The index terms each typed word is the start of, or None to leave it a prefix query (too
        many of them, or a term the tokenizer would not give back unchanged)."""
        wanted = [w for w in words if w not in self._completions]
        if wanted:
            try:
                self._complete(wanted)
            except OperationalError:
                # the helpers went with a rolled-back transaction that created them: make them again
                self.connection._licensedb_fts_helpers = None
                self._complete(wanted)
        return {w: self._completions[w] for w in words}

    def _complete(self, wanted: list[str]) -> None:
        if wanted:
            with self.connection.cursor() as cursor:
                self._ensure_helpers(cursor)
                stems = self._stems(cursor, wanted)
                for word in wanted:
                    stem = stems[word]
                    if stem is None:
                        self._completions[word] = None
                        continue
                    cursor.execute(
                        "SELECT term FROM temp.licensedb_vocab WHERE term >= %s AND term < %s ORDER BY term LIMIT %s",
                        [stem, stem + "\U0010ffff", MAX_COMPLETIONS + 1],
                    )
                    terms = [row[0] for row in cursor.fetchall()]
                    if len(terms) > MAX_COMPLETIONS:
                        self._completions[word] = None
                        continue
                    # a quoted term goes through the tokenizer again: spell out only terms it keeps
                    again = self._stems(cursor, terms)
                    self._completions[word] = terms if all(again[t] == t for t in terms) else None

    def _matched(self, query: ParsedQuery, filters, any_term: bool) -> tuple[str, list]:
        # "+rowid": a facet filter is checked on each match, not handed to FTS5 as a rowid constraint,
        # which made SQLite run the full-text query once per filtered document (2 s at 10k)
        where, params = filter_sql(filters, "+rowid" if not query.is_empty else "id", "%s")
        if query.is_empty:
            return f"SELECT id FROM search_document WHERE 1=1{where}", params
        return (
            f"SELECT rowid AS id FROM search_fts WHERE search_fts MATCH %s{where}",
            [self.match_expression(query, any_term), *params],
        )

    def _top_ids(self, query, filters, offset, limit, any_term, exclude) -> list[int]:
        if query.is_empty:
            return self._listing_ids(filters, offset, limit, exclude)
        listed = self._listed_ids(query, filters, offset, limit, any_term, exclude)
        if listed is not None:
            return listed
        where, params = filter_sql(filters, "+search_fts.rowid", "%s")  # see _matched
        skip, skip_params = self.exclusion("search_fts.rowid", exclude)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT search_fts.rowid FROM search_fts WHERE search_fts MATCH %s{where}{skip} "
                f"ORDER BY bm25(search_fts, {WEIGHTS}), search_fts.rowid LIMIT %s OFFSET %s",
                [self.match_expression(query, any_term), *params, *skip_params, limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]

    # --- top lists (search.toplists) ------------------------------------------------------------------

    ranks_top_lists = True

    def single_index_term(self, query: ParsedQuery) -> str | None:
        """The one index term a query comes down to (a single word, or the start of a word only one
        index term begins with), or None."""
        if query.phrases or query.excluded or len(query.terms) != 1 or len(query.terms[0].parts) != 1:
            return None
        term = query.terms[0]
        word = term.parts[0]
        if term.prefix:
            spelled = self.completions([word])[word]
            return spelled[0] if spelled and len(spelled) == 1 else None
        try:
            return self._stem(word)
        except OperationalError:
            self.connection._licensedb_fts_helpers = None
            return self._stem(word)

    def _stem(self, word: str) -> str | None:
        with self.connection.cursor() as cursor:
            self._ensure_helpers(cursor)
            return self._stems(cursor, [word])[word]

    def frequent_terms(self, min_documents: int) -> list[tuple[str, int]]:
        """Index terms found in at least this many documents that a quoted query matches exactly."""
        with self.connection.cursor() as cursor:
            self._ensure_helpers(cursor)
            cursor.execute("SELECT term, doc FROM temp.licensedb_vocab WHERE doc >= %s ORDER BY term", [min_documents])
            found = cursor.fetchall()
            again = self._stems(cursor, [term for term, _ in found])
        return [(term, n) for term, n in found if again[term] == term]

    def document_counts(self, terms: list[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self.connection.cursor() as cursor:
            self._ensure_helpers(cursor)
            for start in range(0, len(terms), 500):
                chunk = terms[start : start + 500]
                cursor.execute(f"SELECT term, doc FROM temp.licensedb_vocab WHERE term IN ({', '.join(['%s'] * len(chunk))})", chunk)
                counts.update(cursor.fetchall())
        return counts

    def fill_top_list(self, term_id: int, term: str, size: int, count_limit: int | None, facets: bool = True) -> None:
        """The term's best documents by the same score and order as ``_top_ids`` ranks them, and the
        facet counts of a search for it as ``bounded_facet_counts`` takes them (kept as they are with
        ``facets=False``)."""
        with self.connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_top WHERE term_id = %s", [term_id])
            cursor.execute(
                f"INSERT INTO search_top (term_id, doc_id, score) SELECT %s, rowid, bm25(search_fts, {WEIGHTS}) "
                f"FROM search_fts WHERE search_fts MATCH %s ORDER BY bm25(search_fts, {WEIGHTS}), rowid LIMIT %s",
                [term_id, _quote(term), size],
            )
        if facets:
            self.keep_facet_counts(term_id, "SELECT rowid AS id FROM search_fts WHERE search_fts MATCH %s",
                                   [_quote(term)], count_limit)

    def index_terms_of(self, doc_ids: list[int]) -> dict[int, set[str]]:
        """The index terms each of these documents' text holds now (through the index's own tokenizer)."""
        terms: dict[int, set[str]] = {}
        with self.connection.cursor() as cursor:
            self._ensure_helpers(cursor)
            for start in range(0, len(doc_ids), 500):
                chunk = doc_ids[start : start + 500]
                cursor.execute(
                    f"INSERT INTO temp.licensedb_stemmer(rowid, word) SELECT id, "
                    f"{_ALL_TEXT} FROM search_document WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                cursor.execute("SELECT DISTINCT doc, term FROM temp.licensedb_stems")
                for doc, term in cursor.fetchall():
                    terms.setdefault(doc, set()).add(term)
                cursor.execute("DELETE FROM temp.licensedb_stemmer")
        return terms

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

