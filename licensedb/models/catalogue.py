from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ..text import name_key
from ..vocabulary import Access, Distribution, IdentifierKind, Publication, Status
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


class DistributionForm(models.Model):
    """One form a release can take (video files, URL lists, features, annotations only)."""

    slug = models.CharField(max_length=20, primary_key=True, choices=Distribution.choices)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["slug"]

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
    distribution = models.ManyToManyField(
        DistributionForm,
        blank=True,
        related_name="datasets",
        help_text="Every form the release takes. Leave empty when no source establishes it. With the use, "
        "the forms decide whether the platform's terms bind (they do only when the videos must be fetched).",
    )
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
    countries = models.JSONField(
        default=list, blank=True, help_text="ISO 3166-1 alpha-2 codes of where the videos were recorded, when a source says."
    )
    countries_evidence = models.ManyToManyField("Evidence", blank=True, related_name="countries_of")
    works_summary = models.TextField(
        "rights in the works",
        blank=True,
        help_text="What rights the videos carry when the creators say which videos they took (e.g. only CC BY uploads).",
    )
    works_licence = models.ForeignKey(
        "Licence", null=True, blank=True, on_delete=models.PROTECT, related_name="works_of",
        help_text="The licence the videos themselves carry, when they carry one.",
    )
    works_evidence = models.ManyToManyField("Evidence", blank=True, related_name="works_of")
    provenance_note = models.TextField(
        blank=True, help_text="How the creators obtained the copies they distribute, when a source says (e.g. permission)."
    )
    provenance_evidence = models.ManyToManyField("Evidence", blank=True, related_name="provenance_of")
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
        m2m_fields=[organisations, modalities, platforms, distribution], excluded_fields=["updated", "name_key", "version"]
    )
    objects = DatasetQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # the catalogue list walks this index in name order and stops at its page (no sort of every entry)
        indexes = [models.Index(fields=["name", "id"], name="dataset_name_order")]
        constraints = [
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


class Identifier(models.Model):
    """An external identifier of an entry: a Hugging Face repo, a GitHub repo, an arXiv id, a DOI, a URL.

    ``key`` is the normalised form the resolver matches (``licensedb.identifiers``); it is unique per
    kind across the catalogue, so that one reference never names two entries.
    """

    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.CASCADE, related_name="identifiers")
    model = models.ForeignKey("TrainedModel", null=True, blank=True, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=20, choices=IdentifierKind.choices)
    value = models.CharField(max_length=500, help_text="As people write it: owner/name, 2307.06942, https://...")
    key = models.CharField(max_length=500, editable=False)
    official = models.BooleanField(default=True, help_text="Published by the creators (untick for a mirror).")
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords(excluded_fields=["key"])

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=models.Q(dataset__isnull=False),
                name="identifier_unique_key_datasets",
                violation_error_message="Another dataset already has this identifier: one reference must name one entry.",
            ),
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=models.Q(model__isnull=False),
                name="identifier_unique_key_models",
                violation_error_message="Another model already has this identifier: one reference must name one entry.",
            ),
            choices_check("kind", IdentifierKind, "identifier_kind_valid"),
            models.CheckConstraint(
                condition=(models.Q(dataset__isnull=False) & models.Q(model__isnull=True))
                | (models.Q(dataset__isnull=True) & models.Q(model__isnull=False)),
                name="identifier_one_owner",
                violation_error_message="An identifier names exactly one dataset or one model.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from ..identifiers import normalise

        try:
            self.key = normalise(self.kind, self.value)  # before the unique check on (kind, key) runs
        except ValueError as error:
            raise ValidationError({"value": str(error)}) from error

    def save(self, *args, **kwargs):
        from ..identifiers import normalise

        self.key = normalise(self.kind, self.value)
        super().save(*args, **kwargs)

    @property
    def url(self) -> str:
        from ..identifiers import url_of

        return url_of(self.kind, self.value)


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
