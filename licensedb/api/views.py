"""Read-only API v1 for everyone; writes are for authenticated curators (see issue on curator writes)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import verdict_store
from ..filters import DatasetFilter
from ..params import ParameterError, whole_number
from ..models import Dataset, DatasetLicence, DatasetVerdict, Evidence, Licence, SourcePlatform
from ..checks import check
from ..history import grouped_page
from ..views_changes import parse_query as parse_changes_query
from ..selection import SelectionError, select
from ..vocabulary import USES, USES_BY_KEY, LicenceLayer, VerdictValue
from .pagination import envelope
from .writes import (
    CuratorPermission,
    DatasetWriteSerializer,
    EvidenceWriteSerializer,
    VerdictWriteSerializer,
    add_evidence,
    put_verdict,
    write_dataset,
)
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
class DatasetViewSet(viewsets.ModelViewSet):
    lookup_field = "slug"
    filterset_class = DatasetFilter
    permission_classes = [CuratorPermission]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    write_model = Dataset  # the model CuratorPermission checks; actions below name their own

    def get_queryset(self):
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            return Dataset.objects.all()  # curators may change drafts too
        if self.action != "list":
            return Dataset.objects.published()  # _detail loads what the answer shows, once
        current_terms = DatasetLicence.objects.current().filter(layer=LicenceLayer.DATASET_TERMS).select_related("licence")
        queryset = (
            Dataset.objects.published()
            .select_related("effective")
            .prefetch_related(
                "aliases",
                "platforms",
                "derived_from",
                "distribution",
                Prefetch("licence_lines", queryset=current_terms, to_attr="current_terms"),
            )
            .order_by("name")
        )
        return queryset

    def get_serializer_class(self):
        if self.action in ("create", "partial_update", "update"):
            return DatasetWriteSerializer
        return DatasetDetailSerializer if self.action == "retrieve" else DatasetListSerializer

    def _detail(self, dataset: Dataset, status_code: int = 200) -> Response:
        dataset = Dataset.objects.prefetch_related(
            "aliases", "platforms", "derived_from", "organisations", "modalities", "derivatives", "distribution",
            "works_evidence", "claims__licence",
            Prefetch("licence_lines", queryset=DatasetLicence.objects.select_related("licence")),
        ).select_related("effective", "works_licence").get(pk=dataset.pk)
        dataset.current_terms = [l for l in dataset.licence_lines.all() if l.is_current and l.layer == LicenceLayer.DATASET_TERMS]
        context = self.get_serializer_context()
        explanations, catalogue = verdict_store.explain_with_catalogue(dataset)
        context["explanations"] = {dataset.slug: explanations}
        context["provenance"] = {dataset.slug: verdict_store.provenance(dataset, catalogue)}
        return Response(DatasetDetailSerializer(dataset, context=context).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        from django.http import Http404

        try:
            dataset = self.get_object()
        except Http404:
            return resolved_redirect(request, kwargs.get("slug", ""))
        return self._detail(dataset)

    @extend_schema(summary="Create a dataset (curators)", request=DatasetWriteSerializer, responses={201: DatasetDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = DatasetWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._detail(write_dataset(serializer), 201)

    @extend_schema(summary="Change a dataset (curators); send its current version", request=DatasetWriteSerializer,
                   responses={200: DatasetDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        serializer = DatasetWriteSerializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return self._detail(write_dataset(serializer))

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(summary="Add evidence to a dataset (curators)", request=EvidenceWriteSerializer,
                   responses={201: EvidenceSerializer})
    @action(detail=True, methods=["post"], url_path="evidence", write_model=Evidence)
    def evidence(self, request, slug=None):
        evidence = add_evidence(self.get_object(), request.data, request.user)
        return Response(EvidenceSerializer(evidence).data | {"key": evidence.key}, status=201)

    @extend_schema(summary="Set a dataset's verdict for one use and layer (curators)", request=VerdictWriteSerializer,
                   responses={200: DatasetDetailSerializer})
    @action(detail=True, methods=["put"], url_path=r"verdicts/(?P<layer>[a-z_]+)/(?P<use>[a-z_]+)",
            write_model=DatasetVerdict)
    def verdict(self, request, slug=None, layer=None, use=None):
        dataset = self.get_object()
        put_verdict(dataset, layer, use, request.data)
        return self._detail(dataset)


class LicenceViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = r"[a-z0-9.\-]+"
    queryset = Licence.objects.order_by("name")
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_fields = {"category": ["exact"], "spdx_id": ["exact"]}
    ordering_fields = ["name", "slug", "category"]

    def get_serializer_class(self):
        return LicenceDetailSerializer if self.action == "retrieve" else LicenceSerializer


class PlatformViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    serializer_class = PlatformSerializer
    queryset = SourcePlatform.objects.prefetch_related("verdicts__conditions", "verdicts__evidence").order_by("name")
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_fields = {"kind": ["exact"], "terms_apply": ["exact"]}
    ordering_fields = ["name", "slug", "kind"]



class UseSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    question = serializers.CharField()
    explanation = serializers.CharField()


class UsesResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = UseSerializer(many=True)


class UsesView(APIView):
    @extend_schema(summary="The uses a verdict answers for", responses=UsesResponseSerializer)
    def get(self, request):
        return Response(envelope(len(USES), None, None, [UseSerializer(use).data for use in USES]))


class CheckRequestSerializer(serializers.Serializer):
    use = serializers.CharField(help_text="A dataset use, or with `models` a model use (see /api/v1/uses/)")
    datasets = serializers.ListField(child=serializers.CharField(max_length=2000), min_length=1, max_length=50, required=False,
                                     help_text="Dataset references, 1 to 50: slugs, names, Hugging Face ids, GitHub or arXiv links")
    models = serializers.ListField(child=serializers.CharField(max_length=2000), min_length=1, max_length=50, required=False,
                                   help_text="Or model references, 1 to 50, with a model use")

    def validate_use(self, value):
        from ..vocabulary import MODEL_USES_BY_KEY

        if value not in USES_BY_KEY and value not in MODEL_USES_BY_KEY:
            raise serializers.ValidationError(
                f"Unknown use '{value[:60]}'. Dataset uses: {', '.join(USES_BY_KEY)}; model uses: {', '.join(MODEL_USES_BY_KEY)}."
            )
        return value

    def validate(self, data):
        from ..selection import select_models
        from ..vocabulary import MODEL_USES_BY_KEY

        use = data.get("use", "")
        if data.get("models") is not None:
            if use not in MODEL_USES_BY_KEY:
                raise serializers.ValidationError({"use": [f"With models, use one of the model uses: {', '.join(MODEL_USES_BY_KEY)}."]})
            try:
                data["models"] = select_models([v.strip() for v in data["models"]], minimum=1, maximum=50)
            except SelectionError as error:
                raise serializers.ValidationError(error.errors) from error
            return data
        if data.get("datasets") is None:
            raise serializers.ValidationError({"datasets": ["Give the datasets (or models) to check."]})
        if use not in USES_BY_KEY:
            raise serializers.ValidationError({"use": [f"Unknown use '{use[:60]}'. Known uses: {', '.join(USES_BY_KEY)}."]})
        try:
            data["datasets"] = select([v.strip() for v in data["datasets"]], minimum=1, maximum=50)
        except SelectionError as error:
            raise serializers.ValidationError(error.errors) from error
        return data


class CheckItemSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    verdict = serializers.ChoiceField(choices=VerdictValue.choices)
    own = serializers.ChoiceField(choices=VerdictValue.choices, help_text="What the dataset's own terms say")
    because = serializers.CharField(help_text="When the verdict differs from its own terms: what changes it")
    route_note = serializers.CharField()
    decided_by = serializers.CharField()
    conditions = serializers.ListField(child=serializers.CharField())
    evidence = EvidenceSerializer(many=True)


class CheckResponseSerializer(serializers.Serializer):
    use = serializers.CharField()
    overall = serializers.ChoiceField(choices=VerdictValue.choices, help_text="The most restrictive of the datasets' verdicts")
    blocking = serializers.ListField(child=serializers.CharField(), help_text="Entries whose verdict is the overall one")
    datasets = CheckItemSerializer(many=True, required=False)
    models = serializers.ListField(child=serializers.DictField(), required=False,
                                   help_text="For a model check: slug, name, verdict, weights, decided_by, conditions, conflicts")


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
        if payload.validated_data.get("models") is not None:
            from ..checks import check_models

            result = check_models(payload.validated_data["use"], payload.validated_data["models"])
            return Response({
                "use": result.use,
                "overall": result.overall,
                "blocking": result.blocking,
                "models": [
                    {"slug": model.slug, "name": model.name, "verdict": answer.value, "weights": answer.weights,
                     "decided_by": answer.decided_by, "conditions": list(answer.conditions),
                     "conflicts": [{"dataset": c.data.dataset, "summary": c.summary} for c in answer.conflicts]}
                    for model, answer in result.items
                ],
            })
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
                    "own": effective.own,
                    "because": effective.because,
                    "route_note": effective.route_note,
                    "decided_by": effective.decided_by,
                    "conditions": list(effective.conditions),
                    "evidence": EvidenceSerializer(effective.evidence, many=True).data,
                }
                for dataset, effective in result.items
            ],
        })


class ChangeDetailSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The change's history record, e.g. datasetverdict-1234")
    when = serializers.DateTimeField()
    subject = serializers.CharField()
    kind = serializers.ChoiceField(choices=["created", "changed", "deleted", "loaded"],
                                   help_text="`loaded`: the curated catalogue was loaded (one change for the whole load)")
    summary = serializers.CharField(help_text="What happened, as a sentence about the entry")
    user = serializers.CharField()
    details = ChangeDetailSerializer(many=True)


class ChangeGroupSerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    dataset = serializers.DictField(child=serializers.CharField(), allow_null=True,
                                    help_text="slug, name and url of the entry; null for a load of the whole catalogue")
    summary = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=["takedown", "licence", "status"]))
    changes = ChangeSerializer(many=True)


class ChangesResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField(allow_null=True, help_text="Always null: the change log is paged by cursor, not counted")
    next = serializers.URLField(allow_null=True, help_text="The URL of older changes, if any")
    previous = serializers.URLField(allow_null=True, help_text="Always null: the change log pages towards older changes only")
    results = ChangeGroupSerializer(many=True)


class ChangesView(APIView):
    @extend_schema(
        summary="Changes to published entries, newest first",
        description="Paged by cursor: follow `next` until it is null to read every change exactly once.",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=["licence", "takedown"], description="Only licence changes or takedowns"),
            OpenApiParameter("before", OpenApiTypes.DATETIME, description="Only changes made before this time"),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="Where the page starts (from `next`)"),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="Groups per page, 1 to 100 (default 50)"),
        ],
        responses=ChangesResponseSerializer,
    )
    def get(self, request):
        query, errors = parse_changes_query(request.query_params)
        try:
            size = whole_number(request.query_params.get("page_size"), "page_size", minimum=1, maximum=100, default=50)
        except ParameterError as error:
            errors.update(error.errors)
        if errors:
            raise ValidationError(errors)
        groups, following = grouped_page(size, query.cursor, query.kind, query.before)
        results = [
            {
                "when": group.when,
                "dataset": {"slug": group.dataset_slug, "name": group.dataset_name,
                            "url": request.build_absolute_uri(f"/datasets/{group.dataset_slug}/")} if group.dataset_slug else None,
                "summary": group.summary,
                "events": group.events,
                "changes": [
                    {"id": c.ref, "when": c.when, "subject": c.subject, "kind": c.kind, "user": c.user, "summary": c.summary,
                     "details": [{"field": f, "before": b, "after": a} for f, b, a in c.details]}
                    for c in group.changes
                ],
            }
            for group in groups
        ]
        next_url = None
        if following is not None:
            params = request.query_params.copy()
            params["cursor"] = following.encode()
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response(envelope(None, next_url, None, ChangeGroupSerializer(results, many=True).data))


EXACT_MATCHES = ("slug", "former_slug", "name", "alias")


def resolved_redirect(request, reference: str):
    """An alias, an old slug or an identifier in a detail URL: redirect to the entry's canonical URL.
    A guess (prefix or fuzzy) is never followed: a 404 names the candidates."""
    from django.http import HttpResponseRedirect
    from django.urls import reverse
    from rest_framework.exceptions import NotFound

    from ..resolver import RESOLVED
    from ..selection import resolve_one

    resolution = resolve_one(reference)
    if resolution.status == RESOLVED and (resolution.match in EXACT_MATCHES or resolution.match.startswith("identifier:")):
        target = reverse("api-dataset-detail", args=[resolution.entry.slug])
        query = request.META.get("QUERY_STRING")
        return HttpResponseRedirect(target + (f"?{query}" if query else ""), status=301)
    message = resolution.message or f"No published dataset is called '{reference[:80]}'."
    if resolution.status == RESOLVED:
        message = f"No published dataset is called '{reference[:80]}'. Did you mean {resolution.entry.name} ({resolution.entry.slug})?"
    missing = NotFound(message)
    missing.extra = {"candidates": [c.slug for c in resolution.candidates] or ([resolution.entry.slug] if resolution.entry else [])}
    raise missing


class DatasetReferenceView(APIView):
    """/api/v1/datasets/<any reference>/, e.g. a Hugging Face id with its slash: redirects to the entry."""

    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request, reference: str):
        return resolved_redirect(request, reference)
