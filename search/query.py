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
    typed_key: str = ""  # every word typed (domain words included) as one name key, for name lookups
    open_end: bool = False  # the user is still typing the last word

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


def _can_be_prefix(parts: tuple[str, ...]) -> bool:
    """Whether the last word may be matched as the start of a longer word. After a separator any
    length will do (``kinetics-4`` is on its way to Kinetics-400, ``hd-v`` to HD-VILA); a lone word
    needs two letters, since one letter would match half the vocabulary."""
    return len(parts[-1]) >= 2 or (len(parts) > 1 and len(parts[0]) >= 2)


def join_compounds(query: ParsedQuery, known: dict[str, tuple[str, ...]]) -> ParsedQuery:
    """Read every spelling of a compound word as one term: ``noncommercial``, ``non-commercial`` and
    ``non commercial`` all become the term (non, commercial), which backends match as the phrase or the
    joined word. ``known`` maps joined forms found in the catalogue ("noncommercial", "hdvila") to their
    parts; two typed words are joined only when their joined form is such a word, so ``egocentric
    kitchen`` stays two words."""
    if not known or not query.terms:
        return query
    terms: list[Term] = []
    index = 0
    source = query.terms
    while index < len(source):
        term = source[index]
        following = source[index + 1] if index + 1 < len(source) else None
        if (following is not None and len(term.parts) == 1 and len(following.parts) == 1 and not term.prefix
                and term.parts[0] + following.parts[0] in known):
            terms.append(Term(term.parts + following.parts, prefix=following.prefix))
            index += 2
            continue
        if len(term.parts) == 1 and term.parts[0] in known:
            terms.append(Term(known[term.parts[0]], prefix=term.prefix))
        else:
            terms.append(term)
        index += 1
    if terms == source:
        return query
    return ParsedQuery(raw=query.raw, terms=terms, phrases=query.phrases, excluded=query.excluded,
                       truncated=query.truncated, typed_key=query.typed_key, open_end=query.open_end)


def compound_candidates(query: ParsedQuery) -> set[str]:
    """The joined forms ``join_compounds`` would ask about: single words and adjacent pairs."""
    out = set()
    singles = [t.parts[0] for t in query.terms if len(t.parts) == 1]
    out.update(w for w in singles if len(w) >= 4)
    for a, b in zip(query.terms, query.terms[1:]):
        if len(a.parts) == 1 and len(b.parts) == 1 and not a.prefix:
            out.add(a.parts[0] + b.parts[0])
    return out


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
        term = Term(parts, prefix=is_last and ends_open and not negative and _can_be_prefix(parts))
        (query.excluded if negative else query.terms).append(term)
    query.open_end = ends_open
    query.typed_key = name_key(" ".join("".join(t.parts) for t in query.terms))[:200]

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
