"""Read-only API v1 for everyone; writes are for authenticated curators (see issue on curator writes)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import JsonResponse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView
from rest_framework.response import Response

from .. import verdict_store
from ..filters import DatasetFilter
from ..models import Dataset, DatasetLicence, Licence, SourcePlatform
from ..checks import check
from ..selection import SelectionError, select
from ..vocabulary import USES, USES_BY_KEY, LicenceLayer, VerdictValue
from .serializers import (
    EvidenceSerializer,
    DatasetDetailSerializer,
    DatasetListSerializer,
    LicenceDetailSerializer,
    LicenceSerializer,
    PlatformSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="List published datasets", description="Filter with the same parameters as the dataset list page; each use's effective verdict is a parameter, e.g. `commercial_training=allowed`."),
    retrieve=extend_schema(summary="One dataset with every use's effective verdict, its layers and evidence"),
)
class DatasetViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    filterset_class = DatasetFilter

    def get_queryset(self):
        current_terms = DatasetLicence.objects.current().filter(layer=LicenceLayer.DATASET_TERMS).select_related("licence")
        queryset = (
            Dataset.objects.published()
            .select_related("effective")
            .prefetch_related(
                "aliases",
                "platforms",
                "derived_from",
                Prefetch("licence_lines", queryset=current_terms, to_attr="current_terms"),
            )
            .order_by("name")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "organisations",
                "modalities",
                "derivatives",
                Prefetch("licence_lines", queryset=DatasetLicence.objects.select_related("licence")),
                "claims__licence",
            )
        return queryset

    def get_serializer_class(self):
        return DatasetDetailSerializer if self.action == "retrieve" else DatasetListSerializer

    def retrieve(self, request, *args, **kwargs):
        dataset = self.get_object()
        context = self.get_serializer_context()
        context["explanations"] = {dataset.slug: verdict_store.explain(dataset)}
        return Response(DatasetDetailSerializer(dataset, context=context).data)


class LicenceViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = r"[a-z0-9.\-]+"
    queryset = Licence.objects.order_by("name")

    def get_serializer_class(self):
        return LicenceDetailSerializer if self.action == "retrieve" else LicenceSerializer


class PlatformViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    serializer_class = PlatformSerializer
    queryset = SourcePlatform.objects.prefetch_related("verdicts__conditions", "verdicts__evidence").order_by("name")


@extend_schema(exclude=True)
def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": f"There is no API endpoint at {request.path}. See /api/v1/ for the list."}, status=404)


class UseSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    question = serializers.CharField()
    explanation = serializers.CharField()


class UsesView(APIView):
    @extend_schema(summary="The uses a verdict answers for", responses=UseSerializer(many=True))
    def get(self, request):
        return Response([UseSerializer(use).data for use in USES])


class CheckRequestSerializer(serializers.Serializer):
    use = serializers.CharField(help_text="One of the keys from /api/v1/uses/")
    datasets = serializers.ListField(child=serializers.CharField(max_length=200), min_length=1, max_length=50,
                                     help_text="Dataset slugs, 1 to 50")

    def validate_use(self, value):
        if value not in USES_BY_KEY:
            raise serializers.ValidationError(f"Unknown use '{value[:60]}'. Known uses: {', '.join(USES_BY_KEY)}.")
        return value

    def validate_datasets(self, value):
        try:
            return select([v.strip().lower() for v in value], minimum=1, maximum=50)
        except SelectionError as error:
            raise serializers.ValidationError(error.errors["datasets"]) from error


class CheckItemSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    verdict = serializers.ChoiceField(choices=VerdictValue.values)
    decided_by = serializers.CharField()
    conditions = serializers.ListField(child=serializers.CharField())
    evidence = EvidenceSerializer(many=True)


class CheckResponseSerializer(serializers.Serializer):
    use = serializers.CharField()
    overall = serializers.ChoiceField(choices=VerdictValue.values, help_text="The most restrictive of the datasets' verdicts")
    blocking = serializers.ListField(child=serializers.CharField(), help_text="Datasets whose verdict is the overall one")
    datasets = CheckItemSerializer(many=True)


class CheckView(APIView):
    permission_classes = [AllowAny]  # asking a question writes nothing
    @extend_schema(
        summary="Check one use against several datasets",
        description="POST {\"use\": \"commercial_training\", \"datasets\": [\"panda-70m\", \"kinetics-400\"]}. "
        "Unknown or unpublished slugs are named in a 400.",
        request=CheckRequestSerializer,
        responses={200: CheckResponseSerializer},
    )
    def post(self, request):
        payload = CheckRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        result = check(payload.validated_data["use"], payload.validated_data["datasets"])
        return Response({
            "use": result.use,
            "overall": result.overall,
            "blocking": result.blocking,
            "datasets": [
                {
                    "slug": dataset.slug,
                    "name": dataset.name,
                    "verdict": effective.value,
                    "decided_by": effective.decided_by,
                    "conditions": list(effective.conditions),
                    "evidence": EvidenceSerializer(effective.evidence, many=True).data,
                }
                for dataset, effective in result.items
            ],
        })
