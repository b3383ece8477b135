"""The one query parser: any user string in, a safe structured query out.

The structure holds only tokens of letters and digits (see ``search.text``), never the user's
punctuation, so backends can build FTS5 or tsquery syntax from it without escaping problems.
Empty input is a valid "show everything" request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from licensedb.text import name_key

from .text import STOPWORDS, normalise, tokens

MAX_QUERY_LENGTH = 256
MAX_TERMS = 12


@dataclass(frozen=True)
class Term:
    """One word the user typed. ``parts`` has several tokens for "HD-VILA" or "CC-BY-4.0"."""

    parts: tuple[str, ...]
    prefix: bool = False

    @property
    def joined(self) -> str | None:
        return "".join(self.parts) if len(self.parts) > 1 else None

    @property
    def text(self) -> str:
        return "-".join(self.parts)


@dataclass(frozen=True)
class Phrase:
    tokens: tuple[str, ...]

    @property
    def text(self) -> str:
        return '"' + " ".join(self.tokens) + '"'


@dataclass
class ParsedQuery:
    raw: str
    terms: list[Term] = field(default_factory=list)
    phrases: list[Phrase] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.phrases

    @property
    def key(self) -> str:
        """The whole query as a name key, for exact and prefix name matches."""
        return name_key(" ".join(t.text for t in self.terms) if not self.phrases else self.raw)[:200]

    def words(self) -> list[str]:
        return [p for t in self.terms for p in t.parts] + [p for ph in self.phrases for p in ph.tokens]

    def text(self) -> str:
        """A normalised rendering of the query (used for suggestions and display)."""
        out = [t.text for t in self.terms] + [p.text for p in self.phrases] + ["-" + t.text for t in self.excluded]
        return " ".join(out)


_PHRASE = re.compile(r'"([^"]*)"')


def parse(raw: str | None) -> ParsedQuery:
    raw = (raw or "").replace("\x00", " ")
    truncated = len(raw) > MAX_QUERY_LENGTH
    raw = raw[:MAX_QUERY_LENGTH]
    text = normalise(raw)
    query = ParsedQuery(raw=raw, truncated=truncated)

    # quoted phrases first (an unmatched quote is just a separator)
    for match in _PHRASE.finditer(text):
        words = tokens(match.group(1))
        if len(words) == 1:
            query.terms.append(Term((words[0],)))
        elif words:
            query.phrases.append(Phrase(tuple(words)))
    rest = _PHRASE.sub(" ", text)
    ends_open = bool(rest) and not rest[-1].isspace() and not text.endswith('"')

    chunks = rest.split()
    for index, chunk in enumerate(chunks):
        negative = chunk.startswith("-") and len(chunk) > 1
        parts = tuple(tokens(chunk))
        if not parts:
            continue
        is_last = index == len(chunks) - 1
        term = Term(parts, prefix=is_last and ends_open and not negative and len(parts[-1]) >= 2)
        (query.excluded if negative else query.terms).append(term)

    # domain words and question glue go when other words remain
    meaningful = [t for t in query.terms if not (len(t.parts) == 1 and t.parts[0] in STOPWORDS)]
    if meaningful and (len(meaningful) < len(query.terms)):
        query.terms = meaningful
    elif not meaningful and not query.phrases and not query.excluded:
        # only domain words and glue ("video dataset", "what?"): in this catalogue that is everything
        query.terms = []

    # an exclusion needs a positive term beside it; alone it is searched for
    if query.excluded and query.is_empty:
        query.terms, query.excluded = [Term(t.parts) for t in query.excluded], []

    if len(query.terms) + len(query.phrases) > MAX_TERMS:
        query.truncated = True
        query.terms = query.terms[:MAX_TERMS]
        query.phrases = query.phrases[: max(0, MAX_TERMS - len(query.terms))]
    query.excluded = query.excluded[:MAX_TERMS]
    return query
