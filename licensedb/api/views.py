"""Read-only API v1 for everyone; writes are for authenticated curators (see issue on curator writes)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import JsonResponse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from .. import verdict_store
from ..filters import DatasetFilter
from ..models import Dataset, DatasetLicence, Licence, SourcePlatform
from ..vocabulary import LicenceLayer
from .serializers import (
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
