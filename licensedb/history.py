"""Readable change records from the curator history (django-simple-history).

Every curated model keeps a history table; this module turns the rows that concern datasets into
:class:`Change` items (what changed, in which entry, when, by whom), newest first, in a fixed number
of queries per call. Licence changes and takedowns are flagged as events users can follow.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Q
from django.utils.dateparse import parse_datetime

from .models import Alias, Claim, Dataset, DatasetLicence, DatasetVerdict, Evidence, Licence, Lineage
from .vocabulary import USES_BY_KEY, Layer, LicenceLayer, Publication, Status

IGNORED_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user",
                  "history_user_id", "updated", "created", "name_key", "id"}

KIND = {"+": "created", "~": "changed", "-": "deleted"}


class Cursor(NamedTuple):
    """A position in the change log: the change's time, then its table, then its row, so that changes
    that share a time (a bulk load, a restored backup) still have one strict order."""

    when: datetime.datetime
    rank: int  # the index of the history table in TRACKED
    history_id: int

    def encode(self) -> str:
        text = f"{self.when.isoformat()} {self.rank} {self.history_id}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> "Cursor":
        """The cursor in ``token``, or a ValueError if it is not one this site gave out."""
        try:
            text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            when_text, rank, history_id = text.split(" ")
            when = parse_datetime(when_text)
            if when is None or when.tzinfo is None or not rank.isascii() or not history_id.isascii():
                raise ValueError(token)
            cursor = cls(when, int(rank), int(history_id))
        except (binascii.Error, UnicodeDecodeError, ValueError) as error:
            raise ValueError("not a change-log cursor") from error
        if not (0 <= cursor.rank < len(TRACKED) and 0 < cursor.history_id < 2**63):
            raise ValueError("not a change-log cursor")
        return cursor


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
    position: Cursor | None = None  # where it stands in the change log
    snapshot: tuple[tuple[str, str], ...] = ()  # the record's shown values, for created and deleted records

    @property
    def ref(self) -> str:
        """A stable identifier of the change: its history table and row."""
        return f"{TRACKED[self.position.rank][0]._meta.model_name}-{self.position.history_id}"

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


def _model_field(model, attname: str):
    """The model field stored in column ``attname`` (``licence_id`` is the licence field, ``arxiv_id`` a
    field of its own)."""
    return next(f for f in model._meta.concrete_fields if f.attname == attname)


def _display(record, field_name: str, names: dict) -> str:
    model_field = _model_field(record.instance_type, field_name)
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


def _after(history, rank: int, cursor: Cursor | None):
    """The rows of one history table that come after ``cursor`` in the log's newest-first order."""
    if cursor is None:
        return history
    later = Q(history_date__lt=cursor.when)
    if rank < cursor.rank:
        later |= Q(history_date=cursor.when)
    elif rank == cursor.rank:
        later |= Q(history_date=cursor.when, history_id__lt=cursor.history_id)
    return history.filter(later)


def changes(dataset: Dataset | None = None, limit: int = 20, before: datetime.datetime | None = None) -> list[Change]:
    """The newest changes to published entries (or to one entry), newest first."""
    return changes_page(limit, dataset=dataset, before=before)[0]


def changes_page(
    limit: int,
    cursor: Cursor | None = None,
    dataset: Dataset | None = None,
    before: datetime.datetime | None = None,
) -> tuple[list[Change], Cursor | None]:
    """The next ``limit`` history rows after ``cursor`` (newest first), as changes, and the cursor to
    continue from: None when nothing older is left. Rows that changed nothing worth showing are read
    (and passed by the cursor) but not returned, so a page may hold fewer than ``limit`` changes."""
    published_ids = Dataset.objects.filter(publication=Publication.PUBLISHED).values("pk")
    per_model: list[tuple[type, str, list]] = []
    for rank, (model, key) in enumerate(TRACKED):
        history = model.history.all()
        if dataset is not None:
            history = history.filter(**{key: dataset.pk})
        else:
            history = history.filter(**{f"{key}__in": published_ids})
        if before is not None:
            history = history.filter(history_date__lt=before)
        history = _after(history, rank, cursor)
        rows = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
        for row in rows:
            row.position = Cursor(row.history_date, rank, row.history_id)
        per_model.append((model, key, rows))
    merged = sorted((row.position for _, _, rows in per_model for row in rows), reverse=True)
    if len(merged) > limit:
        last = merged[limit - 1]
        per_model = [(model, key, [row for row in rows if row.position >= last]) for model, key, rows in per_model]
        following = last
    else:
        following = None

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
    entries = Dataset.objects.filter(pk__in=dataset_ids).values_list("pk", "name", "slug") if dataset_ids else []
    names = {
        "dataset": {pk: name for pk, name, _ in entries},
        "licence": dict(Licence.objects.values_list("pk", "name")),
    }
    slugs = {pk: slug for pk, _, slug in entries}

    result = []
    for model, key, row in all_rows:
        row.instance_type = model
        details = []
        older = previous.get((model, row.history_id))
        if row.history_type == "~" and older is not None:
            older.instance_type = model
            for name in _fields(row):
                if getattr(row, name) != getattr(older, name):
                    label = _model_field(model, name).verbose_name
                    details.append((str(label), _display(older, name, names), _display(row, name, names)))
            if not details:
                continue  # a save that changed nothing worth showing (e.g. only many-to-many links)
        dataset_id = getattr(row, key)
        snapshot = ()
        if row.history_type != "~":
            snapshot = tuple((name, _display(row, name, names)) for name in _fields(row) if name != key)
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
                position=row.position,
                snapshot=snapshot,
            )
        )
    result.sort(key=lambda change: change.position, reverse=True)
    return result, following


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


def group_tag(group: EntryChanges) -> str:
    """A tag URI (RFC 4151) for a group of changes, made from its entry and what changed (the values of
    created and deleted records, the before and after of changed ones), so that it survives a backup
    and restore or a reseed, which keep the changes but not their times or row ids."""
    content = [group.dataset_slug] + [
        [c.subject, c.kind, c.event, [list(d) for d in c.details], [list(v) for v in c.snapshot]] for c in group.changes
    ]
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()[:24]
    return f"tag:licensedb,2026:changes/{group.dataset_slug}/{digest}"


def unique_tags(groups: list[EntryChanges]) -> list[str]:
    """group_tag for each group (newest first), with -2, -3... for a group that repeats an older
    one's content exactly (the same edit made twice), counted from the oldest."""
    seen: dict[str, int] = {}
    tags = []
    for group in reversed(groups):
        tag = group_tag(group)
        seen[tag] = seen.get(tag, 0) + 1
        tags.append(tag if seen[tag] == 1 else f"{tag}-{seen[tag]}")
    return tags[::-1]


# A page of the change log reads at most this many history rows, so that one enormous burst of edits
# to one entry cannot make a page read the whole history: the burst then spans several pages.
PAGE_ROW_BUDGET = 5000


def grouped_page(
    size: int, cursor: Cursor | None = None, kind: str = "", before: datetime.datetime | None = None
) -> tuple[list[EntryChanges], Cursor | None]:
    """Up to ``size`` groups of changes (of ``kind``, if given) after ``cursor``, and the cursor of the
    next page: None when there is nothing older. Paging with the cursor reaches every change exactly
    once, whatever the size of the groups and however many changes share a time."""
    batch = max(size * 6, 120)
    collected: list[Change] = []
    position, read = cursor, 0
    while True:
        found, following = changes_page(batch, cursor=position, before=before)
        collected += found
        read += batch
        cut = following is None or read >= PAGE_ROW_BUDGET
        groups = grouped(collected)
        complete = groups if cut else groups[:-1]  # the last group may go on in the next batch
        matching = [g for g in complete if not kind or kind in g.events]
        if len(matching) >= size:
            page = matching[:size]
            end = page[-1].changes[-1].position
            more = following is not None or end != collected[-1].position
            return page, (end if more else None)
        if cut:
            return matching, following
        position = following
