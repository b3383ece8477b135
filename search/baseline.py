"""The benchmark's baseline: the best plain SQL we could write for each answer the API gives.

Written from what the answer must contain (the ranked first page of 20 with snippets, the total, and
the count of every facet value among the matches), not from the backend's code, so a slow query design
in the backend shows as a ratio above 1 instead of being copied. It talks to the database with the
bare driver (``sqlite3`` / ``psycopg``), outside Django, on the same file or database and the same
full-text index the site serves.

Per answer, on SQLite (FTS5):

- first page: the 20 best ``bm25`` matches, which FTS5 picks with a bounded heap (``ORDER BY bm25
  LIMIT``), plus the entries whose name starts with the query (an index range on ``name_key``),
  merged with name matches first; snippets for those 20 only;
- facets and total: one ``GROUP BY`` of the facet rows of the matches (the total is the sum of the
  ``status`` facet, which every entry has exactly once);
- a word found nowhere: the closest name word by trigrams (pg_trgm's similarity, at least 0.3, as for
  a correction a person would accept), then the same again;
- several words no entry has together: the entries with any of them.

PostgreSQL does the same with ``@@`` on the GIN-indexed ``tsvector``, ``ts_rank_cd``, ``ts_headline``
and ``pg_trgm``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from urllib.parse import urlparse

PAGE = 20
WEIGHTS = "10.0, 8.0, 6.0, 3.0, 3.0, 2.0, 1.0, 0.25"
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Answer:
    slugs: list[str]
    count: int
    facets: dict[int, int]


def connect(database_url: str):
    """A bare DB-API connection to the benchmark database."""
    if database_url.startswith("sqlite"):
        import sqlite3

        path = database_url.split(":///", 1)[1]
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        return conn, "sqlite"
    import psycopg

    parts = urlparse(database_url)
    conn = psycopg.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username or None,
                           password=parts.password or None, dbname=parts.path.lstrip("/"), autocommit=True)
    return conn, "postgresql"


def words_of(q: str) -> list[str]:
    return _WORD.findall(q.lower())


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's similarity: the share of trigrams two words have in common, each word padded with two
    spaces before and one after. Written here again, not imported from ``search.text``, so that the
    baseline stays independent of the code it measures."""
    grams = [{f"  {w} "[i:i + 3] for i in range(len(w) + 1)} for w in (a, b)]
    return len(grams[0] & grams[1]) / len(grams[0] | grams[1])


class Baseline:
    def __init__(self, database_url: str):
        self.conn, self.vendor = connect(database_url)
        self.p = "?" if self.vendor == "sqlite" else "%s"

    def _rows(self, sql: str, params=()) -> list[tuple]:
        cursor = self.conn.cursor()
        cursor.execute(sql.replace("%s", self.p) if self.vendor == "sqlite" else sql, list(params))
        rows = cursor.fetchall()
        cursor.close()
        return rows

    # --- match expressions ----------------------------------------------------------------------
    def _fts(self, words: list[str], prefix: bool, phrase: bool, any_word: bool = False) -> str:
        if phrase:
            return '"' + " ".join(words) + '"'
        parts = [f'"{w}"' for w in words]
        if prefix:
            parts[-1] += "*"
        return (" OR " if any_word else " AND ").join(parts)

    def _tsquery(self, words: list[str], prefix: bool, phrase: bool, weight: str = "", any_word: bool = False) -> str:
        joiner = " <-> " if phrase else " | " if any_word else " & "
        marks = ["*" if prefix and not phrase and i == len(words) - 1 else "" for i in range(len(words))]
        return joiner.join(f"'{w}'" + (f":{m}{weight}" if m or weight else "") for w, m in zip(words, marks))

    # --- answers --------------------------------------------------------------------------------
    def search(self, q: str, filter_value: tuple[str, str] | None = None) -> Answer:
        """The answer to ``GET /api/v1/search/?q=<q>`` (with one facet filter, for filter-only queries)."""
        phrase = q.startswith('"') and q.endswith('"')
        words = words_of(q)
        prefix = not q.endswith((" ", '"'))
        if not words:
            return self._filtered(filter_value)
        answer = self._page(words, prefix, phrase)
        if answer.count == 0 and not phrase:
            fixed = [self._closest(w) or w for w in words]
            if fixed != words:
                corrected = self._page(fixed, False, False)
                if corrected.count:
                    answer, words, prefix = corrected, fixed, False
        if answer.count == 0 and len(words) > 1:
            answer = self._page(words, prefix, False, any_word=True)
        return answer

    def _page(self, words, prefix, phrase, any_word=False) -> Answer:
        name = "" if any_word else "".join(words)
        if self.vendor == "sqlite":
            match = self._fts(words, prefix, phrase, any_word)
            top = [r[0] for r in self._rows(
                f"SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY bm25(search_fts, {WEIGHTS}) LIMIT {PAGE}",
                [match])]
            matched = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
        else:
            match = self._tsquery(words, prefix, phrase, any_word=any_word)
            top = [r[0] for r in self._rows(
                "SELECT id FROM search_document WHERE vector @@ to_tsquery('english', %s) "
                f"ORDER BY ts_rank_cd(vector, to_tsquery('english', %s), 1) DESC LIMIT {PAGE}", [match, match])]
            matched = "SELECT id FROM search_document WHERE vector @@ to_tsquery('english', %s)"
        # names that start with the query: among the matches in the name columns only (FTS5 column
        # filter / tsvector weight A), which for any word are few, then the name-key prefix
        if self.vendor == "sqlite":
            in_names = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
            name_match = "{title aliases variants} : (" + match + ")"
        else:
            in_names = "SELECT id FROM search_document WHERE vector @@ to_tsquery('english', %s)"
            name_match = self._tsquery(words, prefix, phrase, weight="A")
        named = [r[0] for r in self._rows(
            f"SELECT id FROM search_document WHERE id IN ({in_names}) AND substr(name_key, 1, {len(name)}) = %s "
            f"ORDER BY length(name_key), name_key LIMIT {PAGE}", [name_match, name])] if name and not phrase else []
        ids = list(dict.fromkeys(named + top))[:PAGE]
        facets = dict(self._rows(
            f"SELECT f.value_id, COUNT(*) FROM search_facet f WHERE f.doc_id IN ({matched}) GROUP BY f.value_id", [match]))
        slugs = self._with_snippets(ids, match)
        return Answer(slugs, self._total(facets), facets)

    def _filtered(self, filter_value) -> Answer:
        facet, value = filter_value or ("status", "available")
        value_id = self._rows("SELECT id FROM search_facet_value WHERE facet = %s AND value = %s", [facet, value])[0][0]
        members = "SELECT doc_id FROM search_facet WHERE value_id = %s"
        slugs = [r[0] for r in self._rows(
            f"SELECT slug FROM search_document WHERE id IN ({members}) ORDER BY name_key, id LIMIT {PAGE}", [value_id])]
        facets = dict(self._rows(
            f"SELECT f.value_id, COUNT(*) FROM search_facet f WHERE f.doc_id IN ({members}) GROUP BY f.value_id", [value_id]))
        return Answer(slugs, self._total(facets), facets)

    def _total(self, facets: dict[int, int]) -> int:
        if not hasattr(self, "_status_ids"):
            self._status_ids = {r[0] for r in self._rows("SELECT id FROM search_facet_value WHERE facet = 'status'")}
        return sum(n for value_id, n in facets.items() if value_id in self._status_ids)

    def _with_snippets(self, ids: list[int], match: str) -> list[str]:
        if not ids:
            return []
        marks = ", ".join(["%s"] * len(ids))
        if self.vendor == "sqlite":
            rows = self._rows(
                "SELECT d.id, d.slug, snippet(search_fts, 6, char(2), char(3), '…', 18), "
                "snippet(search_fts, 7, char(2), char(3), '…', 18) FROM search_fts JOIN search_document d "
                f"ON d.id = search_fts.rowid WHERE search_fts MATCH %s AND search_fts.rowid IN ({marks})", [match, *ids])
        else:
            rows = self._rows(
                "SELECT id, slug, ts_headline('english', summary, to_tsquery('english', %s), 'MaxFragments=1'), "
                f"ts_headline('english', details, to_tsquery('english', %s), 'MaxFragments=1') FROM search_document "
                f"WHERE id IN ({marks})", [match, match, *ids])
        slug_of = {row[0]: row[1] for row in rows}
        return [slug_of[i] for i in ids if i in slug_of]

    def _closest(self, word: str) -> str | None:
        if len(word) < 4:
            return None
        if self.vendor == "sqlite":
            if self._rows("SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT 1", [f'"{word}"']):
                return None
            grams = " OR ".join(f'"{word[i:i + 3]}"' for i in range(len(word) - 2))
            candidates = [r[0] for r in self._rows(
                "SELECT t.term FROM search_term_trigram g JOIN search_term t ON t.id = g.rowid "
                "WHERE search_term_trigram MATCH %s ORDER BY rank LIMIT 50", [grams])]
        else:
            if self._rows("SELECT 1 FROM search_document WHERE vector @@ to_tsquery('english', %s) LIMIT 1", [f"'{word}'"]):
                return None
            candidates = [r[0] for r in self._rows(
                "SELECT term FROM search_term WHERE term %% %s ORDER BY similarity(term, %s) DESC LIMIT 50",
                [word, word])]
        scored = sorted(((trigram_similarity(word, t), t) for t in candidates), key=lambda x: (-x[0], x[1]))
        return scored[0][1] if scored and scored[0][0] >= 0.3 else None

    def timed(self, q: str, filter_value=None) -> tuple[float, Answer]:
        start = time.perf_counter()
        answer = self.search(q, filter_value)
        return (time.perf_counter() - start) * 1000, answer

    # --- picking queries the synthetic catalogue does not name in advance -------------------------
    def phrases(self, n: int) -> list[str]:
        """Two adjacent words of real summaries, quoted."""
        order = "random()" if self.vendor == "postgresql" else "random()"
        rows = self._rows(f"SELECT summary FROM search_document ORDER BY {order} LIMIT {n * 3}")
        out = []
        for (summary,) in rows:
            tokens = [w for w in words_of(summary)]
            for a, b in zip(tokens, tokens[1:]):
                if len(a) >= 5 and len(b) >= 5:
                    out.append(f'"{a} {b}"')
                    break
            if len(out) == n:
                break
        return sorted(out)

    def close(self):
        self.conn.close()
