"""The public change log and its Atom feed, from the curator history."""

from __future__ import annotations

import datetime
from typing import NamedTuple

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


class ChangesQuery(NamedTuple):
    kind: str
    before: datetime.datetime | None
    cursor: history.Cursor | None


def parse_query(params) -> tuple[ChangesQuery | None, dict[str, list[str]]]:
    """``kind``, ``before`` and ``cursor`` of the page and the API, or the errors naming them."""
    errors: dict[str, list[str]] = {}
    kind = params.get("kind", "")
    if kind not in KINDS:
        errors["kind"] = [f"Use one of: {', '.join(k for k in KINDS if k)} (or leave it out)."]
    before = None
    if params.get("before"):
        try:
            before = parse_datetime(params["before"].replace(" ", "+")[:64])
        except ValueError:  # well formed but not a date, like month 13
            before = None
        if before is None or before.tzinfo is None:
            errors["before"] = ["Give a date and time with its offset, like 2026-11-24T12:00:00+00:00."]
    cursor = None
    if params.get("cursor"):
        try:
            cursor = history.Cursor.decode(params["cursor"][:200])
        except ValueError:
            errors["cursor"] = ["This is not a cursor from a changes page; start again from the first page."]
    return (None if errors else ChangesQuery(kind, before, cursor)), errors


def changes_page(request: HttpRequest) -> HttpResponse:
    query, errors = parse_query(request.GET)
    if errors:
        return bad_request(request, errors)
    groups, following = history.grouped_page(PAGE, query.cursor, query.kind, query.before)
    older = None
    if following is not None:
        params = request.GET.copy()
        params["cursor"] = following.encode()
        older = "?" + params.urlencode()
    return render(request, "changes/changes.html", {"groups": groups, "kind": query.kind, "kinds": KINDS, "older": older})


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "licensedb: changes to the catalogue"
    subtitle = "New entries, changed verdicts, licence changes and takedowns of public video datasets."
    author_name = "licensedb curators"

    def link(self):
        return reverse("changes")

    def items(self):
        groups = history.grouped_page(50)[0]
        for group, tag in zip(groups, history.unique_tags(groups)):
            group.tag = tag
        return groups

    def item_title(self, item: history.EntryChanges) -> str:
        labels = {"licence": "[licence change] ", "takedown": "[takedown] "}
        tag = "".join(labels[e] for e in item.events if e in labels)
        return f"{tag}{item.dataset_name}: {item.summary}" if item.dataset_slug else item.summary

    def item_description(self, item: history.EntryChanges) -> str:
        lines = []
        for change in item.changes:
            lines.append(change.summary + "".join(f"; {f}: {old} → {new}" for f, old, new in change.details))
        return "\n".join(lines)

    def item_link(self, item: history.EntryChanges) -> str:
        return reverse("dataset-history", args=[item.dataset_slug]) if item.dataset_slug else reverse("changes")

    def item_guid(self, item: history.EntryChanges) -> str:
        """An id from what changed, not from when or in which database row: the same change keeps its
        id through a backup and restore and through a reseed of the catalogue."""
        return item.tag

    def item_author_name(self, item: history.EntryChanges) -> str | None:
        users = sorted({c.user for c in item.changes if c.user})
        return ", ".join(users) or None

    item_guid_is_permalink = False

    def item_updateddate(self, item: history.EntryChanges):
        return item.when

    def item_pubdate(self, item: history.EntryChanges):
        return item.when
