from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ..vocabulary import NO_LICENCE_SLUG, LicenceCategory, LicenceLayer
from .fields import HttpURLField, choices_check, http_url_check


class Licence(models.Model):
    """A document that grants terms, shared across datasets."""

    slug = models.CharField(
        max_length=120,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$",
                "Use lowercase letters, digits, hyphens and dots, like an SPDX id: cc-by-nc-4.0.",
            )
        ],
    )
    name = models.CharField(max_length=200)
    spdx_id = models.CharField("SPDX id", max_length=60, null=True, blank=True, unique=True)
    url = HttpURLField(blank=True)
    version = models.CharField(max_length=40, blank=True)
    category = models.CharField(max_length=20, choices=LicenceCategory.choices)
    summary = models.TextField(blank=True, help_text="In our own words. Markdown is allowed.")
    permits = models.JSONField(default=list, blank=True)
    requires = models.JSONField(default=list, blank=True)
    forbids = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            choices_check("category", LicenceCategory, "licence_category_valid"),
            http_url_check("url", "licence_url_http"),
        ]

    def __str__(self) -> str:
        return self.spdx_id or self.name

    def get_absolute_url(self) -> str:
        return reverse("licence-detail", args=[self.slug])

    @property
    def short_name(self) -> str:
        return self.spdx_id or self.name

    @property
    def is_stated(self) -> bool:
        """False for the record that says the creators state no licence at all."""
        return self.slug != NO_LICENCE_SLUG

    @property
    def spdx(self) -> str:
        """The SPDX identifier: the listed id, ``LicenseRef-<slug>`` for a licence not on the SPDX
        list, or ``NONE`` when no licence is stated."""
        if not self.is_stated:
            return "NONE"
        return self.spdx_id or f"LicenseRef-{self.slug}"


class DatasetLicenceQuerySet(models.QuerySet):
    def current(self) -> "DatasetLicenceQuerySet":
        return self.filter(valid_until__isnull=True)


class DatasetLicence(models.Model):
    """One licence line of a dataset: which licence covers which part, and since / until when."""

    dataset = models.ForeignKey("Dataset", on_delete=models.CASCADE, related_name="licence_lines")
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="dataset_lines")
    layer = models.CharField(max_length=20, choices=LicenceLayer.choices, default=LicenceLayer.DATASET_TERMS)
    scope = models.TextField(blank=True, help_text="What it covers: annotations, captions, videos, code...")
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(
        null=True, blank=True, help_text="Set when these terms were replaced; leave empty while current."
    )
    evidence = models.ManyToManyField("Evidence", blank=True, related_name="licence_lines")
    note = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[evidence])
    objects = DatasetLicenceQuerySet.as_manager()

    class Meta:
        ordering = ["layer", "valid_until", "-valid_from", "licence__name"]
        verbose_name = "licence line"
        constraints = [
            choices_check("layer", LicenceLayer, "datasetlicence_layer_valid"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="datasetlicence_period_ordered",
                violation_error_message="The end date must not be before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset}: {self.licence} ({self.get_layer_display()})"

    @property
    def is_current(self) -> bool:
        return self.valid_until is None
