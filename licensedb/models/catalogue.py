from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ..text import name_key
from ..vocabulary import Access, Distribution, Publication, Status
from .fields import HttpURLField, choices_check, http_url_check


class Organisation(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200, unique=True)
    homepage = HttpURLField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Modality(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "modalities"

    def __str__(self) -> str:
        return self.name


class DatasetQuerySet(models.QuerySet):
    def published(self) -> "DatasetQuerySet":
        return self.filter(publication=Publication.PUBLISHED)


class Dataset(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    summary = models.TextField(help_text="In our own words. Markdown is allowed.")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="datasets")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    homepage = HttpURLField(blank=True)
    paper_title = models.CharField(max_length=400, blank=True)
    paper_url = HttpURLField(blank=True)
    arxiv_id = models.CharField("arXiv id", max_length=40, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    bibtex = models.TextField("BibTeX", blank=True)
    modalities = models.ManyToManyField(Modality, blank=True, related_name="datasets")
    size_videos = models.BigIntegerField("videos", null=True, blank=True)
    size_clips = models.BigIntegerField("clips", null=True, blank=True)
    size_hours = models.FloatField("hours", null=True, blank=True)
    size_note = models.TextField(blank=True)
    platforms = models.ManyToManyField(
        "SourcePlatform",
        blank=True,
        related_name="datasets",
        help_text="Where the underlying videos come from. Their terms form the content-terms layer.",
    )
    distribution = models.CharField(max_length=20, choices=Distribution.choices)
    access = models.CharField(max_length=20, choices=Access.choices)
    access_note = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AVAILABLE)
    status_date = models.DateField(null=True, blank=True)
    status_reason = models.TextField(blank=True)
    status_evidence = models.ManyToManyField(
        "Evidence", blank=True, related_name="status_of", help_text="Sources for a withdrawal or takedown."
    )
    derived_from = models.ManyToManyField(
        "self", through="Lineage", symmetrical=False, related_name="derivatives", blank=True
    )
    lineage_note = models.TextField(blank=True)
    curation_note = models.TextField(
        blank=True, help_text="What was looked for and not found; open questions."
    )
    publication = models.CharField(max_length=10, choices=Publication.choices, default=Publication.DRAFT)
    last_reviewed = models.DateField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Goes up with every save; a save based on an older version is refused."
    )

    history = HistoricalRecords(
        m2m_fields=[organisations, modalities, platforms], excluded_fields=["updated", "name_key", "version"]
    )
    objects = DatasetQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            choices_check("distribution", Distribution, "dataset_distribution_valid"),
            choices_check("access", Access, "dataset_access_valid"),
            choices_check("status", Status, "dataset_status_valid"),
            choices_check("publication", Publication, "dataset_publication_valid"),
            http_url_check("homepage", "dataset_homepage_http"),
            http_url_check("paper_url", "dataset_paper_url_http"),
            models.CheckConstraint(
                condition=models.Q(status=Status.AVAILABLE) | models.Q(status_date__isnull=False),
                name="dataset_takedown_has_date",
                violation_error_message="A withdrawn or taken-down dataset needs the date it happened.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        if self.pk is not None and not kwargs.get("force_insert"):
            self.version = (self.version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("dataset-detail", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.publication == Publication.PUBLISHED

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""


class Alias(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    history = HistoricalRecords(excluded_fields=["name_key"])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class Lineage(models.Model):
    """``child`` is derived from ``parent``: it reuses the parent's videos or annotations."""

    child = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="child_links")
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child__name", "parent__name"]
        constraints = [
            models.UniqueConstraint(fields=["child", "parent"], name="lineage_unique_edge"),
            models.CheckConstraint(
                condition=~models.Q(child=models.F("parent")),
                name="lineage_not_self",
                violation_error_message="A dataset cannot be derived from itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} derived from {self.parent}"
