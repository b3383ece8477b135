"""Exports people take to their legal review: the catalogue as CSV and JSON and a provenance card
(BibTeX is in licensedb.bibtex, Croissant in licensedb.croissant). Only published entries ever appear.
Licences are named by slug and SPDX identifier (licensedb.licensing); every CSV cell goes through
licensedb.csvcells, which keeps spreadsheets from running it as a formula."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch

from . import licensing, verdict_store
from .csvcells import CsvRows, to_csv
from .models import Dataset, DatasetLicence
from .vocabulary import USE_KEYS, USES, INHERITED_PREFIX, LicenceLayer, VerdictValue

CATALOGUE_FIELDS = [
    "slug", "name", "aliases", "year", "organisations", "status", "status_date", "licences", "spdx",
    "licence_categories", "code_licences", "platforms", "distribution", "access", "provenance_risk", "derived_from",
    "last_reviewed", "url",
]


def _published_with_details():
    current = DatasetLicence.objects.current().select_related("licence")
    return (
        Dataset.objects.published()
        .select_related("effective")
        .prefetch_related(
            "aliases", "organisations", "platforms", "derived_from", "distribution", "identifiers",
            Prefetch("licence_lines", queryset=current, to_attr="current_lines"),
        )
        .order_by("name")
    )


STREAM_CHUNK = 500  # datasets read (with their related rows) per round of queries while streaming


def catalogue_records(base_url: str = "") -> list[dict]:
    """One record per published dataset, with the effective verdict of every use."""
    return list(iter_catalogue_records(base_url))


def iter_catalogue_records(base_url: str = "", chunk: int = STREAM_CHUNK) -> Iterator[dict]:
    """The records of :func:`catalogue_records` one at a time, reading the database a chunk of datasets
    at a time (an iterator query with its prefetches per chunk), so memory stays flat however large
    the catalogue is and the first record is ready after the first chunk."""
    for d in _published_with_details().iterator(chunk_size=chunk):
        data = [l for l in d.current_lines if l.layer == LicenceLayer.DATASET_TERMS]
        code = [l for l in d.current_lines if l.layer == LicenceLayer.CODE]
        effective = getattr(d, "effective", None)
        yield {
            "slug": d.slug,
            "name": d.name,
            "aliases": [a.name for a in d.aliases.all()],
            "year": d.year,
            "organisations": [o.name for o in d.organisations.all()],
            "status": d.status,
            "status_date": d.status_date.isoformat() if d.status_date else None,
            "licences": licensing.slugs(data),
            "spdx": licensing.spdx_expression(data),
            "licence_categories": sorted({l.licence.category for l in licensing.stated(data)}),
            "code_licences": licensing.slugs(code),
            "platforms": [p.slug for p in d.platforms.all()],
            "distribution": sorted(f.slug for f in d.distribution.all()),
            "access": d.access,
            "provenance_risk": "yes" if effective and effective.provenance_risk else "no",
            "derived_from": sorted(p.slug for p in d.derived_from.all()),
            "last_reviewed": d.last_reviewed.isoformat() if d.last_reviewed else None,
            "url": base_url + d.get_absolute_url(),
            "verdicts": {use: getattr(effective, use) if effective else VerdictValue.UNCLEAR for use in USE_KEYS},
            "own_terms": {use: (effective.own or {}).get(use, VerdictValue.UNCLEAR) if effective else VerdictValue.UNCLEAR
                          for use in USE_KEYS},
            # what an offline audit needs (``licensedb audit --catalogue``): how each answer was reached
            "answers": {
                use: {
                    "effective": getattr(effective, use) if effective else VerdictValue.UNCLEAR,
                    "own": (effective.own or {}).get(use, VerdictValue.UNCLEAR) if effective else VerdictValue.UNCLEAR,
                    "decided_by": (effective.decided_by or {}).get(use, "dataset_terms") if effective else "dataset_terms",
                    "conditions": list((effective.conditions or {}).get(use, [])) if effective else [],
                }
                for use in USE_KEYS
            },
            "identifiers": [
                {"kind": i.kind, "value": i.value, "key": i.key, "official": i.official} for i in d.identifiers.all()
            ],
        }


def catalogue_header() -> list[str]:
    return CATALOGUE_FIELDS + list(USE_KEYS) + [f"own_terms_{use}" for use in USE_KEYS]


def catalogue_row(record: dict) -> list:
    """One record as a CSV row (lists joined with "; "), in the order of catalogue_header()."""
    row = []
    for field in CATALOGUE_FIELDS:
        value = record[field]
        row.append("; ".join(value) if isinstance(value, list) else ("" if value is None else value))
    return row + [record["verdicts"][use] for use in USE_KEYS] + [record["own_terms"][use] for use in USE_KEYS]


def catalogue_csv(records: Iterable[dict], excel: bool = False) -> str:
    return "".join(catalogue_csv_lines(records, excel=excel))


def catalogue_csv_lines(records: Iterable[dict], excel: bool = False) -> Iterator[str]:
    """The catalogue CSV line by line (the header first), for a streamed response."""
    writer = CsvRows(excel)
    yield writer.start() + writer.row(catalogue_header())
    for record in records:
        yield writer.row(catalogue_row(record))


def catalogue_json_chunks(head: dict, records: Iterable[dict], tail: dict) -> Iterator[str]:
    """``{**head, "datasets": [records...], **tail}`` as JSON text, a record at a time (for a streamed
    response; the same document ``json.dumps`` would give, laid out one record per block)."""
    opening = json.dumps(head, indent=1)[:-2]  # without the closing "\n}"
    yield opening + (',\n' if head else '') + ' "datasets": ['
    for n, record in enumerate(records):
        yield ("," if n else "") + "\n  " + json.dumps(record, indent=1).replace("\n", "\n  ")
    yield "\n ]"
    for key, value in tail.items():
        yield ",\n " + json.dumps(key) + ": " + json.dumps(value, indent=1).replace("\n", "\n ")
    yield "\n}\n"


def table_csv(table: list[list[str]], excel: bool = False) -> str:
    return to_csv(table, excel=excel)


# --- provenance card ---------------------------------------------------------------------------------


def provenance_card(datasets: list[Dataset], base_url: str = "") -> str:
    """A markdown data card: which datasets, under which terms, and which uses are blocked and why."""
    explanations, catalogue = verdict_store.explain_many_with_catalogue(datasets)
    ancestors = {r.decided_by[len(INHERITED_PREFIX):] for e in explanations.values() for r in e.values()
                 if r.decided_by.startswith(INHERITED_PREFIX)}
    names = dict(Dataset.objects.filter(slug__in=ancestors).values_list("slug", "name"))
    current = DatasetLicence.objects.current().filter(layer=LicenceLayer.DATASET_TERMS).select_related("licence")
    order = {d.pk: i for i, d in enumerate(datasets)}
    datasets = sorted(
        Dataset.objects.filter(pk__in=order).prefetch_related(
            "platforms", Prefetch("licence_lines", queryset=current, to_attr="current_terms")),
        key=lambda d: order[d.pk],
    )
    lines = ["# Data provenance card", "", f"Generated by licensedb from {len(datasets)} dataset(s).", ""]
    lines += ["## Datasets", "", "| Dataset | Licence (data, SPDX) | Videos from | Status |", "| --- | --- | --- | --- |"]
    for d in datasets:
        licences = licensing.spdx_expression(d.current_terms)
        platforms = ", ".join(p.name for p in d.platforms.all()) or "not recorded"
        lines.append(f"| [{d.name}]({base_url}{d.get_absolute_url()}) | {licences} | {platforms} | {d.get_status_display()} |")
    lines += ["", "## Effective verdicts", "", "| Use | " + " | ".join(d.name for d in datasets) + " |",
              "| --- |" + " --- |" * len(datasets)]
    for use in USES:
        lines.append(f"| {use.label} | " + " | ".join(explanations[d.slug][use.key].value for d in datasets) + " |")
    risks = {d.slug: verdict_store.provenance(d, catalogue) for d in datasets}
    if any(risks.values()):
        lines += ["", "## Provenance risk", ""]
        for d in datasets:
            if risks[d.slug]:
                evidence = ", ".join(f"<{e.url}>" for e in risks[d.slug].evidence[:2])
                lines.append(f"- **{d.name}**: {risks[d.slug].summary}" + (f" Sources: {evidence}" if evidence else ""))
    lines += ["", "## Blocked or uncertain uses", ""]
    blocked = False
    for use in USES:
        for d in datasets:
            result = explanations[d.slug][use.key]
            if result.value in (VerdictValue.PROHIBITED, VerdictValue.UNCLEAR):
                blocked = True
                decided = result.decided_by
                source = (
                    f"inherited from {names.get(decided[len(INHERITED_PREFIX):], decided[len(INHERITED_PREFIX):])}"
                    if decided.startswith(INHERITED_PREFIX) else decided.replace("_", " ")
                )
                note = result.deciding_layer.note.strip().replace("\n", " ")
                evidence = ", ".join(f"<{e.url}>" for e in result.evidence[:2])
                own = f"; own terms: {result.own}, {result.because}" if result.differs else ""
                lines.append(
                    f"- **{use.label}** with **{d.name}**: {result.value} (decided by {source}{own})"
                    + (f". {note}" if note else "") + (f" Sources: {evidence}" if evidence else "")
                )
    if not blocked:
        lines.append("None: every use is allowed or conditional for these datasets.")
    lines += ["", "Verdicts are research, not legal advice; check the dated sources behind each one.", ""]
    return "\n".join(lines)


def safe_cell(value):
    """A CSV cell that a spreadsheet will not run as a formula (see licensedb.csvcells)."""
    from .csvcells import safe_cell as safe

    return safe(value)


# --- models ------------------------------------------------------------------------------------------


def model_records(base_url: str = "") -> list[dict]:
    """One record per published model: weights licences, disclosure, declared data and stored answers."""
    from .models import ModelLicence, TrainedModel, TrainingData
    from .vocabulary import MODEL_USE_KEYS

    models = (
        TrainedModel.objects.published()
        .select_related("effective")
        .prefetch_related(
            "organisations", "aliases", "identifiers",
            Prefetch("licence_lines", queryset=ModelLicence.objects.select_related("licence")),
            Prefetch("training_data", queryset=TrainingData.objects.select_related("dataset")),
        )
        .order_by("name")
    )
    records = []
    for m in models:
        effective = getattr(m, "effective", None)
        records.append({
            "slug": m.slug,
            "name": m.name,
            "aliases": [a.name for a in m.aliases.all()],
            "kind": m.kind,
            "organisations": [o.name for o in m.organisations.all()],
            "released": m.released.isoformat() if m.released else None,
            "weights_licences": [l.licence.short_name for l in m.licence_lines.all() if l.layer == "weights" and l.valid_until is None],
            "disclosure": m.disclosure,
            "training_data": [{"dataset": t.dataset.slug, "role": t.role} for t in m.training_data.all()],
            "conflict": bool(effective and effective.conflict),
            "answers": {
                use: {
                    "effective": getattr(effective, use) if effective else VerdictValue.UNCLEAR,
                    "weights": (effective.weights or {}).get(use, VerdictValue.UNCLEAR) if effective else VerdictValue.UNCLEAR,
                    "decided_by": (effective.decided_by or {}).get(use, "weights") if effective else "weights",
                    "conflicts": (effective.conflicts or {}).get(use, []) if effective else [],
                }
                for use in MODEL_USE_KEYS
            },
            "identifiers": [{"kind": i.kind, "value": i.value, "key": i.key, "official": i.official} for i in m.identifiers.all()],
            "url": base_url + m.get_absolute_url(),
        })
    return records


MODEL_CSV_FIELDS = ["slug", "name", "kind", "organisations", "released", "weights_licences", "disclosure", "conflict", "url"]


def models_csv(records: list[dict], excel: bool = False) -> str:
    from .vocabulary import MODEL_USE_KEYS

    header = MODEL_CSV_FIELDS + list(MODEL_USE_KEYS) + [f"weights_{use}" for use in MODEL_USE_KEYS] + ["training_data"]
    rows = [header]
    for record in records:
        row = ["; ".join(record[f]) if isinstance(record[f], list) else ("" if record[f] is None else record[f])
               for f in MODEL_CSV_FIELDS]
        row += [record["answers"][use]["effective"] for use in MODEL_USE_KEYS]
        row += [record["answers"][use]["weights"] for use in MODEL_USE_KEYS]
        row.append("; ".join(f"{t['dataset']} ({t['role']})" for t in record["training_data"]))
        rows.append(row)
    return to_csv(rows, excel=excel)
