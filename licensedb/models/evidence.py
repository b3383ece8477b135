from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from ..vocabulary import ClaimSource, Confidence, EvidenceKind
from .fields import HttpURLField, choices_check, http_url_check


OWNER_FIELDS = ("dataset", "platform", "jurisdiction_note", "model")


def one_owner(fields) -> models.Q:
    """Exactly one of the owner foreign keys is set."""
    condition = models.Q()
    for owner in fields:
        term = models.Q(**{f"{owner}__isnull": False})
        for other in fields:
            if other != owner:
                term &= models.Q(**{f"{other}__isnull": True})
        condition |= term
    return condition


class Evidence(models.Model):
    """A primary source read by a curator, summarised in our own words.

    It belongs to one dataset, source platform or jurisdiction note, and backs any number of its verdicts, licence
    lines and facts.
    """

    dataset = models.ForeignKey(
        "Dataset", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    platform = models.ForeignKey(
        "SourcePlatform", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    jurisdiction_note = models.ForeignKey(
        "JurisdictionNote", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    model = models.ForeignKey("TrainedModel", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    key = models.SlugField(
        max_length=60,
        blank=True,
        help_text="A short name for this source within its entry, e.g. 'licence-file'. Filled in if left empty.",
    )
    url = HttpURLField(verbose_name="URL")
    location = models.TextField(help_text="Where in the source: section, clause, lines.")
    accessed = models.DateField(help_text="The date the source was read.")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    summary = models.TextField(help_text="What the source says, in our own words. Never paste its text.")
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    reviewer = models.CharField(max_length=150, blank=True, help_text="The curator who reviewed it.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=one_owner(OWNER_FIELDS),
                name="evidence_exactly_one_owner",
                violation_error_message="Evidence belongs to exactly one entry: a dataset, a platform or a note.",
            ),
            models.UniqueConstraint(
                fields=["dataset", "key"], condition=models.Q(dataset__isnull=False), name="evidence_key_per_dataset"
            ),
            models.UniqueConstraint(
                fields=["platform", "key"],
                condition=models.Q(platform__isnull=False),
                name="evidence_key_per_platform",
            ),
            models.UniqueConstraint(
                fields=["jurisdiction_note", "key"],
                condition=models.Q(jurisdiction_note__isnull=False),
                name="evidence_key_per_note",
            ),
            models.UniqueConstraint(
                fields=["model", "key"], condition=models.Q(model__isnull=False), name="evidence_key_per_model"
            ),
            http_url_check("url", "evidence_url_http", allow_blank=False),
            choices_check("kind", EvidenceKind, "evidence_kind_valid"),
            choices_check("confidence", Confidence, "evidence_confidence_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.owner}: {self.key}"

    @property
    def owner(self):
        return next((getattr(self, f) for f in OWNER_FIELDS if getattr(self, f"{f}_id")), None)

    def clean(self):
        from .. import rules

        if rules.access_date_in_future(self.accessed):
            raise ValidationError({"accessed": rules.ACCESS_DATE_IN_FUTURE})

    def save(self, *args, **kwargs):
        if not self.key:
            siblings = Evidence.objects.filter(**{f: getattr(self, f) for f in OWNER_FIELDS}).exclude(pk=self.pk)
            taken = set(siblings.values_list("key", flat=True))
            number = 1
            while f"{self.kind}-{number}" in taken:
                number += 1
            self.key = f"{self.kind}-{number}"
        super().save(*args, **kwargs)


class Claim(models.Model):
    """What another catalogue says the licence is, so that conflicts with the actual terms show."""

    dataset = models.ForeignKey("Dataset", null=True, blank=True, on_delete=models.CASCADE, related_name="claims")
    model = models.ForeignKey("TrainedModel", null=True, blank=True, on_delete=models.CASCADE, related_name="claims")
    source = models.CharField(max_length=20, choices=ClaimSource.choices)
    url = HttpURLField(verbose_name="URL")
    claimed = models.CharField(max_length=200, help_text="The licence as that site states it.")
    licence = models.ForeignKey(
        "Licence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        help_text="The licence the claim names, when it is one we know.",
    )
    accessed = models.DateField()
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "claimed"]
        constraints = [
            models.CheckConstraint(
                condition=one_owner(("dataset", "model")),
                name="claim_one_owner",
                violation_error_message="A claim is about exactly one dataset or one model.",
            ),
            choices_check("source", ClaimSource, "claim_source_valid"),
            http_url_check("url", "claim_url_http", allow_blank=False),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} says {self.claimed}"
