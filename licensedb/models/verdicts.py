from django.db import models
from simple_history.models import HistoricalRecords

from ..vocabulary import USE_KEYS, Layer, UseChoice, VerdictValue
from .fields import choices_check


class Condition(models.Model):
    """A condition a `conditional` verdict carries: attribution, share-alike, signed agreement..."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DatasetVerdict(models.Model):
    """A curator's verdict for one dataset, one use and one layer, backed by evidence."""

    dataset = models.ForeignKey("Dataset", on_delete=models.CASCADE, related_name="verdicts")
    use = models.CharField(max_length=30, choices=UseChoice.choices)
    layer = models.CharField(max_length=20, choices=Layer.choices, default=Layer.DATASET_TERMS)
    value = models.CharField(max_length=20, choices=VerdictValue.choices)
    conditions = models.ManyToManyField(Condition, blank=True, related_name="+")
    evidence = models.ManyToManyField("Evidence", blank=True, related_name="verdicts")
    note = models.TextField(
        blank=True, help_text="Why this verdict; for 'unclear', what was looked for and not found."
    )
    history = HistoricalRecords(m2m_fields=[conditions, evidence])

    class Meta:
        ordering = ["dataset__name", "layer", "use"]
        verbose_name = "verdict"
        constraints = [
            models.UniqueConstraint(fields=["dataset", "use", "layer"], name="verdict_one_per_use_and_layer"),
            choices_check("use", UseChoice, "verdict_use_valid"),
            choices_check("layer", Layer, "verdict_layer_valid"),
            choices_check("value", VerdictValue, "verdict_value_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} / {self.use} / {self.layer}: {self.value}"


class EffectiveVerdict(models.Model):
    """The computed effective verdict of every use for one dataset.

    A materialised copy of what ``licensedb.verdicts`` computes, kept in step by
    ``licensedb.verdict_store`` whenever a verdict, a platform's terms or the lineage changes, so that
    lists, filters and facet counts read it with plain SQL. Never edited by hand.
    """

    dataset = models.OneToOneField(
        "Dataset", primary_key=True, on_delete=models.CASCADE, related_name="effective"
    )
    research = models.CharField(max_length=20, choices=VerdictValue.choices, db_index=True)
    benchmark = models.CharField(max_length=20, choices=VerdictValue.choices, db_index=True)
    internal_commercial = models.CharField(max_length=20, choices=VerdictValue.choices, db_index=True)
    commercial_training = models.CharField(max_length=20, choices=VerdictValue.choices, db_index=True)
    model_release = models.CharField(max_length=20, choices=VerdictValue.choices, db_index=True)
    redistribute_media = models.CharField(max_length=20, choices=VerdictValue.choices, db_index=True)
    redistribute_metadata = models.CharField(max_length=20, choices=VerdictValue.choices, db_index=True)
    derivative_dataset = models.CharField(max_length=20, choices=VerdictValue.choices, db_index=True)
    decided_by = models.JSONField(default=dict, help_text="use -> the layer that decided it")
    own = models.JSONField(default=dict, help_text="use -> what the dataset's own terms say")
    conditions = models.JSONField(default=dict, help_text="use -> the conditions of a conditional answer")
    provenance_risk = models.BooleanField(
        default=False, help_text="The creators distribute copies fetched from a platform whose terms forbid downloading."
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "effective verdicts"
        verbose_name_plural = "effective verdicts"

    def __str__(self) -> str:
        return f"effective verdicts of {self.dataset_id}"

    def as_dict(self) -> dict[str, str]:
        return {use: getattr(self, use) for use in USE_KEYS}
