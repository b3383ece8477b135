"""What the catalogue covers: counts by modality, licence category and commercial answer, DPI parity,
and what is known to be missing (``fixtures/sources/coverage.yaml``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db.models import Count, Q

from .models import Claim, Dataset, DatasetLicence, DatasetVerdict, TrainedModel
from .vocabulary import LicenceCategory, LicenceLayer, VerdictValue

COVERAGE_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "sources" / "coverage.yaml"
IMAGE_MODALITIES = {"image", "image-text"}


@dataclass
class Coverage:
    datasets: int
    video_datasets: int
    models: int
    by_modality: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_commercial: list[tuple[str, int]]
    by_research: list[tuple[str, int]]
    unclear_share: float  # share of dataset-terms verdicts that are unclear
    permissive_own_terms: list[tuple[str, str]]  # (slug, name) whose own terms allow commercial training
    dpi_matched: int
    dpi_records: int
    dpi_left_out: list[dict] = field(default_factory=list)
    known_missing: list[dict] = field(default_factory=list)

    @property
    def unclear_percent(self) -> int:
        return round(self.unclear_share * 100)


def _read() -> dict:
    if not COVERAGE_FILE.exists():
        return {}
    return yaml.safe_load(COVERAGE_FILE.read_text(encoding="utf-8")) or {}


def compute() -> Coverage:
    published = Dataset.objects.published()
    total = published.count()
    image_only = published.filter(modalities__slug__in=IMAGE_MODALITIES).exclude(
        modalities__slug__in=["video", "video-text", "video-audio"]).distinct().count()
    modality = Counter(dict(published.values_list("modalities__name").annotate(n=Count("pk", distinct=True)).values_list("modalities__name", "n")))
    current = DatasetLicence.objects.filter(dataset__in=published, valid_until__isnull=True, layer=LicenceLayer.DATASET_TERMS)
    category_of: dict[int, set[str]] = {}
    for dataset_id, category in current.values_list("dataset_id", "licence__category"):
        category_of.setdefault(dataset_id, set()).add(category)
    # one category per dataset: the most restrictive of its current licences
    order = ["research_only", "non_commercial", "custom", "copyleft", "permissive", "unknown"]
    categories = Counter()
    for dataset_id in published.values_list("pk", flat=True):
        found = category_of.get(dataset_id, {"unknown"})
        categories[min(found, key=lambda c: order.index(c) if c in order else len(order))] += 1
    labels = dict(LicenceCategory.choices)
    commercial = Counter(published.values_list("effective__commercial_training", flat=True))
    research = Counter(published.values_list("effective__research", flat=True))
    terms = DatasetVerdict.objects.filter(dataset__in=published, layer="dataset_terms")
    unclear = terms.filter(value=VerdictValue.UNCLEAR).count()
    own_allowed = list(
        published.filter(verdicts__layer="dataset_terms", verdicts__use="commercial_training",
                         verdicts__value__in=[VerdictValue.ALLOWED, VerdictValue.CONDITIONAL])
        .order_by("name").values_list("slug", "name")
    )
    dpi_urls = Claim.objects.filter(source="dpi", dataset__in=published).values_list("url", flat=True)
    matched = {url.rsplit("/", 1)[-1] for url in dpi_urls}
    data = _read()
    dpi = data.get("dpi") or {}
    return Coverage(
        datasets=total,
        video_datasets=total - image_only,
        models=TrainedModel.objects.published().count(),
        by_modality=sorted(((k, v) for k, v in modality.items() if k), key=lambda kv: -kv[1]),
        by_category=[(labels.get(c, c), categories[c]) for c in order if categories[c]],
        by_commercial=[(v, commercial.get(v, 0)) for v in VerdictValue.values],
        by_research=[(v, research.get(v, 0)) for v in VerdictValue.values],
        unclear_share=(unclear / terms.count()) if terms.count() else 0.0,
        permissive_own_terms=own_allowed,
        dpi_matched=len(matched),
        dpi_records=int(dpi.get("records") or 0),
        dpi_left_out=list(dpi.get("left_out") or []),
        known_missing=list(data.get("known_missing") or []),
    )
