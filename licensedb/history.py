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

from django.db.models import Count, Max, Min, Q
from django.utils.dateparse import parse_datetime

from .models import Alias, Claim, Dataset, DatasetLicence, DatasetVerdict, Evidence, Licence, Lineage
from .vocabulary import USES_BY_KEY, Layer, LicenceLayer, Publication, Status

IGNORED_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user",
                  "history_user_id", "updated", "created", "name_key", "id"}

KIND = {"+": "created", "~": "changed", "-": "deleted"}

# The change reason of every history record ``loaddata`` writes for what it loaded (followed by ", revision
# N" since the load is recorded as one event). Such records are not shown one by one: a load is one
# "catalogue loaded" event in the log.
LOAD_REASON = "Loaded from the curated fixtures"


def load_reason(revision_number: int) -> str:
    return f"{LOAD_REASON}, revision {revision_number}"


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
    sentence: str = ""  # what happened, as a clause about the entry ("commercial training changed from ...")
    model: str = ""  # the model name of the record ("datasetverdict"), or "catalogue" for a load

    @property
    def ref(self) -> str:
        """A stable identifier of the change: its history table and row."""
        return f"{TRACKED[self.position.rank][0]._meta.model_name}-{self.position.history_id}"

    @property
    def summary(self) -> str:
        if self.sentence:
            return self.sentence
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


def _event(record, details, first_licence: dict | None = None) -> str:
    model = record.instance_type
    if model is DatasetLicence and record.layer == LicenceLayer.DATASET_TERMS:
        if record.history_type == "+" and (first_licence or {}).get(record.dataset_id) == record.history_date:
            return ""  # the entry's first terms: a licence being recorded, not a licence changing
        return "licence"
    if model is Dataset:
        changed = {name for name, _, _ in details}
        if "status" in changed or (record.history_type == "+" and record.status != Status.AVAILABLE):
            return "takedown" if record.status != Status.AVAILABLE else "status"
    return ""


SHORT = 60  # values up to this long are quoted in a sentence; longer ones are "edited"


def _verdict_name(record) -> str:
    use = USES_BY_KEY.get(record.use)
    name = (use.label if use else record.use).lower().replace("r&d", "R&D")
    if record.layer != Layer.DATASET_TERMS:
        name += f" ({dict(Layer.choices).get(record.layer, record.layer).lower()})"
    return name


def _field_clauses(details, lower_values: bool = False) -> list[str]:
    clauses = []
    for label, old, new in details:
        if len(old) <= SHORT and len(new) <= SHORT and "\n" not in old + new:
            if lower_values:
                old, new = old.lower(), new.lower()
            clauses.append(f"{label} changed from {old} to {new}")
        else:
            clauses.append(f"{label} edited")
    return clauses


def _sentence(record, details, names: dict) -> str:
    """What a history record did, as a clause a reader follows after the entry's name:
    "commercial training changed from unclear to prohibited", "licence set to CC BY 4.0"."""
    model, kind = record.instance_type, record.history_type
    if model is Dataset:
        if kind == "+":
            return "entry added"
        if kind == "-":
            return "entry deleted"
        return "; ".join(_field_clauses(details))
    if model is DatasetVerdict:
        name = _verdict_name(record)
        if kind == "+":
            return f"{name} recorded as {record.get_value_display().lower()}"
        if kind == "-":
            return f"{name} verdict removed"
        value = [d for d in details if d[0] == "value"]
        rest = [d for d in details if d[0] != "value"]
        clauses = [f"{name} changed from {value[0][1].lower()} to {value[0][2].lower()}"] if value else []
        if rest:
            clauses.append(f"{name}: " + ", ".join(label for label, _, _ in rest) + " edited")
        return "; ".join(clauses)
    if model is DatasetLicence:
        part = "code licence" if record.layer == LicenceLayer.CODE else "licence"
        licence = names["licence"].get(record.licence_id, "?")
        if kind == "+":
            return f"{part} set to {licence}"
        if kind == "-":
            return f"{part} {licence} removed"
        licence_change = [d for d in details if d[0] == "licence"]
        if licence_change:
            return f"{part} changed from {licence_change[0][1]} to {licence_change[0][2]}"
        ended = [d for d in details if d[0] == "valid until" and d[2] != "—"]
        if ended:
            return f"{part} {licence} replaced on {ended[0][2]}"
        return f"{part} {licence}: " + "; ".join(_field_clauses(details))
    if model is Evidence:
        where = f"{record.get_kind_display().lower()} at {record.url}"
        if kind == "+":
            return f"source added: {where}"
        if kind == "-":
            return f"source removed: {where}"
        return f"source {where}: " + ", ".join(label for label, _, _ in details) + " updated"
    if model is Alias:
        if kind == "+":
            return f"also known as “{record.name}”"
        if kind == "-":
            return f"alias “{record.name}” removed"
        return "alias renamed: " + "; ".join(f"{old} to {new}" for _, old, new in details)
    if model is Claim:
        if kind == "+":
            return f"{record.get_source_display()} claim recorded: {record.claimed}"
        if kind == "-":
            return f"{record.get_source_display()} claim removed"
        return f"{record.get_source_display()} claim: " + "; ".join(_field_clauses(details))
    if model is Lineage:
        parent = names["dataset"].get(record.parent_id, "?")
        if kind == "+":
            return f"now recorded as derived from {parent}"
        if kind == "-":
            return f"no longer recorded as derived from {parent}"
        return f"derivation from {parent}: note edited"
    return ""


def _same_text(old, new) -> bool:
    """Text that differs only in line endings or surrounding white space (what a browser's form sends
    back for an untouched text area) did not change."""
    if isinstance(old, str) and isinstance(new, str):
        return old.replace("\r\n", "\n").strip() == new.replace("\r\n", "\n").strip()
    return old == new


def _load_markers(dataset: Dataset | None, published_ids, before, cursor: Cursor | None, limit: int) -> list[Change]:
    """One "catalogue loaded" change per load (one query), placed where its newest record stands."""
    rows = Dataset.history.filter(history_change_reason__startswith=LOAD_REASON)
    rows = rows.filter(id=dataset.pk) if dataset is not None else rows.filter(id__in=published_ids)
    if before is not None:
        rows = rows.filter(history_date__lt=before)
    markers = []
    for reason, when, last, count in (
        rows.values_list("history_change_reason").annotate(Max("history_date"), Max("history_id"), Count("id", distinct=True))
    ):
        position = Cursor(when, 0, last)
        if cursor is not None and not position < cursor:
            continue
        revision = reason[len(LOAD_REASON):].strip(", ")
        sentence = "catalogue loaded" + (f", {revision}" if revision else "")
        if dataset is None:
            sentence += f" ({count} dataset{'s' if count != 1 else ''})"
        markers.append(Change(
            when=when, kind="loaded", subject="Catalogue", dataset_id=0, dataset_slug="", dataset_name="",
            user="", position=position, sentence=sentence[0].upper() + sentence[1:] if dataset is None else sentence,
            model="catalogue",
        ))
    markers.sort(key=lambda change: change.position, reverse=True)
    return markers[: limit + 1]


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
        history = _after(history, rank, cursor).exclude(history_change_reason__startswith=LOAD_REASON)
        rows = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
        for row in rows:
            row.position = Cursor(row.history_date, rank, row.history_id)
        per_model.append((model, key, rows))
    markers = _load_markers(dataset, published_ids, before, cursor, limit)
    merged = sorted([row.position for _, _, rows in per_model for row in rows] + [m.position for m in markers], reverse=True)
    if len(merged) > limit:
        last = merged[limit - 1]
        per_model = [(model, key, [row for row in rows if row.position >= last]) for model, key, rows in per_model]
        markers = [m for m in markers if m.position >= last]
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
    # When each entry's first dataset-terms licence line was recorded: that one is not a licence change.
    new_lines = {row.dataset_id for model, _, row in all_rows if model is DatasetLicence and row.history_type == "+"}
    first_licence = dict(
        DatasetLicence.history.filter(dataset_id__in=new_lines, layer=LicenceLayer.DATASET_TERMS, history_type="+")
        .values_list("dataset_id").annotate(Min("history_date"))
    ) if new_lines else {}

    result = list(markers)
    for model, key, row in all_rows:
        row.instance_type = model
        details = []
        older = previous.get((model, row.history_id))
        if row.history_type == "~" and older is not None:
            older.instance_type = model
            for name in _fields(row):
                if not _same_text(getattr(older, name), getattr(row, name)):
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
                event=_event(row, details, first_licence),
                position=row.position,
                snapshot=snapshot,
                sentence=_sentence(row, details, names),
                model=model._meta.model_name,
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
    def is_catalogue_load(self) -> bool:
        return self.changes[0].kind == "loaded"

    @property
    def summary(self) -> str:
        """The changes as one sentence about the entry (its name comes before it)."""
        if len(self.changes) == 1:
            return self.changes[0].summary
        if any(change.model == "dataset" and change.kind == "created" for change in self.changes):
            counts: dict[str, int] = defaultdict(int)
            for change in self.changes:
                if change.model != "dataset":
                    counts[change.model] += 1
            parts = [_count(n, *PARTS.get(model, (model, model + "s"))) for model, n in counts.items()]
            return "entry added" + (" with " + _and(parts) if parts else "")
        sentences = list(dict.fromkeys(change.summary for change in self.changes))
        shown = sentences[:4]
        more = len(sentences) - len(shown)
        return "; ".join(shown) + (f"; and {more} more change{'s' if more != 1 else ''}" if more else "")

    @property
    def events(self) -> list[str]:
        """Every event among the changes, most important first."""
        return [e for e in ("takedown", "licence", "status") if any(change.event == e for change in self.changes)]

    @property
    def event(self) -> str:
        return self.events[0] if self.events else ""


PARTS = {
    "datasetverdict": ("verdict", "verdicts"), "evidence": ("source", "sources"),
    "datasetlicence": ("licence line", "licence lines"), "alias": ("alias", "aliases"),
    "claim": ("claim elsewhere", "claims elsewhere"), "lineage": ("parent", "parents"),
}


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def grouped(changes_list: list[Change], window: datetime.timedelta = datetime.timedelta(minutes=5)) -> list[EntryChanges]:
    """Group consecutive changes of the same entry made within ``window`` of each other."""
    groups: list[EntryChanges] = []
    for change in changes_list:
        last = groups[-1] if groups else None
        if (last and change.kind != "loaded" and not last.is_catalogue_load and last.dataset_slug == change.dataset_slug
                and last.changes[-1].when - change.when <= window):
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
    return f"tag:licensedb,2026:changes/{group.dataset_slug or 'catalogue'}/{digest}"


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
