"""The resolver's index of the published catalogue, built from the database in a fixed number of
queries and kept per catalogue revision (``licensedb.resolver`` holds the rules)."""

from __future__ import annotations

import threading
from collections import defaultdict

from . import revision
from .models import Alias, Dataset, Identifier, ModelAlias, TrainedModel
from .resolver import Entry, Index, Resolution, resolve

_lock = threading.Lock()
_cached: dict[str, object] = {}


def build() -> Index:
    index = Index()
    published = Dataset.objects.published()
    rows = list(published.values_list("pk", "slug", "name"))
    aliases: dict[int, list[str]] = defaultdict(list)
    for dataset_id, name in Alias.objects.filter(dataset__in=published).values_list("dataset_id", "name"):
        aliases[dataset_id].append(name)
    identifiers: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for dataset_id, kind, key in Identifier.objects.filter(dataset__in=published).values_list("dataset_id", "kind", "key"):
        identifiers[dataset_id].append((kind, key))
    former: dict[int, set[str]] = defaultdict(set)
    for dataset_id, slug in Dataset.history.filter(id__in=[pk for pk, _, _ in rows]).values_list("id", "slug").distinct():
        former[dataset_id].add(slug)
    current_slugs = {slug for _, slug, _ in rows}
    for pk, slug, name in rows:
        index.add(
            Entry("dataset", slug, name),
            aliases=aliases.get(pk, ()),
            identifiers=identifiers.get(pk, ()),
            former_slugs=[s for s in former.get(pk, ()) if s not in current_slugs],
        )
    models = TrainedModel.objects.published()
    model_rows = list(models.values_list("pk", "slug", "name"))
    model_aliases: dict[int, list[str]] = defaultdict(list)
    for model_id, name in ModelAlias.objects.filter(model__in=models).values_list("model_id", "name"):
        model_aliases[model_id].append(name)
    model_ids: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for model_id, kind, key in Identifier.objects.filter(model__in=models).values_list("model_id", "kind", "key"):
        model_ids[model_id].append((kind, key))
    for pk, slug, name in model_rows:
        index.add(Entry("model", slug, name), aliases=model_aliases.get(pk, ()), identifiers=model_ids.get(pk, ()))
    return index.finish()


def current_index() -> Index:
    """The index for the current catalogue revision (rebuilt when the catalogue changes)."""
    key = revision.current()  # number and time: a restored or rolled-back number comes with another time
    with _lock:
        if _cached.get("revision") == key and "index" in _cached:
            return _cached["index"]  # type: ignore[return-value]
    index = build()
    with _lock:
        _cached.update(revision=key, index=index)
    return index


def resolve_reference(reference: str, kinds=None, exact: bool = False) -> Resolution:
    return resolve(reference, current_index(), kinds, exact=exact)
