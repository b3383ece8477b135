"""Exports people take to their legal review: catalogue CSV/JSON, BibTeX, Croissant JSON-LD and a
provenance card. Only published entries ever appear."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from django.db.models import Prefetch

from . import verdict_store
from .models import Condition, Dataset, DatasetLicence
from .verdicts import Effective
from .vocabulary import USE_KEYS, USES, INHERITED_PREFIX, LicenceLayer, VerdictValue

CATALOGUE_FIELDS = [
    "slug", "name", "aliases", "year", "organisations", "status", "status_date", "licences", "licence_categories",
    "code_licences", "platforms", "distribution", "access", "provenance_risk", "derived_from", "last_reviewed", "url",
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


def catalogue_records(base_url: str = "") -> list[dict]:
    """One record per published dataset, with the effective verdict of every use."""
    records = []
    for d in _published_with_details():
        data = [l for l in d.current_lines if l.layer == LicenceLayer.DATASET_TERMS]
        code = [l for l in d.current_lines if l.layer == LicenceLayer.CODE]
        effective = getattr(d, "effective", None)
        records.append({
            "slug": d.slug,
            "name": d.name,
            "aliases": [a.name for a in d.aliases.all()],
            "year": d.year,
            "organisations": [o.name for o in d.organisations.all()],
            "status": d.status,
            "status_date": d.status_date.isoformat() if d.status_date else None,
            "licences": [l.licence.short_name for l in data],
            "licence_categories": sorted({l.licence.category for l in data}),
            "code_licences": [l.licence.short_name for l in code],
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
        })
    return records


def catalogue_csv(records: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CATALOGUE_FIELDS + list(USE_KEYS) + [f"own_terms_{use}" for use in USE_KEYS])
    for record in records:
        row = []
        for field in CATALOGUE_FIELDS:
            value = record[field]
            row.append("; ".join(value) if isinstance(value, list) else ("" if value is None else value))
        writer.writerow(row + [record["verdicts"][use] for use in USE_KEYS] + [record["own_terms"][use] for use in USE_KEYS])
    return out.getvalue()


def table_csv(table: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(table)
    return out.getvalue()


# --- BibTeX ------------------------------------------------------------------------------------------


def _bib_escape(text: str) -> str:
    return re.sub(r"([{}\\%&$#_])", r"\\\1", text or "")


def citation_key(dataset: Dataset) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", dataset.slug.title()) or f"dataset{dataset.pk}"


def bibtex(dataset: Dataset) -> str:
    """The entry the creators ask for, or a @misc entry built from what we know."""
    if dataset.bibtex.strip():
        return dataset.bibtex.strip() + "\n"
    fields = [f"  title = {{{_bib_escape(dataset.name)}}}"]
    organisations = [o.name for o in dataset.organisations.all()]
    if organisations:
        fields.append("  author = {" + " and ".join("{" + _bib_escape(o) + "}" for o in organisations) + "}")
    if dataset.year:
        fields.append(f"  year = {{{dataset.year}}}")
    if dataset.homepage:
        fields.append(f"  howpublished = {{\\url{{{dataset.homepage}}}}}")
    if dataset.paper_title:
        fields.append(f"  note = {{{_bib_escape('Dataset described in: ' + dataset.paper_title)}}}")
    return f"@misc{{{citation_key(dataset)},\n" + ",\n".join(fields) + "\n}\n"


def bibtex_many(datasets: Iterable[Dataset]) -> str:
    return "\n".join(bibtex(d) for d in datasets)


# --- Croissant-style JSON-LD -------------------------------------------------------------------------

CROISSANT_CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "citeAs": "cr:citeAs",
    "conformsTo": "dct:conformsTo",
    "licensedb": "https://licensedb.example/vocab#",
}


def _licence_id(line: DatasetLicence) -> str:
    lic = line.licence
    if lic.spdx_id:
        return f"https://spdx.org/licenses/{lic.spdx_id}.html"
    return lic.url or ""


def croissant(dataset: Dataset, explanation: dict[str, Effective], base_url: str) -> dict:
    lines = list(dataset.licence_lines.select_related("licence"))
    current = [l for l in lines if l.valid_until is None and l.layer == LicenceLayer.DATASET_TERMS]
    conditions = dict(Condition.objects.values_list("slug", "name"))
    page = base_url + dataset.get_absolute_url()
    usage = []
    for use in USES:
        result = explanation[use.key]
        text = f"{use.label}: {result.value}"
        if result.conditions:
            text += " (" + ", ".join(conditions.get(c, c) for c in result.conditions) + ")"
        decided = result.decided_by
        text += "; decided by " + (
            f"the terms inherited from {decided[len(INHERITED_PREFIX):]}" if decided.startswith(INHERITED_PREFIX)
            else decided.replace("_", " ")
        )
        usage.append({
            "@type": "sc:CreativeWork",
            "name": use.key,
            "description": text,
            "licensedb:verdict": result.value,
            "url": f"{page}#use-{use.key}",
        })
    document = {
        "@context": CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "@id": page,
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": dataset.name,
        "description": dataset.summary,
        "url": dataset.homepage or page,
        "sc:license": [
            {"@type": "sc:CreativeWork", "@id": _licence_id(l) or f"{page}#licences-h", "name": l.licence.name,
             "sc:description": l.scope or l.licence.summary}
            for l in current
        ],
        "usageInfo": usage,
        "conditionsOfAccess": dataset.get_access_display() + (f". {dataset.access_note}" if dataset.access_note else ""),
        "isAccessibleForFree": dataset.access in ("open", "gated"),
        "creator": [{"@type": "sc:Organization", "name": o.name} for o in dataset.organisations.all()],
        "prov:wasDerivedFrom": [
            {"@id": base_url + p.get_absolute_url(), "name": p.name} for p in dataset.derived_from.published()
        ],
        "licensedb:platformTerms": [
            {"@type": "sc:CreativeWork", "name": f"{p.name} terms", "@id": p.terms_url or base_url + p.get_absolute_url()}
            for p in dataset.platforms.all()
            if p.terms_apply
        ],
        "sdPublisher": {"@type": "sc:Organization", "name": "licensedb"},
        "sdDatePublished": (dataset.last_reviewed.isoformat() if dataset.last_reviewed else None),
    }
    if dataset.year:
        document["datePublished"] = str(dataset.year)
    if dataset.bibtex:
        document["citeAs"] = dataset.bibtex
    return {k: v for k, v in document.items() if v not in (None, [], "")}


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
    lines += ["## Datasets", "", "| Dataset | Licence (data) | Videos from | Status |", "| --- | --- | --- | --- |"]
    for d in datasets:
        licences = ", ".join(l.licence.short_name for l in d.current_terms) or "none recorded"
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
    """A CSV cell that a spreadsheet will not run as a formula (=, +, -, @, tab or CR first)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


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


def models_csv(records: list[dict]) -> str:
    from .vocabulary import MODEL_USE_KEYS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MODEL_CSV_FIELDS + list(MODEL_USE_KEYS) + [f"weights_{use}" for use in MODEL_USE_KEYS] + ["training_data"])
    for record in records:
        row = [safe_cell("; ".join(record[f]) if isinstance(record[f], list) else ("" if record[f] is None else record[f]))
               for f in MODEL_CSV_FIELDS]
        row += [record["answers"][use]["effective"] for use in MODEL_USE_KEYS]
        row += [record["answers"][use]["weights"] for use in MODEL_USE_KEYS]
        row.append("; ".join(f"{t['dataset']} ({t['role']})" for t in record["training_data"]))
        writer.writerow(row)
    return out.getvalue()
