from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ..vocabulary import PlatformKind, UseChoice, VerdictValue
from .fields import HttpURLField, choices_check, http_url_check


class SourcePlatform(models.Model):
    """Where the underlying videos live, with its own terms (the content-terms layer)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=PlatformKind.choices)
    homepage = HttpURLField(blank=True)
    terms_url = HttpURLField(blank=True)
    terms_apply = models.BooleanField(
        default=True,
        help_text="Untick when the platform's terms do not govern the content (e.g. the creators' own "
        "recordings): the dataset terms then cover the videos.",
    )
    summary = models.TextField(blank=True, help_text="In our own words. Markdown is allowed.")
    download_terms = models.TextField(blank=True)
    ai_terms = models.TextField("AI training terms", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "source platform"
        constraints = [
            choices_check("kind", PlatformKind, "platform_kind_valid"),
            http_url_check("homepage", "platform_homepage_http"),
            http_url_check("terms_url", "platform_terms_url_http"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("platform-detail", args=[self.slug])


class PlatformVerdict(models.Model):
    """What a platform's terms say about one use: the default content-terms verdict."""

    platform = models.ForeignKey(SourcePlatform, on_delete=models.CASCADE, related_name="verdicts")
    use = models.CharField(max_length=30, choices=UseChoice.choices)
    value = models.CharField(max_length=20, choices=VerdictValue.choices)
    conditions = models.ManyToManyField("Condition", blank=True, related_name="+")
    evidence = models.ManyToManyField("Evidence", blank=True, related_name="platform_verdicts")
    note = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[conditions, evidence])

    class Meta:
        ordering = ["platform__name", "use"]
        verbose_name = "platform verdict"
        constraints = [
            models.UniqueConstraint(fields=["platform", "use"], name="platformverdict_one_per_use"),
            choices_check("use", UseChoice, "platformverdict_use_valid"),
            choices_check("value", VerdictValue, "platformverdict_value_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.platform} / {self.use}: {self.value}"
