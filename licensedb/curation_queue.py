"""The curation queue: what a curator should look at next, and why.

Entries due for review (never reviewed, or last reviewed more than a year ago), `unclear` verdicts with
the note of what was looked for, sources read more than a year ago, lineage that points at a draft
parent, and entries that say nothing about where their videos come from. Plain queries; the admin
renders the lists (``DatasetAdmin.queue_view``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from . import rules
from .models import Dataset, DatasetVerdict, Evidence, Lineage
from .vocabulary import USES_BY_KEY, Layer, Publication

REVIEW_EVERY = datetime.timedelta(days=365)
SHOWN = 100  # items listed per section; the count says how many there are


@dataclass
class Section:
    key: str
    title: str
    explanation: str
    items: list = field(default_factory=list)
    count: int = 0


def due_before(today: datetime.date | None = None) -> datetime.date:
    return (today or rules.today()) - REVIEW_EVERY


def due_for_review(today=None):
    return Dataset.objects.filter(Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=due_before(today))).order_by(
        "last_reviewed", "name"
    )


def unclear_verdicts():
    """Those without a note of what was looked for first: nobody can pick them up."""
    return (
        DatasetVerdict.objects.filter(value="unclear").select_related("dataset")
        .annotate(has_note=~Q(note=""))
        .order_by("has_note", "dataset__name", "use", "layer")
    )


def stale_evidence(today=None):
    return (
        Evidence.objects.filter(accessed__lt=due_before(today))
        .select_related("dataset", "platform", "jurisdiction_note", "model")
        .order_by("accessed", "pk")
    )


def broken_lineage():
    """A published entry derived from a parent that is not published (or no longer is)."""
    return (
        Lineage.objects.filter(child__publication=Publication.PUBLISHED)
        .exclude(parent__publication=Publication.PUBLISHED)
        .select_related("child", "parent")
        .order_by("child__name")
    )


def missing_platforms():
    return Dataset.objects.filter(platforms__isnull=True).order_by("name")


def _section(key, title, explanation, queryset, describe) -> Section:
    count = queryset.count()
    return Section(key, title, explanation, [describe(item) for item in queryset[:SHOWN]], count)


def build(today=None, name: str = "") -> list[Section]:
    """Every section of the queue with its items (dicts the template shows) and counts; ``name``
    narrows every section to entries whose name contains it."""
    name = name.strip()[:200]

    def named(queryset, *paths):
        if not name:
            return queryset
        condition = Q()
        for p in paths:
            condition |= Q(**{f"{p}__icontains": name})
        return queryset.filter(condition)

    def entry(d):
        return {"dataset": d, "detail": f"last reviewed {d.last_reviewed.isoformat()}" if d.last_reviewed else "never reviewed"}

    def verdict(v):
        return {
            "dataset": v.dataset,
            "use": USES_BY_KEY[v.use].label if v.use in USES_BY_KEY else v.use,
            "layer": Layer(v.layer).label if v.layer in Layer.values else v.layer,
            "use_key": v.use,
            "layer_key": v.layer,
            "detail": v.note or "No note: say what was looked for and not found.",
            "missing_note": not v.note.strip(),
        }

    def source(e):
        return {"evidence": e, "owner": e.owner, "detail": f"read {e.accessed.isoformat()}: {e.url}"}

    def lineage(link):
        return {"dataset": link.child, "detail": f"derived from {link.parent.name}, which is a draft"}

    def platforms(d):
        return {"dataset": d, "detail": "no source platform recorded"}

    return [
        _section("review", "Due for review", "Never reviewed, or last reviewed more than a year ago.", named(due_for_review(today), "name"), entry),
        _section("unclear", "Unclear verdicts", "What was looked for and not found: the next place to look.", named(unclear_verdicts(), "dataset__name"), verdict),
        _section("evidence", "Sources read more than a year ago", "Terms change: read them again and update the date.",
                 named(stale_evidence(today), "dataset__name", "platform__name", "model__name", "jurisdiction_note__title"), source),
        _section("lineage", "Broken lineage", "A published entry derived from a parent that is not published.", named(broken_lineage(), "child__name"), lineage),
        _section("platforms", "Missing platforms", "Where the videos come from decides the platform-terms layer.",
                 named(missing_platforms(), "name"), platforms),
    ]
