"""The API's entry point, /api/v1/: every endpoint with what it answers, as JSON or as a page.

A browser asking for ``text/html`` gets the same list as a page of the site (the content security
policy forbids the inline scripts DRF's browsable renderer needs); everything else gets JSON.
"""

from __future__ import annotations

from typing import NamedTuple

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer, TemplateHTMLRenderer
from rest_framework.response import Response
from rest_framework.views import APIView


class Endpoint(NamedTuple):
    name: str
    method: str
    path: str  # under /api/v1/
    description: str
    example: str = ""  # a query to try, appended to the path


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("search", "GET", "search/", "Find datasets by name, alias, licence, organisation or a phrase from their terms, with facets.", "?q=kinetics"),
    Endpoint("check", "POST", "check/", "May I do USE with these datasets (or models)? The overall answer, what blocks it, and the evidence per dataset."),
    Endpoint("resolve", "GET", "resolve/", "Which entry a reference names: slug, name, alias, Hugging Face id, GitHub or arXiv link, DOI.", "?ref=OpenGVLab/InternVid"),
    Endpoint("audit", "POST", "audit/", "Audit a training set: every reference resolved and answered for the uses you choose, with a report."),
    Endpoint("datasets", "GET", "datasets/", "Published datasets with their effective verdict per use; filter by licence, platform, verdict...", "?commercial_training=allowed"),
    Endpoint("dataset", "GET", "datasets/{slug}/", "One dataset: every use's verdict with its layers, conditions and evidence.", ""),
    Endpoint("models", "GET", "models/", "Open video models: weights licence, declared training data and conflicts.", ""),
    Endpoint("licences", "GET", "licences/", "The licences the catalogue names, by SPDX id.", ""),
    Endpoint("platforms", "GET", "platforms/", "The platforms videos come from, with their terms.", ""),
    Endpoint("uses", "GET", "uses/", "The uses a verdict answers for (dataset uses and model uses).", ""),
    Endpoint("changes", "GET", "changes/", "What curators changed, newest first, paged by cursor.", ""),
    Endpoint("docs", "GET", "docs/", "Interactive documentation of every endpoint (Swagger UI).", ""),
    Endpoint("schema", "GET", "schema/", "The OpenAPI 3 schema, for clients and code generators.", ""),
)


class RootHTMLRenderer(TemplateHTMLRenderer):
    template_name = "api/root.html"


class ApiRootView(APIView):
    """GET /api/v1/: the list of endpoints."""

    renderer_classes = [JSONRenderer, RootHTMLRenderer]

    @extend_schema(
        summary="Every endpoint of the API",
        responses=inline_serializer("ApiRoot", {
            "title": serializers.CharField(),
            "docs": serializers.URLField(),
            "schema": serializers.URLField(),
            "endpoints": inline_serializer("ApiEndpoint", {
                "name": serializers.CharField(), "method": serializers.CharField(), "url": serializers.CharField(),
                "description": serializers.CharField(), "example": serializers.CharField(allow_blank=True),
            }, many=True),
        }),
    )
    def get(self, request):
        base = request.build_absolute_uri("/api/v1/")
        endpoints = [
            {"name": e.name, "method": e.method, "url": base + e.path, "description": e.description,
             "example": base + e.path + e.example if e.example else ""}
            for e in ENDPOINTS
        ]
        return Response({"title": "licensedb API", "docs": base + "docs/", "schema": base + "schema/", "endpoints": endpoints})
