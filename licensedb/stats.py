"""Catalogue-wide counts, computed once per catalogue revision and shared by every page that shows them.

The home page, the dataset list's choices, /licences/ and /platforms/ all read :func:`catalogue_stats`,
so the numbers on one page agree with the pages they link to (the home page's licence count is the
number of licences /licences/ lists, its platform count the platforms /platforms/ lists), and none of
them recounts the catalogue on a request: the counts are a handful of ``GROUP BY`` queries, run when
the catalogue revision changes (``licensedb.revision``) and cached under its tag until then.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q

from . import revision
from .models import Dataset, DatasetLicence, Evidence, Licence, SourcePlatform
from .vocabulary import LicenceLayer, VerdictValue

CACHE_SECONDS = 24 * 3600  # keyed by revision, so this only bounds memory use


@dataclass
class CatalogueStats:
    datasets: int
    evidence: int
    commercial_counts: list[tuple[str, int]]
    # every licence with the number of published datasets whose current data terms it is (the /licences/ rows)
    licences: list[Licence] = field(default_factory=list)
    # every platform with the number of published datasets whose videos come from it (the /platforms/ rows)
    platforms: list[SourcePlatform] = field(default_factory=list)
    # what the dataset list offers as choices: licences and platforms that a published dataset uses
    licences_in_use: list[Licence] = field(default_factory=list)
    platforms_in_use: list[SourcePlatform] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """The home page's four figures, each matching the page it links to."""
        return {
            "datasets": self.datasets,
            "licences": sum(1 for licence in self.licences if licence.is_stated),
            "platforms": len(self.platforms),
            "evidence": self.evidence,
        }


def _compute() -> CatalogueStats:
    published = Dataset.objects.published()
    data_terms = dict(
        DatasetLicence.objects.filter(
            dataset__publication="published", valid_until__isnull=True, layer=LicenceLayer.DATASET_TERMS
        )
        .values_list("licence_id")
        .annotate(n=Count("dataset_id", distinct=True))
        .values_list("licence_id", "n")
    )
    used_licences = set(
        DatasetLicence.objects.filter(dataset__publication="published").values_list("licence_id", flat=True).distinct()
    )
    licences = list(Licence.objects.order_by("category", "name"))
    for licence in licences:
        licence.n_datasets = data_terms.get(licence.pk, 0)
    through = Dataset.platforms.through.objects.filter(dataset__publication="published")
    per_platform = dict(
        through.values_list("sourceplatform_id").annotate(n=Count("dataset_id")).values_list("sourceplatform_id", "n")
    )
    platforms = list(SourcePlatform.objects.order_by("name").prefetch_related("verdicts"))
    for platform in platforms:
        platform.n_datasets = per_platform.get(platform.pk, 0)
    commercial = dict(
        published.values_list("effective__commercial_training").annotate(n=Count("pk")).values_list(
            "effective__commercial_training", "n"
        )
    )
    evidence = Evidence.objects.filter(
        Q(platform__isnull=False) | Q(Exists(published.filter(pk=OuterRef("dataset_id"))))
    ).count()
    return CatalogueStats(
        datasets=published.count(),
        evidence=evidence,
        commercial_counts=[(value, commercial.get(value, 0)) for value in VerdictValue.values],
        licences=licences,
        platforms=platforms,
        licences_in_use=sorted((l for l in licences if l.pk in used_licences), key=lambda l: l.name),
        platforms_in_use=[p for p in platforms if per_platform.get(p.pk)],
    )


def per_revision(name: str, compute):
    """``compute()`` at most once per catalogue revision (and cache): what a page shows of the whole
    catalogue that only an edit can change."""
    key = f"licensedb:{name}:{revision.current().tag}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def catalogue_stats() -> CatalogueStats:
    """The counts at the current catalogue revision (computed at most once per revision)."""
    return per_revision("stats", _compute)
