"""Models over the API: /api/v1/models/ and /api/v1/models/<slug>/."""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from .. import model_store
from ..filters import ModelFilter
from ..models import ModelLicence, TrainedModel, TrainingData
from ..vocabulary import MODEL_USE_KEYS, VerdictValue
from .serializers import EvidenceSerializer


class ModelLayerSerializer(serializers.Serializer):
    layer = serializers.CharField(help_text="weights, data:<dataset slug> or undisclosed")
    verdict = serializers.ChoiceField(choices=VerdictValue.choices, source="value")
    name = serializers.CharField()
    role = serializers.CharField(help_text="For data layers: pretraining or finetuning")
    conditions = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    evidence = EvidenceSerializer(many=True)
    declared_by = EvidenceSerializer(many=True, help_text="For data layers: where the creators declare the dataset")


class ConflictSerializer(serializers.Serializer):
    dataset = serializers.CharField(source="data.dataset")
    summary = serializers.CharField()
    weights_evidence = EvidenceSerializer(many=True, source="weights.evidence")
    data_evidence = EvidenceSerializer(many=True, source="data.evidence")
    declared_by = EvidenceSerializer(many=True, source="data.declared_by")


class ModelAnswerSerializer(serializers.Serializer):
    effective = serializers.ChoiceField(choices=VerdictValue.choices, source="value")
    weights = serializers.ChoiceField(choices=VerdictValue.choices, help_text="What the weights' licence grants")
    decided_by = serializers.CharField()
    conditions = serializers.ListField(child=serializers.CharField())
    conflicts = ConflictSerializer(many=True)
    evaluation_only = serializers.SerializerMethodField(help_text="Datasets used only for evaluation: they pass nothing on")
    layers = ModelLayerSerializer(many=True)

    def get_evaluation_only(self, obj) -> list[str]:
        return [d.dataset for d in obj.evaluation_only]


class ModelSummarySerializer(serializers.Serializer):
    effective = serializers.ChoiceField(choices=VerdictValue.choices)
    weights = serializers.ChoiceField(choices=VerdictValue.choices)


class ModelListSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    organisations = serializers.SerializerMethodField()
    weights_licences = serializers.SerializerMethodField(help_text="Slugs of the current weights licences")
    conflict = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()

    class Meta:
        model = TrainedModel
        fields = ["slug", "name", "url", "kind", "organisations", "released", "disclosure", "weights_licences",
                  "conflict", "answers", "last_reviewed"]

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(obj.get_absolute_url()) if request else obj.get_absolute_url()

    def get_organisations(self, obj) -> list[str]:
        return [o.name for o in obj.organisations.all()]

    def get_weights_licences(self, obj) -> list[str]:
        return [l.licence.slug for l in obj.licence_lines.all() if l.layer == "weights" and l.valid_until is None]

    def get_conflict(self, obj) -> bool:
        effective = getattr(obj, "effective", None)
        return bool(effective and effective.conflict)

    @extend_schema_field(serializers.DictField(child=ModelSummarySerializer()))
    def get_answers(self, obj) -> dict:
        effective = getattr(obj, "effective", None)
        return {use: {"effective": getattr(effective, use, "unclear") if effective else "unclear",
                      "weights": (effective.weights or {}).get(use, "unclear") if effective else "unclear"}
                for use in MODEL_USE_KEYS}


class TrainingDataSerializer(serializers.ModelSerializer):
    dataset = serializers.CharField(source="dataset.slug")
    name = serializers.CharField(source="dataset.name")
    evidence = EvidenceSerializer(many=True)

    class Meta:
        model = TrainingData
        fields = ["dataset", "name", "role", "note", "evidence"]


class ModelDetailSerializer(ModelListSerializer):
    aliases = serializers.SerializerMethodField()
    licence_lines = serializers.SerializerMethodField()
    training_data = TrainingDataSerializer(many=True)
    other_training_data = serializers.SerializerMethodField()
    identifiers = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()

    class Meta(ModelListSerializer.Meta):
        fields = ModelListSerializer.Meta.fields + [
            "summary", "aliases", "versions", "homepage", "model_card", "paper_title", "paper_url", "arxiv_id",
            "disclosure_note", "licence_lines", "training_data", "other_training_data", "identifiers", "version",
        ]

    def get_aliases(self, obj) -> list[str]:
        return [a.name for a in obj.aliases.all()]

    def get_licence_lines(self, obj) -> list[dict]:
        return [{"licence": l.licence.slug, "name": l.licence.name, "spdx_id": l.licence.spdx_id, "layer": l.layer,
                 "scope": l.scope, "valid_from": l.valid_from, "valid_until": l.valid_until} for l in obj.licence_lines.all()]

    def get_other_training_data(self, obj) -> list[dict]:
        return [{"kind": u.kind, "description": u.description,
                 "evidence": EvidenceSerializer(u.evidence.all(), many=True).data} for u in obj.undisclosed_data.all()]

    def get_identifiers(self, obj) -> list[dict]:
        return [{"kind": i.kind, "value": i.value, "official": i.official} for i in obj.identifiers.all()]

    @extend_schema_field(serializers.DictField(child=ModelAnswerSerializer()))
    def get_answers(self, obj) -> dict:
        answers = self.context["answers"][obj.slug]
        return {use: ModelAnswerSerializer(answers[use]).data for use in MODEL_USE_KEYS}


@extend_schema_view(
    list=extend_schema(summary="List published models", description="Filter by weights licence (`licence`), `disclosure`, `conflict`, `kind`, `organisation`, or an answer per model use, e.g. `commercial_use=allowed`."),
    retrieve=extend_schema(summary="One model: its weights' licence, declared training data, what that passes on, and conflicts"),
)
class ModelViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    permission_classes = [AllowAny]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ModelFilter

    def get_queryset(self):
        return (
            TrainedModel.objects.published()
            .select_related("effective")
            .prefetch_related(
                "organisations", "aliases", "identifiers", "undisclosed_data__evidence",
                Prefetch("licence_lines", queryset=ModelLicence.objects.select_related("licence")),
                Prefetch("training_data", queryset=TrainingData.objects.select_related("dataset").prefetch_related("evidence")),
            )
            .order_by("name")
        )

    def get_serializer_class(self):
        return ModelDetailSerializer if self.action == "retrieve" else ModelListSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "retrieve" and self.kwargs.get("slug"):
            model = self.get_queryset().filter(slug=self.kwargs["slug"]).first()
            context["answers"] = {model.slug: model_store.explain_model(model)} if model else {}
        return context
