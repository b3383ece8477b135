"""One resolver for every place an entry is named: a reference to an entry.

Plain Python over an :class:`Index` (``licensedb.resolver_index`` builds it from the database, or
the CLI from a catalogue export). A reference may be a slug, a name, an alias, a misspelling, a Hugging
Face id (``OpenGVLab/InternVid``, ``hf://datasets/...``, ``https://huggingface.co/datasets/...``), a
GitHub URL (any path inside the repository), an arXiv id or URL (any version), a DOI or a web address.

The rules, in order (the first that matches wins):

1. **Identifiers**: the reference is read as identifiers (``licensedb.identifiers.parse_reference``).
   A web address matches the longest recorded address it starts with (so a folder of a repository
   that hosts several datasets names the one in that folder); then the exact identifiers of each kind.
2. **Slug**, current or former.
3. **Name or alias**, compared without case, spaces, hyphens or punctuation (``HD-VILA-100M`` =
   ``hd vila 100m`` = ``HDVILA100M``).
4. **Prefix**: the reference is the start of exactly one name or alias (``hdvila``). Several: ambiguous.
5. **Fuzzy**: a misspelling close to one name or alias (``Kinetcs-400``). Numbers are never guessed:
   ``Kinetics-500`` does not become ``Kinetics-400``.

When several different entries match at the first rule that matches, the answer is ``ambiguous`` with
the candidates: the resolver never guesses. When nothing matches, the answer is ``not_found`` with
suggestions. The answer says how it matched (``match``).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .identifiers import URL, parse_reference
from .text import name_key

MAX_REFERENCE_LENGTH = 2000
FUZZY_CUTOFF = 0.84
FUZZY_MARGIN = 0.04
SUGGESTION_CUTOFF = 0.7

RESOLVED = "resolved"
AMBIGUOUS = "ambiguous"
NOT_FOUND = "not_found"
INVALID = "invalid"


@dataclass(frozen=True)
class Entry:
    kind: str  # dataset | model
    slug: str
    name: str


@dataclass(frozen=True)
class Resolution:
    reference: str
    status: str  # resolved | ambiguous | not_found | invalid
    entry: Entry | None = None
    match: str = ""  # identifier:<kind> | slug | former_slug | name | alias | prefix | fuzzy
    candidates: tuple[Entry, ...] = ()  # the candidates when ambiguous, suggestions when not found
    message: str = ""

    @property
    def resolved(self) -> bool:
        return self.status == RESOLVED


@dataclass
class Index:
    """What the resolver matches against; built once per catalogue revision."""

    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)  # (kind, slug) -> entry
    slugs: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    former_slugs: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    names: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))  # name key -> entries
    aliases: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    identifiers: dict[tuple[str, str], list[Entry]] = field(default_factory=lambda: defaultdict(list))
    urls: list[tuple[str, Entry]] = field(default_factory=list)  # (url key, entry), for prefix matching

    def add(self, entry: Entry, aliases: Iterable[str] = (), identifiers: Iterable[tuple[str, str]] = (),
            former_slugs: Iterable[str] = ()) -> None:
        self.entries[(entry.kind, entry.slug)] = entry
        _add(self.slugs, entry.slug, entry)
        for slug in former_slugs:
            if slug != entry.slug:
                _add(self.former_slugs, slug, entry)
        _add(self.names, name_key(entry.name), entry)
        for alias in aliases:
            _add(self.aliases, name_key(alias), entry)
        for kind, key in identifiers:
            _add(self.identifiers, (kind, key), entry)
            if kind == URL:
                self.urls.append((key, entry))

    def finish(self) -> Index:
        self.urls.sort(key=lambda item: -len(item[0]))
        self._keys = sorted({*self.names, *self.aliases} - {""})
        return self

    @property
    def keys(self) -> list[str]:
        return getattr(self, "_keys", None) or self.finish()._keys


def _add(mapping, key, entry: Entry) -> None:
    if key and entry not in mapping[key]:
        mapping[key].append(entry)


def clean_reference(text: str) -> str:
    """The reference with surrounding space, quotes and control characters removed."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return text.strip().strip("\"'`").strip()


def _decide(reference: str, entries: list[Entry], match: str) -> Resolution | None:
    unique = list(dict.fromkeys(entries))
    if not unique:
        return None
    if len(unique) == 1:
        return Resolution(reference, RESOLVED, unique[0], match, message=f"Matched by {match.replace('_', ' ')}.")
    names = ", ".join(f"{e.name} ({e.slug})" for e in unique[:10])
    return Resolution(
        reference, AMBIGUOUS, None, match, tuple(unique),
        f"'{reference[:80]}' could mean several entries: {names}. Give one of their slugs.",
    )


def _url_prefix(index: Index, key: str) -> list[Entry]:
    for recorded, entry in index.urls:  # longest first
        if key == recorded or key.startswith(recorded.rstrip("/") + "/") or key.startswith(recorded + "#"):
            same = [e for k, e in index.urls if k == recorded]
            return same
    return []


def _digits(key: str) -> list[str]:
    return re.findall(r"\d+", key)


def _close(index: Index, key: str, cutoff: float, limit: int) -> list[tuple[float, str]]:
    digits = _digits(key)
    pool = [k for k in index.keys if _digits(k) == digits and abs(len(k) - len(key)) <= max(3, len(key) // 3)]
    scored = [(difflib.SequenceMatcher(None, key, k).ratio(), k) for k in pool]
    return sorted((s for s in scored if s[0] >= cutoff), key=lambda s: (-s[0], s[1]))[:limit]


def _entries_of(index: Index, keys: Iterable[str]) -> list[Entry]:
    found: list[Entry] = []
    for key in keys:
        for entry in [*index.names.get(key, ()), *index.aliases.get(key, ())]:
            if entry not in found:
                found.append(entry)
    return found


def suggestions(index: Index, reference: str, limit: int = 5) -> tuple[Entry, ...]:
    """Entries whose names come close to the reference, best first (for "did you mean")."""
    key = name_key(clean_reference(reference))
    if not key:
        return ()
    scored = [(difflib.SequenceMatcher(None, key, k).ratio(), k) for k in index.keys]
    scored += [(0.99, k) for k in index.keys if len(key) >= 3 and k.startswith(key)]
    best = sorted((s for s in scored if s[0] >= SUGGESTION_CUTOFF), key=lambda s: (-s[0], s[1]))
    return tuple(_entries_of(index, [k for _, k in best])[:limit])


def resolve(reference: str, index: Index, kinds: Iterable[str] | None = None, exact: bool = False) -> Resolution:
    """Resolve one reference. ``kinds`` limits the entries considered (e.g. only datasets); ``exact``
    stops after identifiers and current or former slugs: no names, prefixes, near spellings or
    suggestions, which scan every name and which search, ranking names itself, does not need."""
    wanted = set(kinds) if kinds is not None else None

    def keep(entries: Iterable[Entry]) -> list[Entry]:
        return [e for e in entries if wanted is None or e.kind in wanted]

    raw = reference if isinstance(reference, str) else str(reference)
    if len(raw) > MAX_REFERENCE_LENGTH:
        return Resolution(raw[:80] + "…", INVALID, message=f"A reference is at most {MAX_REFERENCE_LENGTH} characters.")
    text = clean_reference(raw)
    if not text:
        return Resolution(raw, INVALID, message="The reference is empty.")

    for kind, key in parse_reference(text):
        if kind == URL:
            decided = _decide(text, keep(_url_prefix(index, key)), "identifier:url")
        else:
            decided = _decide(text, keep(index.identifiers.get((kind, key), ())), f"identifier:{kind}")
        if decided:
            return decided

    slug = text.lower()
    for mapping, match in ((index.slugs, "slug"), (index.former_slugs, "former_slug")):
        decided = _decide(text, keep(mapping.get(slug, ())), match)
        if decided:
            return decided
    if exact:
        return Resolution(text, NOT_FOUND, None, "", (), f"'{text[:80]}' is not an identifier or slug in the catalogue.")

    key = name_key(text)
    if not key:
        return Resolution(text, INVALID, message="The reference has no letter or digit.")
    for mapping, match in ((index.names, "name"), (index.aliases, "alias")):
        decided = _decide(text, keep(mapping.get(key, ())), match)
        if decided:
            return decided

    if len(key) >= 4:
        prefixed = [k for k in index.keys if k.startswith(key)]
        decided = _decide(text, keep(_entries_of(index, prefixed)), "prefix")
        if decided:
            return decided

    close = _close(index, key, FUZZY_CUTOFF, 10)
    if close:
        best_score = close[0][0]
        near = [k for score, k in close if best_score - score < FUZZY_MARGIN]
        decided = _decide(text, keep(_entries_of(index, near)), "fuzzy")
        if decided:
            return decided

    found = tuple(e for e in suggestions(index, text) if wanted is None or e.kind in wanted)
    hint = (" Did you mean " + ", ".join(f"{e.name} ({e.slug})" for e in found[:3]) + "?") if found else ""
    return Resolution(text, NOT_FOUND, None, "", found, f"'{text[:80]}' is not in the catalogue.{hint}")


def resolve_many(references: Iterable[str], index: Index, kinds: Iterable[str] | None = None) -> list[Resolution]:
    return [resolve(reference, index, kinds) for reference in references]
