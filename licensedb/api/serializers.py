"""JSON shapes of the API. Verdict structures come straight from the engine's dataclasses."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..claims import check_claims
from ..models import Dataset, DatasetLicence, Licence, PlatformVerdict, SourcePlatform
from ..vocabulary import USE_KEYS, USES, LicenceLayer, VerdictValue


class EvidenceSerializer(serializers.Serializer):
    url = serializers.URLField()
    location = serializers.CharField()
    accessed = serializers.DateField()
    summary = serializers.CharField()
    confidence = serializers.ChoiceField(choices=["high", "medium", "low"])
    kind = serializers.CharField()


class LayerSerializer(serializers.Serializer):
    layer = serializers.CharField(help_text="dataset_terms, content_terms, or inherited:<slug of the ancestor>")
    verdict = serializers.ChoiceField(choices=VerdictValue.choices, source="value")
    source = serializers.CharField(help_text="What decided inside the layer: dataset, platform:<slug>, ...")
    via = serializers.ListField(child=serializers.CharField(), help_text="Lineage path to an ancestor")
    conditions = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    evidence = EvidenceSerializer(many=True)


class EffectiveSerializer(serializers.Serializer):
    effective = serializers.ChoiceField(choices=VerdictValue.choices, source="value")
    decided_by = serializers.CharField()
    tied_with = serializers.ListField(child=serializers.CharField())
    conditions = serializers.ListField(child=serializers.CharField())
    evidence = EvidenceSerializer(many=True)
    layers = LayerSerializer(many=True)


class EffectiveSummarySerializer(serializers.Serializer):
    effective = serializers.ChoiceField(choices=VerdictValue.choices)
    decided_by = serializers.CharField()


VerdictMap = serializers.DictField  # keyed by use


class LicenceLineSerializer(serializers.ModelSerializer):
    licence = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    name = serializers.CharField(source="licence.name")
    spdx_id = serializers.CharField(source="licence.spdx_id", allow_null=True)
    category = serializers.CharField(source="licence.category")
    current = serializers.BooleanField(source="is_current")

    class Meta:
        model = DatasetLicence
        fields = ["licence", "name", "spdx_id", "category", "layer", "scope", "valid_from", "valid_until", "current"]


class DatasetListSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    aliases = serializers.SerializerMethodField()
    platforms = serializers.SerializerMethodField()
    derived_from = serializers.SerializerMethodField()
    licences = serializers.SerializerMethodField(help_text="Slugs of the current dataset-terms licences")
    verdicts = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields = ["slug", "name", "url", "aliases", "year", "status", "access", "distribution", "platforms",
                  "derived_from", "licences", "verdicts", "last_reviewed"]

    def get_url(self, obj: Dataset) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def get_aliases(self, obj: Dataset) -> list[str]:
        return [alias.name for alias in obj.aliases.all()]

    def get_platforms(self, obj: Dataset) -> list[str]:
        return [platform.slug for platform in obj.platforms.all()]

    def get_derived_from(self, obj: Dataset) -> list[str]:
        return sorted(parent.slug for parent in obj.derived_from.all())

    def get_licences(self, obj: Dataset) -> list[str]:
        return [line.licence.slug for line in getattr(obj, "current_terms", [])]

    @extend_schema_field(serializers.DictField(child=EffectiveSummarySerializer()))
    def get_verdicts(self, obj: Dataset) -> dict:
        effective = getattr(obj, "effective", None)
        decided = effective.decided_by if effective else {}
        return {
            use: {
                "effective": getattr(effective, use) if effective else VerdictValue.UNCLEAR,
                "decided_by": decided.get(use, "dataset_terms"),
            }
            for use in USE_KEYS
        }


class ClaimCheckSerializer(serializers.Serializer):
    source = serializers.CharField(source="claim.source")
    url = serializers.URLField(source="claim.url")
    claimed = serializers.CharField(source="claim.claimed")
    licence = serializers.CharField(source="claim.licence.slug", default=None, allow_null=True,
                                    help_text="The licence the claim names, when it is one we know")
    accessed = serializers.DateField(source="claim.accessed")
    conflict = serializers.BooleanField()
    explanation = serializers.CharField()


class PaperSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.URLField(allow_null=True)
    arxiv = serializers.CharField(allow_null=True)
    doi = serializers.CharField(allow_null=True)


class SizeSerializer(serializers.Serializer):
    videos = serializers.IntegerField(allow_null=True)
    clips = serializers.IntegerField(allow_null=True)
    hours = serializers.FloatField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class DatasetDetailSerializer(DatasetListSerializer):
    summary = serializers.CharField()
    organisations = serializers.SerializerMethodField()
    modalities = serializers.SerializerMethodField()
    paper = serializers.SerializerMethodField()
    size = serializers.SerializerMethodField()
    derivatives = serializers.SerializerMethodField()
    licence_lines = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField()
    verdicts = serializers.SerializerMethodField()

    class Meta(DatasetListSerializer.Meta):
        fields = DatasetListSerializer.Meta.fields + [
            "summary", "organisations", "modalities", "homepage", "paper", "size", "access_note",
            "status_date", "status_reason", "derivatives", "licence_lines", "claims", "bibtex", "version",
        ]

    def get_organisations(self, obj: Dataset) -> list[str]:
        return [org.name for org in obj.organisations.all()]

    def get_modalities(self, obj: Dataset) -> list[str]:
        return [m.slug for m in obj.modalities.all()]

    @extend_schema_field(PaperSerializer(allow_null=True))
    def get_paper(self, obj: Dataset) -> dict | None:
        if not (obj.paper_title or obj.paper_url):
            return None
        return {"title": obj.paper_title, "url": obj.paper_url or None, "arxiv": obj.arxiv_id or None, "doi": obj.doi or None}

    @extend_schema_field(SizeSerializer())
    def get_size(self, obj: Dataset) -> dict:
        return {"videos": obj.size_videos, "clips": obj.size_clips, "hours": obj.size_hours, "note": obj.size_note}

    def get_derivatives(self, obj: Dataset) -> list[str]:
        return sorted(child.slug for child in obj.derivatives.all() if child.is_published)

    @extend_schema_field(LicenceLineSerializer(many=True))
    def get_licence_lines(self, obj: Dataset) -> list:
        return LicenceLineSerializer(obj.licence_lines.all(), many=True).data

    @extend_schema_field(ClaimCheckSerializer(many=True))
    def get_claims(self, obj: Dataset) -> list:
        return ClaimCheckSerializer(check_claims(obj.claims.all(), obj.licence_lines.all()), many=True).data

    @extend_schema_field(serializers.DictField(child=EffectiveSerializer()))
    def get_verdicts(self, obj: Dataset) -> dict:
        results = self.context["explanations"][obj.slug]
        return {use: EffectiveSerializer(results[use]).data for use in USE_KEYS}


class LicenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Licence
        fields = ["slug", "name", "spdx_id", "url", "version", "category", "summary", "permits", "requires", "forbids"]

    def get_url(self, obj: Licence) -> str | None:
        return obj.url or None


class LicenceDetailSerializer(LicenceSerializer):
    datasets = serializers.SerializerMethodField(help_text="Published datasets whose current data terms use it")

    class Meta(LicenceSerializer.Meta):
        fields = LicenceSerializer.Meta.fields + ["datasets"]

    def get_datasets(self, obj: Licence) -> list[str]:
        lines = obj.dataset_lines.filter(
            dataset__publication="published", valid_until__isnull=True, layer=LicenceLayer.DATASET_TERMS
        )
        return sorted(set(lines.values_list("dataset__slug", flat=True)))


class PlatformVerdictSerializer(serializers.ModelSerializer):
    verdict = serializers.CharField(source="value")
    conditions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = PlatformVerdict
        fields = ["use", "verdict", "conditions", "note", "evidence"]

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, obj: PlatformVerdict) -> list:
        return EvidenceSerializer(obj.evidence.all(), many=True).data


class PlatformSerializer(serializers.ModelSerializer):
    verdicts = serializers.SerializerMethodField()

    class Meta:
        model = SourcePlatform
        fields = ["slug", "name", "kind", "homepage", "terms_url", "terms_apply", "summary", "download_terms",
                  "ai_terms", "verdicts"]

    @extend_schema_field(serializers.DictField(child=PlatformVerdictSerializer()))
    def get_verdicts(self, obj: SourcePlatform) -> dict:
        by_use = {v.use: v for v in obj.verdicts.all()}
        return {use.key: PlatformVerdictSerializer(by_use[use.key]).data for use in USES if use.key in by_use}
