"""Tokens, spelling variants and name compounds: one definition for the indexer and the query parser.

Both sides split text the same way (letters and digits of any script; everything else separates), so
whatever the parser produces can be looked up in what the indexer stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TOKEN_LENGTH = 40

# British and American spellings that must find the same entries. The index stores every variant of
# the words it holds, so a query in either spelling matches.
_SPELLING_PAIRS = [
    ("licence", "license"), ("licences", "licenses"), ("licenced", "licensed"), ("licencing", "licensing"),
    ("licensor", "licencor"), ("organisation", "organization"), ("organisations", "organizations"),
    ("catalogue", "catalog"), ("catalogues", "catalogs"), ("behaviour", "behavior"), ("colour", "color"),
    ("recognise", "recognize"), ("recognised", "recognized"), ("recognition", "recognition"),
    ("analyse", "analyze"), ("analysed", "analyzed"), ("centre", "center"), ("modelling", "modeling"),
    ("labelled", "labeled"), ("labelling", "labeling"), ("programme", "program"), ("utilise", "utilize"),
    ("normalised", "normalized"), ("neighbour", "neighbor"), ("honour", "honor"), ("defence", "defense"),
    ("practise", "practice"), ("anonymised", "anonymized"), ("anonymisation", "anonymization"),
    ("summarise", "summarize"), ("optimised", "optimized"), ("artefact", "artifact"), ("artefacts", "artifacts"),
]
SPELLING_VARIANTS: dict[str, set[str]] = {}
for _a, _b in _SPELLING_PAIRS:
    if _a != _b:
        SPELLING_VARIANTS.setdefault(_a, set()).add(_b)
        SPELLING_VARIANTS.setdefault(_b, set()).add(_a)

# Words that say nothing about which dataset is meant ("video", "dataset") or are question glue.
# They are dropped from a query that has other words, so they cannot swamp the ranking.
STOPWORDS = frozenset(
    """
    a an and are as at be by can could do does for from how i if in into is it its me my of on or our
    that the this to use used using we what when where which who with would you your may might should
    about any all there their these those them than then
    video videos dataset datasets data set sets clip clips corpus
    """.split()
)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").replace("\x00", " ").casefold()


def tokens(text: str) -> list[str]:
    return [t[:MAX_TOKEN_LENGTH] for t in _TOKEN.findall(normalise(text))]


def spelling_variants(words: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for word in words:
        out |= SPELLING_VARIANTS.get(word, set())
    return out


def compounds(name: str) -> set[str]:
    """Joined forms of a name's parts, so HDVILA and HD VILA both find HD-VILA-100M."""
    parts = tokens(name)
    out: set[str] = set()
    for start in range(len(parts)):
        for end in range(start + 2, len(parts) + 1):
            out.add("".join(parts[start:end])[:MAX_TOKEN_LENGTH])
    return out


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """Trigram similarity in the manner of PostgreSQL's pg_trgm."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0
