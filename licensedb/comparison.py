"""The comparison table: datasets as columns; every use and the key facts as rows.

Built once, in a fixed number of queries, and rendered as a page, CSV, JSON or a printed page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse

from . import licensing, verdict_store
from .claims import check_claims
from .presentation import condition_phrase, display_date, summary_count
from .models import Condition, Dataset, DatasetLicence
from .vocabulary import USES, LicenceLayer, VerdictValue


@dataclass
class Cell:
    text: str
    link: str
    value: str | None = None  # a verdict value, for verdict rows
    conditions: tuple[str, ...] = ()  # condition slugs, for conditional verdicts
    condition_text: str = ""  # the conditions by name, as the page shows them under the verdict
    own_note: str = ""  # when the dataset's own terms say otherwise: what they say and what changes it


@dataclass
class Row:
    key: str
    label: str
    group: str  # "use" or "fact"
    cells: list[Cell] = field(default_factory=list)
    # Whether a difference in this row changes what someone may do. Rows that restate another row
    # (the SPDX expression, the licence category) or are bookkeeping (claims, last reviewed, the code
    # licence, which never decides) are shown but never marked as differing.
    material: bool = True
    summary: str = ""  # for use rows: "1 of 3 allow commercial training"

    @property
    def differs(self) -> bool:
        if not self.material:
            return False
        if self.group == "use":  # the answer, and what it asks of you
            return len({(c.value, c.conditions) for c in self.cells}) > 1
        return len({c.text for c in self.cells}) > 1


@dataclass
class Comparison:
    datasets: list[Dataset]
    rows: list[Row]

    @property
    def headline(self) -> list[Row]:
        """The use rows the page sums up first: commercial training and sharing the videos."""
        return [row for row in self.rows if row.key in ("commercial_training", "redistribute_media")]

    def as_dict(self, base_url: str = "") -> dict:
        return {
            "datasets": [
                {"slug": d.slug, "name": d.name, "url": base_url + d.get_absolute_url()} for d in self.datasets
            ],
            "rows": [
                {
                    "key": row.key,
                    "label": row.label,
                    "group": row.group,
                    "differs": row.differs,
                    **({"summary": row.summary} if row.summary else {}),
                    "values": [
                        {"text": c.text, **({"verdict": c.value, "conditions": list(c.conditions)} if c.value else {}),
                         "evidence": base_url + c.link}
                        for c in row.cells
                    ],
                }
                for row in self.rows
            ],
        }

    def as_table(self) -> list[list[str]]:
        """Header plus one line per row, for CSV. Rows are keyed like the catalogue CSV's columns and a
        use's cells hold the same verdict values (``allowed``...); a use with conditions is followed by
        a ``<use>_conditions`` row listing them (condition slugs, ``; ``-separated)."""
        table = [["row", "label", "differs", *[d.name for d in self.datasets]]]
        for row in self.rows:
            if row.group == "use":
                table.append([row.key, row.label, "yes" if row.differs else "no", *[c.value for c in row.cells]])
                if any(c.conditions for c in row.cells):
                    conditions = ["; ".join(c.conditions) for c in row.cells]
                    table.append([f"{row.key}_conditions", f"{row.label}: conditions",
                                  "yes" if len(set(conditions)) > 1 else "no", *conditions])
            else:
                table.append([row.key, row.label, "yes" if row.differs else "no", *[c.text for c in row.cells]])
        return table


def _load(datasets: list[Dataset]) -> list[Dataset]:
    slugs = [d.slug for d in datasets]
    loaded = {
        d.slug: d
        for d in Dataset.objects.filter(slug__in=slugs).prefetch_related(
            "platforms",
            "derived_from",
            "distribution",
            "claims__licence",
            Prefetch("licence_lines", queryset=DatasetLicence.objects.select_related("licence")),
        )
    }
    return [loaded[s] for s in slugs]


def build(datasets: list[Dataset]) -> Comparison:
    datasets = _load(datasets)
    explanations, catalogue = verdict_store.explain_many_with_catalogue(datasets)
    condition_names = dict(Condition.objects.values_list("slug", "name"))
    rows: list[Row] = []

    def page(dataset: Dataset, anchor: str) -> str:
        return reverse("dataset-detail", args=[dataset.slug]) + anchor

    for use in USES:
        row = Row(use.key, use.label, "use")
        for d in datasets:
            result = explanations[d.slug][use.key]
            label = VerdictValue(result.value).label
            condition_text = condition_phrase(result.conditions, condition_names)
            own_note = f"own terms: {VerdictValue(result.own).label.lower()}; {result.because}" if result.differs else ""
            if result.conditions:
                label += ": " + ", ".join(condition_names.get(c, c) for c in result.conditions)
            if own_note:
                label += f" ({own_note})"
            row.cells.append(Cell(label, page(d, f"#use-{use.key}"), result.value, tuple(result.conditions),
                                  condition_text, own_note))
        row.summary = summary_count([c.value for c in row.cells], use.label)
        rows.append(row)

    def fact(key: str, label: str, values, anchor: str, material: bool = True) -> None:
        rows.append(Row(key, label, "fact", [Cell(text, page(d, anchor)) for d, text in zip(datasets, values)],
                        material=material))

    def current(d: Dataset, layer: str) -> list[DatasetLicence]:
        return [l for l in d.licence_lines.all() if l.valid_until is None and l.layer == layer]

    fact("licence", "Licence (data)", [licensing.label(current(d, LicenceLayer.DATASET_TERMS)) for d in datasets], "#licences-h")
    fact("spdx", "SPDX licence expression", [licensing.spdx_expression(current(d, LicenceLayer.DATASET_TERMS)) for d in datasets], "#licences-h", material=False)
    fact("category", "Licence category", [", ".join(sorted({l.licence.get_category_display() for l in licensing.stated(current(d, LicenceLayer.DATASET_TERMS))})) or "unknown" for d in datasets], "#licences-h", material=False)
    fact("code_licence", "Code licence", [licensing.label(current(d, LicenceLayer.CODE), empty="—") for d in datasets], "#licences-h", material=False)
    fact("platforms", "Videos come from", [", ".join(p.name for p in d.platforms.all()) or "not recorded" for d in datasets], "#facts-h", material=False)
    fact("distribution", "Distributed as", [", ".join(f.name for f in d.distribution.all()) or "not established" for d in datasets], "#facts-h")
    risks = {d.slug: verdict_store.provenance(d, catalogue) for d in datasets}
    fact("provenance", "Provenance risk", ["flagged: " + ", ".join(risks[d.slug].names) if risks[d.slug] else "none" for d in datasets], "#provenance")
    fact("access", "Access", [d.get_access_display() for d in datasets], "#facts-h")
    fact("status", "Status", [d.get_status_display() + (" on " + display_date(d.status_date) if d.status_date else "") for d in datasets], "#facts-h")

    def uses_needing(d: Dataset, condition: str) -> list[str]:
        return [
            u.label.lower()
            for u in USES
            if any(condition in layer.conditions for layer in explanations[d.slug][u.key].layers)
        ]

    def needs(d: Dataset, condition: str) -> str:
        uses = uses_needing(d, condition)
        return ("required for " + ", ".join(uses)) if uses else "not required"

    def credit(d: Dataset) -> str:
        # Giving credit takes two forms in the terms: attribution where the material is used or
        # shared, and citing the paper in publications. Either one means credit is required.
        parts = [f"{name} for {', '.join(uses)}" for name, uses in (
            ("give attribution", uses_needing(d, "attribution")), ("cite the paper", uses_needing(d, "cite_paper"))
        ) if uses]
        return ("required: " + "; ".join(parts)) if parts else "not required"

    fact("attribution", "Attribution", [credit(d) for d in datasets], "#verdicts-h")
    fact("share_alike", "Share-alike", [needs(d, "share_alike") for d in datasets], "#verdicts-h")
    fact("agreement", "Agreement to sign", [needs(d, "agreement") for d in datasets], "#verdicts-h")
    fact("lineage", "Built from", [", ".join(sorted(p.name for p in d.derived_from.all())) or "—" for d in datasets], "#lineage-h", material=False)

    def claims(d: Dataset) -> str:
        checks = check_claims(d.claims.all(), d.licence_lines.all())
        if not checks:
            return "none recorded"
        conflicts = [c for c in checks if c.conflict]
        text = f"{len(checks)} claim{'s' if len(checks) != 1 else ''}"
        if conflicts:
            text += f", {len(conflicts)} in conflict (" + "; ".join(
                f"{c.claim.get_source_display()} says {c.claim.claimed}" for c in conflicts
            ) + ")"
        return text

    fact("claims", "Claims elsewhere", [claims(d) for d in datasets], "#claims-h", material=False)
    fact("last_reviewed", "Last reviewed", [display_date(d.last_reviewed) if d.last_reviewed else "never" for d in datasets], "#verdicts-h", material=False)
    return Comparison(datasets, rows)
