"""Resolving references and auditing a training set over the API."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import audit_reports, audit_store
from ..audit import AuditInputError, read_reference_list, read_references, read_uses
from ..audit_store import AmbiguousReferences
from ..models import Audit
from ..resolver import MAX_REFERENCE_LENGTH
from ..resolver_index import resolve_reference
from ..vocabulary import USE_KEYS, VerdictValue


class EntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["dataset", "model"])
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()


class ResolutionSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=["resolved", "ambiguous", "not_found", "invalid"])
    match = serializers.CharField(
        allow_null=True,
        help_text="How it matched: identifier:<kind>, slug, former_slug, name, alias, prefix or fuzzy",
    )
    entry = EntrySerializer(allow_null=True)
    candidates = EntrySerializer(many=True, help_text="The entries it could mean (ambiguous), or the nearest names (not found)")
    message = serializers.CharField()


def _entry(entry, request) -> dict | None:
    if entry is None:
        return None
    path = f"/{'datasets' if entry.kind == 'dataset' else 'models'}/{entry.slug}/"
    return {"kind": entry.kind, "slug": entry.slug, "name": entry.name, "url": request.build_absolute_uri(path)}


def resolution_json(resolution, request) -> dict:
    return {
        "reference": resolution.reference,
        "status": resolution.status,
        "match": resolution.match or None,
        "entry": _entry(resolution.entry, request),
        "candidates": [_entry(c, request) for c in resolution.candidates],
        "message": resolution.message,
    }


class ResolveView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Resolve any reference to a catalogue entry",
        description="A slug, name, alias, misspelling, Hugging Face id or URL, GitHub URL (any path inside the "
        "repository), arXiv id or URL (any version) or DOI. Says how it matched; when ambiguous, returns the "
        "candidates instead of guessing (still 200: the answer is the resolution).",
        parameters=[OpenApiParameter("ref", OpenApiTypes.STR, required=True, description="The reference")],
        responses={200: ResolutionSerializer},
    )
    def get(self, request):
        ref = request.query_params.get("ref")
        if ref is None or not ref.strip():
            raise ValidationError({"ref": ["Give the reference to resolve, e.g. ?ref=OpenGVLab/InternVid."]})
        if len(ref) > MAX_REFERENCE_LENGTH:
            raise ValidationError({"ref": [f"A reference is at most {MAX_REFERENCE_LENGTH} characters."]})
        return Response(resolution_json(resolve_reference(ref), request))


class AuditRequestSerializer(serializers.Serializer):
    references = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False), required=False,
        help_text="References, one per item (up to 1,000)",
    )
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                 help_text="Or the references as text: one per line, CSV, JSON or a model card")
    file = serializers.FileField(required=False, help_text="Or a file (multipart): text, CSV, JSON or a model card")
    uses = serializers.ListField(child=serializers.CharField(), required=False,
                                 help_text=f"Uses to check (default: commercial_training, model_release); any of {', '.join(USE_KEYS)}")


class AuditOverallSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=VerdictValue.choices)
    blocking = serializers.ListField(child=serializers.CharField())
    conditions = serializers.ListField(child=serializers.CharField())


class AuditResponseSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The audit's shareable page")
    exports = serializers.DictField(child=serializers.CharField())
    generated = serializers.CharField()
    catalogue_revision = serializers.IntegerField()
    uses = serializers.ListField(child=serializers.CharField())
    overall = serializers.DictField(child=AuditOverallSerializer())
    passes = serializers.BooleanField(help_text="Every reference resolved and every use allowed")
    exit_status = serializers.IntegerField(help_text="0 passes; 1 a use blocked or conditional; 2 a reference not resolved")
    unresolved = serializers.ListField(child=serializers.CharField())
    lines = serializers.ListField(child=serializers.DictField())
    ancestors = serializers.ListField(child=serializers.DictField())


def audit_json(audit: Audit, report, request) -> dict:
    base = request.build_absolute_uri("/")[:-1]
    url = request.build_absolute_uri(audit.get_absolute_url())
    body = audit_reports.report_json(report, base, url)
    body["exports"] = {
        fmt: request.build_absolute_uri(f"{audit.get_absolute_url()}report.{fmt}") for fmt in ("md", "csv", "json", "eu")
    }
    return body


class AuditView(APIView):
    permission_classes = [AllowAny]  # an audit writes only its own input, to give it an address
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="Audit a training set",
        description='POST {"references": ["OpenGVLab/InternVid", "arXiv:2111.10337"], "uses": ["commercial_training"]}, '
        "or text, or a file. Unresolved references make the overall answer unclear; ambiguous ones are a 400 naming "
        "the candidates.",
        request=AuditRequestSerializer,
        responses={200: AuditResponseSerializer},
    )
    def post(self, request):
        payload = AuditRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            uses = read_uses(data.get("uses"))
            if data.get("file") is not None:
                upload = data["file"]
                from ..views_audit import read_upload

                references = read_references(read_upload(upload), upload.name, getattr(upload, "content_type", "") or "")
            elif data.get("references") is not None:
                references = read_reference_list(data["references"])
            elif data.get("text") is not None:
                references = read_references(data["text"])
            else:
                raise AuditInputError("Give the references: a list in 'references', text in 'text' or a file in 'file'.")
            report = audit_store.run(references, uses)
        except AmbiguousReferences as error:
            refused = ValidationError({"references": [r.message for r in error.resolutions]})
            refused.extra = {"candidates": {r.reference: [c.slug for c in r.candidates] for r in error.resolutions}}
            raise refused from error
        except AuditInputError as error:
            raise ValidationError({"references": [str(error)]}) from error
        audit = audit_store.save(references, uses)
        return Response(audit_json(audit, report, request))


class AuditDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="A kept audit, answered from the current catalogue", responses={200: AuditResponseSerializer})
    def get(self, request, audit_id: str):
        audit = get_object_or_404(Audit, pk=audit_id)
        report = audit_store.run(list(audit.references), tuple(audit.uses))
        return Response(audit_json(audit, report, request))
