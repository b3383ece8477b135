"""GET /api/v1/search/: ranked results with snippets, facet counts and a suggestion."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from licensedb.vocabulary import USE_KEYS, ModelKind, VerdictValue

from .documents import FACETS
from .service import SearchInputError, search


class HitSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    snippet = serializers.CharField(help_text="Plain text around the matches")
    snippet_html = serializers.CharField(help_text="The snippet as safe HTML, matches in <mark>")
    verdicts = serializers.DictField(child=serializers.ChoiceField(choices=VerdictValue.choices),
                                     help_text="use -> effective verdict")


class ModelHitSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="Always 'model': a trained model, not a dataset")
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()
    model_kind = serializers.ChoiceField(choices=ModelKind.choices, help_text="What the model does")
    licence = serializers.CharField(help_text="The weights licence (SPDX id or name), empty if not recorded")
    organisations = serializers.CharField()


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    active = serializers.BooleanField()


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Datasets found (at least this many when `approximate`)")
    approximate = serializers.BooleanField(
        help_text="More datasets matched than were counted: `count` and the facet counts are lower bounds")
    next = serializers.URLField(allow_null=True, help_text="The next page of results, if any")
    previous = serializers.URLField(allow_null=True, help_text="The previous page of results, if any")
    q = serializers.CharField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = HitSerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True))
    suggestion = serializers.CharField(allow_null=True)
    corrected = serializers.BooleanField(help_text="The results are for the suggestion: the query found nothing")
    relaxed = serializers.BooleanField(help_text="The results match some of the words: none matched all")
    resolved = serializers.CharField(
        help_text="How the query named an entry outright, which then comes first ('identifier:arxiv', "
        "'identifier:doi', 'identifier:huggingface', 'identifier:url', 'slug', 'former_slug'); empty otherwise")
    models = ModelHitSerializer(many=True, help_text="Trained models the query finds (the first five), apart "
                                "from the datasets in `results`; empty when a facet is active")
    models_count = serializers.IntegerField(help_text="How many trained models the query finds")


FACET_PARAMETERS = [
    OpenApiParameter(name, OpenApiTypes.STR, many=True, description=f"Narrow to these values of: {label}")
    for name, label in FACETS
]


class SearchView(APIView):
    @staticmethod
    def _page_link(request, page: int) -> str:
        params = request.query_params.copy()
        params["page"] = str(page)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    @extend_schema(
        summary="Search the catalogue",
        description="Ranked full-text search over names, aliases, organisations, licences, platforms, "
        "summaries and evidence. Typo-tolerant; every facet is a parameter (repeat it for several values). "
        "An identifier (arXiv id, DOI, Hugging Face id, homepage URL, former slug) puts its entry first. "
        "Datasets are in `results`; trained models the query finds are apart, in `models`.",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Anything a user types; empty lists everything"),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 100"),
            OpenApiParameter("correct", OpenApiTypes.STR, enum=["0", "1"],
                             description="0: search exactly what was typed, without a spelling correction"),
            *FACET_PARAMETERS,
        ],
        responses=SearchResponseSerializer,
    )
    def get(self, request):
        try:
            response = search(request.query_params)
        except SearchInputError as error:
            raise ValidationError(error.errors) from error
        return Response(
            {
                "count": response.count,
                "approximate": response.approximate,
                "next": self._page_link(request, response.page + 1) if response.page < response.pages else None,
                "previous": self._page_link(request, response.page - 1) if response.page > 1 else None,
                "q": response.q,
                "page": response.page,
                "page_size": response.page_size,
                "results": [
                    {
                        "slug": hit.slug,
                        "name": hit.name,
                        "url": request.build_absolute_uri(f"/datasets/{hit.slug}/"),
                        "year": hit.year,
                        "status": hit.status,
                        "snippet": hit.snippet,
                        "snippet_html": hit.snippet_html,
                        "verdicts": {use: hit.verdicts[use] for use in USE_KEYS},
                    }
                    for hit in response.hits
                ],
                "facets": {
                    name: [vars(value) for value in values] for name, values in response.facets.items()
                },
                "suggestion": response.suggestion,
                "corrected": response.corrected,
                "relaxed": response.relaxed,
                "resolved": response.resolved,
                "models": [
                    {
                        "kind": "model",
                        "slug": model.slug,
                        "name": model.name,
                        "url": request.build_absolute_uri(f"/models/{model.slug}/"),
                        "model_kind": model.kind,
                        "licence": model.licence,
                        "organisations": model.organisations,
                    }
                    for model in response.models
                ],
                "models_count": response.models_count,
            }
        )
