"""The public change log and its Atom feed, from the curator history."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.feedgenerator import Atom1Feed

from . import history
from .views import bad_request

KINDS = {"": "All changes", "licence": "Licence changes", "takedown": "Takedowns and withdrawals"}
PAGE = 50


def recent(kind: str, before: datetime.datetime | None, limit: int) -> list[history.EntryChanges]:
    groups = history.grouped(history.changes(limit=limit * 6, before=before))
    if kind:
        groups = [g for g in groups if kind in g.events]
    return groups[:limit]


def changes_page(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in KINDS:
        return bad_request(request, {"kind": [f"Use one of: {', '.join(k for k in KINDS if k)} (or leave it out)."]})
    before = None
    if request.GET.get("before"):
        before = parse_datetime(request.GET["before"].replace(" ", "+"))
        if before is None:
            return bad_request(request, {"before": ["Give a date and time like 2026-11-24T12:00:00+00:00."]})
    groups = recent(kind, before, PAGE)
    older = groups[-1].changes[-1].when.isoformat() if len(groups) == PAGE else None
    return render(request, "changes/changes.html", {"groups": groups, "kind": kind, "kinds": KINDS, "older": older})


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "licensedb: changes to the catalogue"
    subtitle = "New entries, changed verdicts, licence changes and takedowns of public video datasets."

    def link(self):
        return reverse("changes")

    def items(self):
        return recent("", None, 50)

    def item_title(self, item: history.EntryChanges) -> str:
        labels = {"licence": "[licence change] ", "takedown": "[takedown] "}
        tag = "".join(labels[e] for e in item.events if e in labels)
        return f"{tag}{item.dataset_name}: {item.summary}"

    def item_description(self, item: history.EntryChanges) -> str:
        lines = []
        for change in item.changes:
            lines.append(change.summary + "".join(f"; {f}: {old} → {new}" for f, old, new in change.details))
        return "\n".join(lines)

    def item_link(self, item: history.EntryChanges) -> str:
        return reverse("dataset-history", args=[item.dataset_slug])

    def item_guid(self, item: history.EntryChanges) -> str:
        return f"tag:licensedb,2026:{item.dataset_slug}:{item.when.isoformat()}"

    item_guid_is_permalink = False

    def item_updateddate(self, item: history.EntryChanges):
        return item.when

    def item_pubdate(self, item: history.EntryChanges):
        return item.when
