"""How answers read on a page: dates, source names, the answer in words, and evidence shown once.

Plain Python over the engine's results (``licensedb.verdicts``) and model instances; the views call
it and the templates only print what it returns, so every page words the same thing the same way.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .vocabulary import USES_BY_KEY, EvidenceKind, VerdictValue

DATE_FORMAT = "%-d %b %Y"  # 24 Nov 2026: the one format for dates on every page


def display_date(value, with_time: bool = False) -> str:
    """A date (or a date-time, in UTC) as every page shows it: ``24 Nov 2026`` (``24 Nov 2026, 10:14 UTC``)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10]) if not with_time else datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc)
        text = value.strftime(DATE_FORMAT)
        return f"{text}, {value:%H:%M} UTC" if with_time else text
    return value.strftime(DATE_FORMAT)


# --- sources ----------------------------------------------------------------------------------

_KIND_LABELS = dict(EvidenceKind.choices)
_HOST_NAMES = {
    "github.com": "GitHub",
    "huggingface.co": "Hugging Face",
    "arxiv.org": "arXiv",
    "web.archive.org": "the Internet Archive",
    "gitlab.com": "GitLab",
    "doi.org": "DOI",
}


def source_name(url: str) -> str:
    """Where a source lives, as a person would name it: ``GitHub EGO4D/docs``, ``arXiv 2110.07058``,
    ``www.youtube.com`` becomes ``youtube.com``, an Open Terms Archive copy names the service's document."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if host == "github.com" and len(segments) >= 6 and segments[0] == "OpenTermsArchive" and segments[2] == "blob":
        # a dated copy of a service's terms kept by Open Terms Archive: name the service and the document
        document = unquote(segments[-1]).removesuffix(".md")
        return f"Open Terms Archive copy of {unquote(segments[-2])} {document}"
    if host == "github.com" and len(segments) >= 2:
        return f"GitHub {segments[0]}/{segments[1]}"
    if host == "huggingface.co" and segments:
        kept = segments[1:3] if segments[0] in ("datasets", "spaces") else segments[:2]
        return "Hugging Face " + "/".join(kept)
    if host == "arxiv.org" and len(segments) >= 2:
        return f"arXiv {segments[1].removesuffix('.pdf')}"
    if host == "web.archive.org":
        inner = url.split("/http", 1)
        if len(inner) == 2:
            return f"{source_name('http' + inner[1])} (archived copy)"
    return _HOST_NAMES.get(host, host or url)


def source_title(evidence) -> str:
    """The link text of a source: what it is and where (``Licence agreement, GitHub EGO4D/EGO4D.github.io``)."""
    kind = _KIND_LABELS.get(getattr(evidence, "kind", "") or "", "")
    title = getattr(evidence, "title", "") or kind or "Source"
    return f"{title}, {source_name(evidence.url)}"


# --- the answer in words ------------------------------------------------------------------------

# The two questions most people come with, asked in the title block of every dataset page.
HEADLINE_USES = (
    ("commercial_training", "Can a company train a commercial model on it?"),
    ("redistribute_media", "Can you share the videos?"),
)

_LEADS = {
    VerdictValue.ALLOWED: "Yes",
    VerdictValue.CONDITIONAL: "Yes, on conditions",
    VerdictValue.PROHIBITED: "No",
    VerdictValue.UNCLEAR: "Unclear",
}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def condition_phrase(slugs, names: dict[str, str]) -> str:
    """``Accept the terms of use, keep it to yourself and only for the listed purposes``."""
    items = [names.get(s, s.replace("_", " ")) for s in slugs]
    items = [items[0]] + [_lower_first(i) for i in items[1:]] if items else items
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def answer_in_words(effective, names: dict[str, str]) -> str:
    """One sentence that answers a use's question: ``Yes, on conditions: accept the terms...``."""
    value = effective.value
    lead = _LEADS.get(value, "Unclear")
    if value == VerdictValue.CONDITIONAL and effective.conditions:
        return f"{lead}: {_lower_first(condition_phrase(effective.conditions, names))}."
    if value == VerdictValue.ALLOWED:
        return f"{lead}: the terms that bind it allow it."
    if value == VerdictValue.PROHIBITED:
        reason = effective.because or "its own terms forbid it"
        return f"{lead}: {reason}."
    reason = effective.because or "the sources say nothing about it, or contradict each other"
    return f"{lead}: {reason}."


@dataclass
class Headline:
    use: str
    label: str
    question: str
    value: str
    sentence: str
    conditions: list[str] = field(default_factory=list)


def headlines(results: dict, names: dict[str, str]) -> list[Headline]:
    """The two questions of the title block, answered in words."""
    out = []
    for key, question in HEADLINE_USES:
        effective = results[key]
        out.append(Headline(key, USES_BY_KEY[key].label, question, effective.value, answer_in_words(effective, names),
                            [names.get(c, c) for c in effective.conditions]))
    return out


def summary_count(values: list[str], use_label: str) -> str:
    """``0 of 3 allow commercial training`` (with how many of those only on conditions)."""
    total = len(values)
    allowed = sum(1 for v in values if v == VerdictValue.ALLOWED)
    conditional = sum(1 for v in values if v == VerdictValue.CONDITIONAL)
    text = f"{allowed + conditional} of {total} allow {_lower_first(use_label)}"
    if conditional:
        text += f" ({conditional} only on conditions)" if allowed else " (only on conditions)"
    return text


# --- evidence shown once per page -----------------------------------------------------------------


@dataclass
class ShownLayer:
    """A layer as a dataset page shows it: its note and sources in full the first time, then a pointer."""

    layer: object
    note: str
    note_seen_in: str  # the use under which the same note was shown in full ("" the first time)
    sources: list[tuple[object, str]]  # (evidence, use key where it is shown in full, or "")
    notes: list[tuple[object, str]] = field(default_factory=list)  # (jurisdiction note, where shown in full)


def dedupe_layers(grid: list[dict]) -> None:
    """Give every row of a dataset page's verdict grid ``shown_layers``: a platform's long terms
    paragraph (and any source) appears in full once, under the first use that needs it; the other
    rows link to it. Mutates the rows in place."""
    notes_seen: dict[str, tuple] = {}
    sources_seen: dict[int, tuple] = {}
    laws_seen: dict[str, tuple] = {}
    conditions_seen: set[str] = set()
    for row in grid:
        key = row["use"].key
        # each condition is explained once, under the first use that carries it
        row["new_conditions"] = [c for c in row.get("conditions", []) if c.slug not in conditions_seen]
        conditions_seen.update(c.slug for c in row.get("conditions", []))
        shown = []
        for position, layer in enumerate(row["result"].layers):
            here = (key, position)
            note_at = ""
            if layer.note and len(layer.note) > 160:
                first = notes_seen.setdefault(layer.note, here)
                note_at = "" if first == here else first[0]
            sources = []
            for ev in layer.evidence:
                first = sources_seen.setdefault(ev.id, here)
                sources.append((ev, "" if first == here else first[0]))
            laws = []
            for law in layer.notes:
                first = laws_seen.setdefault(law.slug, here)
                laws.append((law, "" if first == here else first[0]))
            shown.append(ShownLayer(layer, layer.note, note_at, sources, laws))
        row["shown_layers"] = shown


# --- the catalogue as a table ---------------------------------------------------------------------

# ``sort=<use>`` puts the most permissive answers first, ``sort=-<use>`` the most restrictive.
TABLE_SORTS = tuple(key for use in USES_BY_KEY for key in (use, f"-{use}"))


def order_by_verdict(queryset, sort: str):
    """Datasets ordered by the effective verdict of one use (risk order), then by name."""
    from django.db.models import Case, IntegerField, Value, When

    from .vocabulary import RISK

    use = sort.removeprefix("-")
    rank = Case(*(When(**{f"effective__{use}": value}, then=Value(risk)) for value, risk in RISK.items()),
                default=Value(2), output_field=IntegerField())
    return queryset.annotate(verdict_rank=rank).order_by("-verdict_rank" if sort.startswith("-") else "verdict_rank", "name")
