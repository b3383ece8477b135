"""Curation rules, in words a curator understands.

One place for the rules that the admin, the API and the fixture check all enforce, so that a
curator gets the same message wherever the data comes in.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from django.utils import timezone

from .text import name_key
from .verdicts import LineageCycleError, find_cycle_from
from .vocabulary import VerdictValue

EVIDENCE_REQUIRED = (
    "A verdict other than 'unclear' needs evidence. Add the source under Evidence (and save), then "
    "select it here, or set the verdict to 'unclear' and say in the note what was looked for."
)
EVIDENCE_REQUIRED_HERE = (
    "A verdict other than 'unclear' needs evidence: tick the source it rests on, or record a new source "
    "below; or set the verdict to 'unclear' and say in the note what was looked for."
)
UNCLEAR_NEEDS_NOTE = "Say what was looked for and not found, so the next curator knows where to look."
URL_NOT_HTTP = "Enter a web address that starts with http:// or https://."
ACCESS_DATE_IN_FUTURE = "The access date cannot be in the future: use the date the source was read."
PUBLISHED_FROM_DRAFT = (
    "A published entry cannot be derived from a draft entry ({parents}): publish the parent first, or "
    "keep this entry as a draft."
)
DRAFT_WITH_PUBLISHED_CHILDREN = (
    "This entry cannot go back to draft while published entries are derived from it ({children})."
)
EDIT_CONFLICT = (
    "{entry} was changed by {who} at {when} after you opened it, so your changes were not saved. They "
    "are still in the form below: open the entry again in another tab to see the other changes, then "
    "apply yours and save."
)
EDIT_VERSION_MISSING = (
    "This form did not say which version of the entry it was opened on, so it could not be checked "
    "against other curators' changes and was not saved. Open the entry again and re-apply your changes."
)
BULK_VERSION_STALE = (
    "Not changed, because they were edited after this list was loaded (or the list did not say which "
    "version it showed): {names}. Reload the list and try again."
)
TAKEDOWN_NEEDS_DATE = "A withdrawn or taken-down dataset needs the date it happened."
TAKEDOWN_NEEDS_REASON = "Say why the dataset was withdrawn or taken down."


def today() -> datetime.date:
    return timezone.localdate()


def is_http_url(url: str) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def verdict_needs_evidence(value: str, evidence_count: int) -> bool:
    return value != VerdictValue.UNCLEAR and evidence_count == 0


def access_date_in_future(accessed: datetime.date | None) -> bool:
    return accessed is not None and accessed > today()


def lineage_cycle(child: str, parents: Iterable[str], edges: Mapping[str, Iterable[str]]) -> LineageCycleError | None:
    """The cycle that giving ``child`` these ``parents`` would create, if any.

    ``edges`` maps every other dataset to its parents as they stand.
    """
    graph = {key: list(value) for key, value in edges.items()}
    graph[child] = list(parents)
    try:
        find_cycle_from(child, lambda node: graph.get(node, ()))
    except LineageCycleError as error:
        return error
    return None


def duplicate_names(names: Iterable[str]) -> dict[str, list[str]]:
    """Groups of names that collide once case, spaces and hyphens are ignored."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name_key(name), []).append(name)
    return {key: group for key, group in groups.items() if len(group) > 1}


def edit_conflict(dataset, version_seen: int | None) -> str | None:
    """A message if the dataset was saved since ``version_seen`` was read, else None.

    Locks the row for the rest of the transaction, so that two saves cannot both pass the check.
    """
    if dataset.pk is None or version_seen is None:
        return None
    current = type(dataset).objects.select_for_update().filter(pk=dataset.pk).values_list("version", flat=True).first()
    if current is None or current == version_seen:
        return None
    last = dataset.history.select_related("history_user").order_by("-history_date").first()
    who = last.history_user.get_username() if last and last.history_user else "another curator"
    when = f"{last.history_date:%Y-%m-%d %H:%M} UTC" if last else "an earlier time"
    return EDIT_CONFLICT.format(entry=dataset.name, who=who, when=when)
