"""Readable change records from the curator history (django-simple-history).

Every curated model keeps a history table; this module turns the rows that concern datasets into
:class:`Change` items (what changed, in which entry, when, by whom), newest first, in a fixed number
of queries per call. Licence changes and takedowns are flagged as events users can follow.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from .models import Alias, Claim, Dataset, DatasetLicence, DatasetVerdict, Evidence, Licence, Lineage
from .vocabulary import USES_BY_KEY, Layer, LicenceLayer, Publication, Status

IGNORED_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user",
                  "history_user_id", "updated", "created", "name_key", "id"}

KIND = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class Change:
    when: datetime.datetime
    kind: str  # created | changed | deleted
    subject: str
    dataset_id: int
    dataset_slug: str
    dataset_name: str
    user: str
    details: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)
    event: str = ""  # "" | licence | takedown | status

    @property
    def summary(self) -> str:
        if self.kind != "changed" or not self.details:
            return f"{self.subject} {self.kind}"
        fields = ", ".join(label for label, _, _ in self.details)
        return f"{self.subject}: {fields} changed"


# model -> name of the field holding the dataset id on its history rows
TRACKED: list[tuple[type, str]] = [
    (Dataset, "id"),
    (DatasetVerdict, "dataset_id"),
    (DatasetLicence, "dataset_id"),
    (Evidence, "dataset_id"),
    (Alias, "dataset_id"),
    (Claim, "dataset_id"),
    (Lineage, "child_id"),
]


def _display(record, field_name: str, names: dict) -> str:
    model_field = record.instance_type._meta.get_field(field_name.removesuffix("_id"))
    value = getattr(record, field_name)
    if value is None or value == "":
        return "—"
    if getattr(model_field, "choices", None):
        return str(dict(model_field.choices).get(value, value))
    if field_name in ("licence_id",):
        return names["licence"].get(value, str(value))
    if field_name in ("parent_id", "child_id"):
        return names["dataset"].get(value, str(value))
    text = str(value)
    return text if len(text) <= 160 else text[:157] + "…"


def _fields(record) -> list[str]:
    names = []
    for model_field in record.instance_type._meta.concrete_fields:
        attname = model_field.attname
        if attname not in IGNORED_FIELDS and hasattr(record, attname):  # history may exclude some fields
            names.append(attname)
    return names


def _subject(record, names: dict) -> str:
    model = record.instance_type
    if model is Dataset:
        return "Entry"
    if model is DatasetVerdict:
        use = USES_BY_KEY.get(record.use)
        layer = dict(Layer.choices).get(record.layer, record.layer)
        return f"Verdict for {use.label if use else record.use} ({layer.lower()})"
    if model is DatasetLicence:
        layer = "code licence" if record.layer == LicenceLayer.CODE else "dataset terms"
        return f"Licence {names['licence'].get(record.licence_id, '?')} ({layer})"
    if model is Evidence:
        return f"Evidence '{record.key}'"
    if model is Alias:
        return f"Alias '{record.name}'"
    if model is Claim:
        return f"Claim elsewhere ({record.claimed})"
    if model is Lineage:
        return f"Derived from {names['dataset'].get(record.parent_id, '?')}"
    return model._meta.verbose_name.capitalize()


def _event(record, details) -> str:
    model = record.instance_type
    if model is DatasetLicence and record.layer == LicenceLayer.DATASET_TERMS:
        return "licence"
    if model is Dataset:
        changed = {name for name, _, _ in details}
        if "status" in changed or (record.history_type == "+" and record.status != Status.AVAILABLE):
            return "takedown" if record.status != Status.AVAILABLE else "status"
    return ""


def changes(dataset: Dataset | None = None, limit: int = 20, before: datetime.datetime | None = None) -> list[Change]:
    """The newest changes to published entries (or to one entry), newest first."""
    published_ids = Dataset.objects.filter(publication=Publication.PUBLISHED).values("pk")
    per_model: list[tuple[type, str, list]] = []
    for model, key in TRACKED:
        history = model.history.all()
        if dataset is not None:
            history = history.filter(**{key: dataset.pk})
        else:
            history = history.filter(**{f"{key}__in": published_ids})
        if before is not None:
            history = history.filter(history_date__lt=before)
        rows = list(history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
        per_model.append((model, key, rows))

    # The previous version of each row, to show what changed: one query per model.
    previous: dict[tuple[type, int], object] = {}
    for model, key, rows in per_model:
        if not rows:
            continue
        object_ids = {row.id for row in rows}
        oldest = min(row.history_date for row in rows)
        earlier = model.history.filter(id__in=object_ids, history_date__lte=max(row.history_date for row in rows))
        by_object: dict[int, list] = defaultdict(list)
        for row in earlier.order_by("history_date", "history_id"):
            by_object[row.id].append(row)
        for versions in by_object.values():
            for older, newer in zip(versions, versions[1:]):
                if newer.history_date >= oldest:
                    previous[(model, newer.history_id)] = older

    all_rows = [(model, key, row) for model, key, rows in per_model for row in rows]
    dataset_ids = {getattr(row, key) for _, key, row in all_rows} | {
        row.parent_id for model, _, row in all_rows if model is Lineage
    }
    names = {
        "dataset": dict(Dataset.objects.filter(pk__in=dataset_ids).values_list("pk", "name")),
        "licence": dict(Licence.objects.values_list("pk", "name")),
    }
    slugs = dict(Dataset.objects.filter(pk__in=dataset_ids).values_list("pk", "slug"))

    result = []
    for model, key, row in all_rows:
        row.instance_type = model
        details = []
        older = previous.get((model, row.history_id))
        if row.history_type == "~" and older is not None:
            older.instance_type = model
            for name in _fields(row):
                if getattr(row, name) != getattr(older, name):
                    label = model._meta.get_field(name.removesuffix("_id")).verbose_name
                    details.append((str(label), _display(older, name, names), _display(row, name, names)))
            if not details:
                continue  # a save that changed nothing worth showing (e.g. only many-to-many links)
        dataset_id = getattr(row, key)
        result.append(
            Change(
                when=row.history_date,
                kind=KIND.get(row.history_type, "changed"),
                subject=_subject(row, names),
                dataset_id=dataset_id,
                dataset_slug=slugs.get(dataset_id, ""),
                dataset_name=names["dataset"].get(dataset_id, ""),
                user=row.history_user.get_username() if row.history_user else "",
                details=details,
                event=_event(row, details),
            )
        )
    result.sort(key=lambda change: change.when, reverse=True)
    return result[:limit]


@dataclass
class EntryChanges:
    """Changes to one entry made close together (one save, one load), shown as one line."""

    when: datetime.datetime
    dataset_slug: str
    dataset_name: str
    changes: list[Change]

    @property
    def summary(self) -> str:
        if len(self.changes) == 1:
            return self.changes[0].summary
        kinds = {change.kind for change in self.changes}
        if kinds == {"created"}:
            return f"entry added ({len(self.changes)} records)"
        return f"{len(self.changes)} changes: " + "; ".join(change.summary for change in self.changes[:3]) + (
            "…" if len(self.changes) > 3 else ""
        )

    @property
    def events(self) -> list[str]:
        """Every event among the changes, most important first."""
        return [e for e in ("takedown", "licence", "status") if any(change.event == e for change in self.changes)]

    @property
    def event(self) -> str:
        return self.events[0] if self.events else ""


def grouped(changes_list: list[Change], window: datetime.timedelta = datetime.timedelta(minutes=5)) -> list[EntryChanges]:
    """Group consecutive changes of the same entry made within ``window`` of each other."""
    groups: list[EntryChanges] = []
    for change in changes_list:
        last = groups[-1] if groups else None
        if last and last.dataset_slug == change.dataset_slug and last.changes[-1].when - change.when <= window:
            last.changes.append(change)
        else:
            groups.append(EntryChanges(change.when, change.dataset_slug, change.dataset_name, [change]))
    return groups
