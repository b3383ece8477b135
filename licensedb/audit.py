"""Auditing a training set: a list of references checked against chosen uses in one report.

Plain Python: reading what people paste or upload (``read_references``) and the rules of the answer
(``summarise``). ``licensedb.audit_store`` gathers the verdicts from the database; the CLI
(``licensedb.cli``) does the same offline from a catalogue export.

The rules of the answer:

- Each reference is resolved (``licensedb.resolver``). An ambiguous reference is bad input: the
  person must say which entry they mean, so the audit refuses it (a 4xx naming the candidates).
- A reference that is not in the catalogue stays in the report with suggestions, and makes the
  overall answer of every use at least ``unclear``: an unknown dataset never passes silently.
- Per use, the overall answer is the most restrictive effective verdict of the resolved entries (and
  ``unclear`` for unresolved ones); ``blocking`` names the lines that set it, and ``conditions`` are
  every condition of the conditional lines, all of which have to be met.
- Ancestors pulled in through lineage are listed as such, with what their own terms say. Their
  dataset terms are already inside the derived entry's verdict, so they do not count twice.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import yaml

from .resolver import MAX_REFERENCE_LENGTH, NOT_FOUND, Resolution
from .verdicts import ALLOWED, CONDITIONAL, PROHIBITED, UNCLEAR, most_restrictive
from .vocabulary import RISK, USE_KEYS

MAX_REFERENCES = 1000
MAX_INPUT_BYTES = 2_000_000
DEFAULT_USES = ("commercial_training", "model_release")
REFERENCE_COLUMNS = ("reference", "ref", "dataset", "datasets", "model", "id", "identifier", "name", "url", "link")


class AuditInputError(ValueError):
    """Input that cannot be audited; the message says what to fix."""


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        text = data
    else:
        if len(data) > MAX_INPUT_BYTES:
            raise AuditInputError(f"The file is larger than {MAX_INPUT_BYTES // 1_000_000} MB; audit at most {MAX_REFERENCES} references at a time.")
        if b"\x00" in data:
            raise AuditInputError("This is not a text file: give references as plain text, CSV, JSON or a model card.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise AuditInputError("This file is not UTF-8 text: give references as plain text, CSV, JSON or a model card.") from error
    if "\x00" in text:
        raise AuditInputError("The references contain a NUL character, which no reference has.")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_INPUT_BYTES:
        raise AuditInputError(f"The input is larger than {MAX_INPUT_BYTES // 1_000_000} MB; audit at most {MAX_REFERENCES} references at a time.")
    return text.lstrip("\ufeff")


def _from_json(text: str) -> list[str]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise AuditInputError(f"This looks like JSON but does not parse: {str(error)[:120]}.") from error
    if isinstance(data, dict):
        for key in ("references", "datasets", "models", "refs"):
            if key in data:
                data = data[key]
                break
        else:
            raise AuditInputError('Give a JSON list of references, or an object with a "references" (or "datasets") list.')
    if isinstance(data, str):
        data = [data]
    if not isinstance(data, list):
        raise AuditInputError("The JSON must be a list of references.")
    refs = []
    for item in data:
        if isinstance(item, str):
            refs.append(item)
        elif isinstance(item, dict):
            value = next((item[k] for k in ("reference", "ref", "id", "dataset", "name", "url") if isinstance(item.get(k), str)), None)
            if value is None:
                raise AuditInputError('Each JSON item is a reference string or an object with a "reference" field.')
            refs.append(value)
        else:
            raise AuditInputError("Each JSON item is a reference string.")
    return refs


def _from_front_matter(text: str) -> list[str]:
    lines = text.splitlines()
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    except StopIteration as error:
        raise AuditInputError("The YAML front matter has no closing '---' line.") from error
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as error:
        raise AuditInputError(f"The model card's YAML front matter does not parse: {str(error).splitlines()[0][:120]}.") from error
    if not isinstance(meta, dict):
        raise AuditInputError("The model card's front matter is not a YAML mapping.")
    refs: list[str] = []
    for key in ("datasets", "base_model"):
        value = meta.get(key)
        if isinstance(value, str):
            refs.append(value)
        elif isinstance(value, list):
            refs += [str(v) for v in value if isinstance(v, (str, int, float))]
    if not refs:
        raise AuditInputError("The model card's front matter lists no `datasets:`.")
    return refs


def _from_csv(text: str) -> list[str]:
    try:
        rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise AuditInputError(f"The CSV does not parse: {error}.") from error
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    column = next((header.index(name) for name in REFERENCE_COLUMNS if name in header), None)
    body = rows[1:] if column is not None else rows
    column = column or 0
    return [row[column] for row in body if len(row) > column]


def read_references(data: bytes | str, filename: str = "", content_type: str = "") -> list[str]:
    """The references in pasted text or an uploaded file: plain text (one per line, '#' comments),
    CSV (a column named reference, dataset, name, url...; else the first column), JSON (a list, or an
    object with a "references" list), or a model card / README whose YAML front matter lists datasets."""
    text = _decode(data)
    stripped = text.strip()
    name = (filename or "").lower()
    if not stripped:
        raise AuditInputError("No references given: paste one per line or upload a file.")
    if name.endswith(".json") or "json" in (content_type or "") or stripped[:1] in "[{":
        refs = _from_json(stripped)
    elif stripped.startswith("---"):
        refs = _from_front_matter(stripped)
    elif name.endswith(".csv") or "csv" in (content_type or ""):
        refs = _from_csv(text)
    else:
        refs = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return read_reference_list(refs)


def read_reference_list(items: Iterable[str]) -> list[str]:
    """A list of references as given (no format to detect): blanks dropped, repeats merged, limits checked."""
    refs = [str(r).strip() for r in items if str(r).strip()]
    if any("\x00" in r for r in refs):
        raise AuditInputError("The references contain a NUL character, which no reference has.")
    if not refs:
        raise AuditInputError("No references found in the input.")
    too_long = [i for i, r in enumerate(refs, start=1) if len(r) > MAX_REFERENCE_LENGTH]
    if too_long:
        raise AuditInputError(
            f"Reference {too_long[0]} is {len(refs[too_long[0] - 1]):,} characters long; a reference is at most {MAX_REFERENCE_LENGTH}."
        )
    unique = list(dict.fromkeys(refs))
    if len(unique) > MAX_REFERENCES:
        raise AuditInputError(f"{len(unique):,} references given; audit at most {MAX_REFERENCES:,} at a time.")
    return unique


def read_uses(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None or values == "" or values == []:
        return DEFAULT_USES
    if isinstance(values, str):
        values = [v for v in values.replace(",", " ").split() if v]
    uses = tuple(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))
    unknown = [u for u in uses if u not in USE_KEYS]
    if unknown:
        raise AuditInputError(f"Unknown use: {', '.join(u[:40] for u in unknown[:5])}. Known uses: {', '.join(USE_KEYS)}.")
    return uses or DEFAULT_USES


# --- the answer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One entry's answer for one use, as the report shows it."""

    value: str
    own: str = UNCLEAR
    because: str = ""
    decided_by: str = ""
    conditions: tuple[str, ...] = ()
    evidence: tuple[dict, ...] = ()  # {"url", "location", "accessed", "summary"}
    route_note: str = ""


@dataclass
class Line:
    reference: str
    resolution: Resolution
    answers: dict[str, Answer] = field(default_factory=dict)  # use -> answer (resolved lines)
    ancestor_of: tuple[str, ...] = ()  # for lines pulled in through lineage: the entries that pulled them

    @property
    def resolved(self) -> bool:
        return self.resolution.resolved


@dataclass
class Report:
    uses: tuple[str, ...]
    lines: list[Line]
    ancestors: list[Line]
    overall: dict[str, str]
    blocking: dict[str, list[str]]
    conditions: dict[str, list[str]]
    revision: int = 0
    generated: str = ""

    @property
    def unresolved(self) -> list[Line]:
        return [line for line in self.lines if not line.resolved]

    @property
    def passes(self) -> bool:
        return not self.unresolved and all(v == ALLOWED for v in self.overall.values())

    @property
    def exit_status(self) -> int:
        """0: every reference resolved and every use allowed; 1: a use blocked or conditional;
        2: a reference not resolved."""
        if self.unresolved:
            return 2
        return 0 if self.passes else 1


def ambiguous(resolutions: Iterable[Resolution]) -> list[Resolution]:
    return [r for r in resolutions if r.status not in ("resolved", NOT_FOUND)]


def summarise(uses: tuple[str, ...], lines: list[Line], ancestors: list[Line]) -> tuple[dict, dict, dict]:
    overall: dict[str, str] = {}
    blocking: dict[str, list[str]] = {}
    conditions: dict[str, list[str]] = {}
    for use in uses:
        values = [line.answers[use].value for line in lines if line.resolved and use in line.answers]
        if any(not line.resolved for line in lines):
            values.append(UNCLEAR)
        value = most_restrictive(values) if values else UNCLEAR
        overall[use] = value
        if value != ALLOWED:
            blocking[use] = [
                line.reference for line in lines
                if (line.resolved and line.answers[use].value == value) or (not line.resolved and value == UNCLEAR)
            ]
        else:
            blocking[use] = []
        if value == CONDITIONAL:
            conditions[use] = list(dict.fromkeys(
                c for line in lines if line.resolved and line.answers[use].value == CONDITIONAL
                for c in line.answers[use].conditions
            ))
        else:
            conditions[use] = []
    return overall, blocking, conditions


def worst(values: Mapping[str, str]) -> str:
    return max(values.values(), key=RISK.__getitem__, default=UNCLEAR)


__all__ = [
    "ALLOWED", "CONDITIONAL", "PROHIBITED", "UNCLEAR", "AuditInputError", "Answer", "Line", "Report",
    "read_references", "read_uses", "summarise", "ambiguous",
]
