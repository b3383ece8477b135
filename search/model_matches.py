"""Models in search: which trained models a query finds, and in what order (plain Python).

Models are a curated handful beside the datasets, so they are matched in memory against cards built
once per catalogue revision (``cards``), with the same words the query parser gives the dataset index:
every term must be found among a model's words (its name, aliases, organisations, weights licence, kind
and summary, with British and American spellings); the last word may be the start of one while it is
being typed. Exact name first, then an exact alias, then names starting with what was typed, then the
rest by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from licensedb.text import name_key

from .query import ParsedQuery, Term
from .text import compounds, spelling_variants, tokens

TIER_PINNED, TIER_NAME, TIER_ALIAS, TIER_PREFIX, TIER_TEXT = -1, 0, 1, 2, 3


@dataclass(frozen=True)
class ModelCard:
    slug: str
    name: str
    kind: str
    kind_label: str
    licence: str
    organisations: str
    name_key: str
    alias_keys: frozenset[str]
    words: frozenset[str]


def card(slug, name, kind, kind_label, licence, organisations, aliases, summary) -> ModelCard:
    text = " ".join([name, *aliases, organisations, licence, kind_label, summary])
    words = set(tokens(text))
    for n in [name, *aliases]:
        words |= compounds(n)
    words |= spelling_variants(words)
    return ModelCard(
        slug=slug, name=name, kind=kind, kind_label=kind_label, licence=licence, organisations=organisations,
        name_key=name_key(name), alias_keys=frozenset(k for k in map(name_key, aliases) if k),
        words=frozenset(words),
    )


def _term_matches(term: Term, words: frozenset[str]) -> bool:
    if term.joined and term.joined in words:
        return True
    *rest, last = term.parts
    if not all(part in words for part in rest):
        return False
    if last in words:
        return True
    return term.prefix and any(word.startswith(last) for word in words)


def _matches(query: ParsedQuery, model: ModelCard) -> bool:
    if query.excluded and any(_term_matches(t, model.words) for t in query.excluded):
        return False
    if not all(_term_matches(t, model.words) for t in query.terms):
        return False
    return all(all(token in model.words for token in phrase.tokens) for phrase in query.phrases)


def _tier(query: ParsedQuery, model: ModelCard) -> int:
    keys = {k for k in (query.typed_key, query.key) if k}
    keys_of = {model.name_key, *model.alias_keys}
    if model.name_key in keys:
        return TIER_NAME
    if keys & model.alias_keys:
        return TIER_ALIAS
    if any(k.startswith(key) for k in keys_of for key in keys):
        return TIER_PREFIX
    return TIER_TEXT


def match(query: ParsedQuery, models: list[ModelCard], pinned: str | None = None) -> list[ModelCard]:
    """The models this query finds, best first (``pinned``: a slug the resolver recognised)."""
    if query.is_empty and not query.typed_key and not pinned:
        return []
    found = []
    for model in models:
        if model.slug == pinned:
            found.append((TIER_PINNED, 0, model))
            continue
        tier = _tier(query, model)
        if tier != TIER_TEXT or (not query.is_empty and _matches(query, model)):
            found.append((tier, len(model.name_key) if tier == TIER_PREFIX else 0, model))
    found.sort(key=lambda item: (item[0], item[1], item[2].name.casefold(), item[2].slug))
    return [model for _, _, model in found]


def named(query: ParsedQuery, model: ModelCard, pinned: str | None = None) -> bool:
    """Whether the query names this model (its name, an alias or an identifier), not just mentions it."""
    return model.slug == pinned or _tier(query, model) in (TIER_NAME, TIER_ALIAS)
