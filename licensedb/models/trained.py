"""Open models as entries: the licence of their weights and the training data they declare."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ..text import name_key
from ..vocabulary import Disclosure, ModelKind, ModelUseChoice, Publication, TrainingRole, UndisclosedKind, VerdictValue
from .fields import HttpURLField, choices_check, http_url_check


class TrainedModelQuerySet(models.QuerySet):
    def published(self) -> "TrainedModelQuerySet":
        return self.filter(publication=Publication.PUBLISHED)


class TrainedModel(models.Model):
    """An open video model: what its weights' licence grants and what it declares it was trained on."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    summary = models.TextField(help_text="In our own words. Markdown is allowed.")
    organisations = models.ManyToManyField("Organisation", blank=True, related_name="models")
    kind = models.CharField(max_length=30, choices=ModelKind.choices)
    released = models.DateField(null=True, blank=True, help_text="First public release of the weights.")
    versions = models.JSONField(default=list, blank=True, help_text="[{name, released, note}]")
    homepage = HttpURLField(blank=True)
    model_card = HttpURLField(blank=True)
    paper_title = models.CharField(max_length=400, blank=True)
    paper_url = HttpURLField(blank=True)
    arxiv_id = models.CharField("arXiv id", max_length=40, blank=True)
    bibtex = models.TextField("BibTeX", blank=True)
    disclosure = models.CharField(
        max_length=10, choices=Disclosure.choices, help_text="How much of the training data the creators name."
    )
    disclosure_note = models.TextField(blank=True)
    disclosure_evidence = models.ManyToManyField("Evidence", blank=True, related_name="disclosure_of")
    curation_note = models.TextField(blank=True)
    publication = models.CharField(max_length=10, choices=Publication.choices, default=Publication.DRAFT)
    last_reviewed = models.DateField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[organisations], excluded_fields=["updated", "name_key", "version"])
    objects = TrainedModelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "model"
        constraints = [
            choices_check("kind", ModelKind, "model_kind_valid"),
            choices_check("disclosure", Disclosure, "model_disclosure_valid"),
            choices_check("publication", Publication, "model_publication_valid"),
            http_url_check("homepage", "model_homepage_http"),
            http_url_check("model_card", "model_card_http"),
            http_url_check("paper_url", "model_paper_url_http"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        if self.pk is not None and not kwargs.get("force_insert"):
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("model-detail", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.publication == Publication.PUBLISHED


class ModelAlias(models.Model):
    model = models.ForeignKey(TrainedModel, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    history = HistoricalRecords(excluded_fields=["name_key"])

    class Meta:
        ordering = ["name"]
        verbose_name = "model alias"
        verbose_name_plural = "model aliases"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class ModelLicence(models.Model):
    """One licence line of a model: the weights' licence (or the code's), for which versions, since when."""

    LAYERS = [("weights", "Weights licence"), ("code", "Code licence")]

    model = models.ForeignKey(TrainedModel, on_delete=models.CASCADE, related_name="licence_lines")
    licence = models.ForeignKey("Licence", on_delete=models.PROTECT, related_name="model_lines")
    layer = models.CharField(max_length=10, choices=LAYERS, default="weights")
    scope = models.TextField(blank=True, help_text="Which weights or versions it covers.")
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    evidence = models.ManyToManyField("Evidence", blank=True, related_name="model_licence_lines")
    note = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[evidence])

    class Meta:
        ordering = ["layer", "valid_until", "-valid_from", "licence__name"]
        verbose_name = "model licence line"
        constraints = [
            models.CheckConstraint(condition=models.Q(layer__in=["weights", "code"]), name="modellicence_layer_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.model}: {self.licence} ({self.layer})"

    @property
    def is_current(self) -> bool:
        return self.valid_until is None


class WeightsVerdict(models.Model):
    """What the weights' licence grants for one model use, backed by evidence."""

    model = models.ForeignKey(TrainedModel, on_delete=models.CASCADE, related_name="weights_verdicts")
    use = models.CharField(max_length=30, choices=ModelUseChoice.choices)
    value = models.CharField(max_length=20, choices=VerdictValue.choices)
    conditions = models.ManyToManyField("Condition", blank=True, related_name="+")
    evidence = models.ManyToManyField("Evidence", blank=True, related_name="weights_verdicts")
    note = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[conditions, evidence])

    class Meta:
        ordering = ["model__name", "use"]
        verbose_name = "weights verdict"
        constraints = [
            models.UniqueConstraint(fields=["model", "use"], name="weightsverdict_one_per_use"),
            choices_check("use", ModelUseChoice, "weightsverdict_use_valid"),
            choices_check("value", VerdictValue, "weightsverdict_value_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.model} / {self.use}: {self.value}"


class TrainingData(models.Model):
    """A catalogue dataset the model's creators declare they trained (or evaluated) it on."""

    model = models.ForeignKey(TrainedModel, on_delete=models.CASCADE, related_name="training_data")
    dataset = models.ForeignKey("Dataset", on_delete=models.PROTECT, related_name="used_by_models")
    role = models.CharField(max_length=20, choices=TrainingRole.choices)
    evidence = models.ManyToManyField("Evidence", related_name="training_data")
    note = models.TextField(blank=True, help_text="Where the creators declare it, in our own words.")
    history = HistoricalRecords(m2m_fields=[evidence])

    class Meta:
        ordering = ["model__name", "role", "dataset__name"]
        verbose_name = "declared training data"
        verbose_name_plural = "declared training data"
        constraints = [
            models.UniqueConstraint(fields=["model", "dataset", "role"], name="trainingdata_unique"),
            choices_check("role", TrainingRole, "trainingdata_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.model} <- {self.dataset} ({self.role})"


class UndisclosedData(models.Model):
    """A portion of the training data that is internal, licensed, undisclosed or not in the catalogue."""

    model = models.ForeignKey(TrainedModel, on_delete=models.CASCADE, related_name="undisclosed_data")
    kind = models.CharField(max_length=20, choices=UndisclosedKind.choices)
    description = models.TextField(help_text="What the creators say about it, in our own words.")
    evidence = models.ManyToManyField("Evidence", blank=True, related_name="undisclosed_data")
    history = HistoricalRecords(m2m_fields=[evidence])

    class Meta:
        ordering = ["model__name", "kind", "pk"]
        verbose_name = "other training data"
        verbose_name_plural = "other training data"
        constraints = [choices_check("kind", UndisclosedKind, "undisclosed_kind_valid")]

    def __str__(self) -> str:
        return f"{self.model}: {self.get_kind_display()}"


class ModelEffective(models.Model):
    """The computed answers of a model for each model use, kept for lists and facets (never edited)."""

    model = models.OneToOneField(TrainedModel, primary_key=True, on_delete=models.CASCADE, related_name="effective")
    commercial_use = models.CharField(max_length=20, choices=VerdictValue.choices, db_index=True)
    redistribute_weights = models.CharField(max_length=20, choices=VerdictValue.choices, db_index=True)
    release_derivative = models.CharField(max_length=20, choices=VerdictValue.choices, db_index=True)
    weights = models.JSONField(default=dict, help_text="use -> what the weights' licence grants")
    decided_by = models.JSONField(default=dict)
    conflict = models.BooleanField(default=False, db_index=True, help_text="The weights' licence grants what declared data forbids.")
    conflicts = models.JSONField(default=dict, help_text="use -> datasets in conflict")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "model answers"
        verbose_name_plural = "model answers"

    def __str__(self) -> str:
        return f"answers of {self.model_id}"
