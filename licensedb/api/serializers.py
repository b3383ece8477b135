"""JSON shapes of the API. Verdict structures come straight from the engine's dataclasses."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import licensing
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


class JurisdictionNoteSerializer(serializers.Serializer):
    slug = serializers.CharField()
    jurisdiction = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    overrides_contract = serializers.BooleanField(help_text="The law makes contract terms that forbid it unenforceable")
    evidence = EvidenceSerializer(many=True)


class LayerSerializer(serializers.Serializer):
    layer = serializers.CharField(
        help_text="dataset_terms, platform_terms, rights_in_works, or inherited:<slug of the ancestor>"
    )
    verdict = serializers.ChoiceField(choices=VerdictValue.choices, source="value")
    source = serializers.CharField(help_text="What decided inside the layer: dataset, platform:<slug>, ...")
    via = serializers.ListField(child=serializers.CharField(), help_text="Lineage path to an ancestor")
    conditions = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    evidence = EvidenceSerializer(many=True)
    binding = serializers.BooleanField(help_text="Whether this layer binds the way (route) the answer is for")
    applies_when = serializers.CharField(help_text="For layers that bind only some ways: when they bind")
    notes = JurisdictionNoteSerializer(many=True, help_text="Exceptions in law shown beside the layer; they never change it")


class RouteSerializer(serializers.Serializer):
    route = serializers.ChoiceField(choices=["release", "features", "hosted", "fetch"])
    verdict = serializers.ChoiceField(choices=VerdictValue.choices, source="value")
    layers = serializers.ListField(child=serializers.CharField(), help_text="The layers that bind this way")


class EffectiveSerializer(serializers.Serializer):
    effective = serializers.ChoiceField(choices=VerdictValue.choices, source="value")
    own = serializers.ChoiceField(choices=VerdictValue.choices, help_text="What the dataset's own terms say")
    because = serializers.CharField(help_text="When the effective verdict differs from its own terms: what changes it")
    decided_by = serializers.CharField()
    tied_with = serializers.ListField(child=serializers.CharField())
    conditions = serializers.ListField(child=serializers.CharField())
    evidence = EvidenceSerializer(many=True)
    route = serializers.ChoiceField(
        choices=["release", "features", "hosted", "fetch"],
        help_text="The way the answer is for: sharing the release, using released features, using the creators' "
        "copies, or fetching the videos from the platform",
    )
    route_note = serializers.CharField(help_text="What another way of doing it would meet, when it is worse")
    routes = RouteSerializer(many=True)
    layers = LayerSerializer(many=True)


class EffectiveSummarySerializer(serializers.Serializer):
    effective = serializers.ChoiceField(choices=VerdictValue.choices)
    own = serializers.ChoiceField(choices=VerdictValue.choices, help_text="What the dataset's own terms say")
    decided_by = serializers.CharField()


VerdictMap = serializers.DictField  # keyed by use


SPDX_HELP = "SPDX identifier: the SPDX list's id, LicenseRef-<slug> for another licence, NONE when no licence is stated"


class LicenceLineSerializer(serializers.ModelSerializer):
    licence = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    name = serializers.CharField(source="licence.name")
    spdx_id = serializers.CharField(source="licence.spdx", help_text=SPDX_HELP)
    stated = serializers.BooleanField(source="licence.is_stated", help_text="False when the line records that no licence is stated")
    category = serializers.CharField(source="licence.category")
    current = serializers.BooleanField(source="is_current")

    class Meta:
        model = DatasetLicence
        fields = ["licence", "name", "spdx_id", "stated", "category", "layer", "scope", "valid_from", "valid_until", "current"]


class DatasetListSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    aliases = serializers.SerializerMethodField()
    platforms = serializers.SerializerMethodField()
    derived_from = serializers.SerializerMethodField()
    licences = serializers.SerializerMethodField(help_text="Slugs of the current dataset-terms licences")
    distribution = serializers.SerializerMethodField(
        help_text="The release's forms: video_files, url_list, features, annotations_only (empty: not established)"
    )
    provenance_risk = serializers.SerializerMethodField(
        help_text="The creators distribute copies fetched from a platform whose terms forbid downloading"
    )
    spdx = serializers.SerializerMethodField(
        help_text="SPDX licence expression of the current dataset terms (NONE: no licence stated; NOASSERTION: none recorded)")
    verdicts = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields = ["slug", "name", "url", "aliases", "year", "status", "access", "distribution", "platforms",
                  "derived_from", "licences", "spdx", "provenance_risk", "verdicts", "last_reviewed"]

    def get_url(self, obj: Dataset) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def get_aliases(self, obj: Dataset) -> list[str]:
        return [alias.name for alias in obj.aliases.all()]

    def get_platforms(self, obj: Dataset) -> list[str]:
        return [platform.slug for platform in obj.platforms.all()]

    def get_distribution(self, obj: Dataset) -> list[str]:
        return sorted(form.slug for form in obj.distribution.all())

    def get_provenance_risk(self, obj: Dataset) -> bool:
        effective = getattr(obj, "effective", None)
        return bool(effective and effective.provenance_risk)

    def get_derived_from(self, obj: Dataset) -> list[str]:
        return sorted(parent.slug for parent in obj.derived_from.all())

    def get_licences(self, obj: Dataset) -> list[str]:
        return licensing.slugs(getattr(obj, "current_terms", []))

    def get_spdx(self, obj: Dataset) -> str:
        return licensing.spdx_expression(getattr(obj, "current_terms", []))

    @extend_schema_field(serializers.DictField(child=EffectiveSummarySerializer()))
    def get_verdicts(self, obj: Dataset) -> dict:
        effective = getattr(obj, "effective", None)
        decided = effective.decided_by if effective else {}
        own = effective.own if effective else {}
        return {
            use: {
                "effective": getattr(effective, use) if effective else VerdictValue.UNCLEAR,
                "own": own.get(use, VerdictValue.UNCLEAR),
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


class ProvenanceSerializer(serializers.Serializer):
    summary = serializers.CharField()
    platforms = serializers.ListField(child=serializers.CharField())
    evidence = EvidenceSerializer(many=True)
    note = serializers.CharField(help_text="The creators' own account of how they obtained the copies, if recorded")


class WorksSerializer(serializers.Serializer):
    summary = serializers.CharField()
    licence = serializers.CharField(allow_null=True)
    evidence = EvidenceSerializer(many=True)


class DatasetDetailSerializer(DatasetListSerializer):
    summary = serializers.CharField()
    provenance = serializers.SerializerMethodField()
    works = serializers.SerializerMethodField(help_text="What rights the videos carry, when the creators say")
    countries = serializers.JSONField(help_text="ISO 3166-1 alpha-2 codes of where the videos were recorded")
    models = serializers.SerializerMethodField(help_text="Published models whose creators declare they trained (or evaluated) on it")
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
            "provenance", "works", "countries", "models",
        ]

    def get_models(self, obj: Dataset) -> list[dict]:
        return [{"slug": t.model.slug, "name": t.model.name, "role": t.role}
                for t in obj.used_by_models.filter(model__publication="published").select_related("model").order_by("model__name")]

    @extend_schema_field(ProvenanceSerializer(allow_null=True))
    def get_provenance(self, obj: Dataset) -> dict | None:
        risk = self.context.get("provenance", {}).get(obj.slug)
        if risk is None:
            return None
        return {"summary": risk.summary, "platforms": list(risk.platforms),
                "evidence": EvidenceSerializer(risk.evidence, many=True).data, "note": risk.note}

    @extend_schema_field(WorksSerializer(allow_null=True))
    def get_works(self, obj: Dataset) -> dict | None:
        if not obj.works_summary:
            return None
        return {"summary": obj.works_summary, "licence": obj.works_licence.slug if obj.works_licence else None,
                "evidence": EvidenceSerializer(obj.works_evidence.all(), many=True).data}

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
    spdx_id = serializers.CharField(source="spdx", help_text=SPDX_HELP)
    spdx_listed = serializers.SerializerMethodField(help_text="Whether the SPDX licence list has this licence")
    stated = serializers.BooleanField(source="is_stated", help_text="False for the record that no licence is stated")

    class Meta:
        model = Licence
        fields = ["slug", "name", "spdx_id", "spdx_listed", "stated", "url", "version", "category", "summary",
                  "permits", "requires", "forbids"]

    def get_spdx_listed(self, obj: Licence) -> bool:
        return bool(obj.spdx_id)

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
        fields = ["use", "layer", "verdict", "conditions", "note", "evidence"]

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, obj: PlatformVerdict) -> list:
        return EvidenceSerializer(obj.evidence.all(), many=True).data


class PlatformSerializer(serializers.ModelSerializer):
    verdicts = serializers.SerializerMethodField(help_text="Platform terms: what its contract says, per use")
    rights_verdicts = serializers.SerializerMethodField(help_text="Default rights in its videos, per use")

    class Meta:
        model = SourcePlatform
        fields = ["slug", "name", "kind", "homepage", "terms_url", "terms_apply", "download_prohibited",
                  "rights_apply", "summary", "download_terms", "ai_terms", "works_rights", "verdicts", "rights_verdicts"]

    def _by_use(self, obj: SourcePlatform, layer: str) -> dict:
        by_use = {v.use: v for v in obj.verdicts.all() if v.layer == layer}
        return {use.key: PlatformVerdictSerializer(by_use[use.key]).data for use in USES if use.key in by_use}

    @extend_schema_field(serializers.DictField(child=PlatformVerdictSerializer()))
    def get_verdicts(self, obj: SourcePlatform) -> dict:
        return self._by_use(obj, "platform_terms")

    @extend_schema_field(serializers.DictField(child=PlatformVerdictSerializer()))
    def get_rights_verdicts(self, obj: SourcePlatform) -> dict:
        return self._by_use(obj, "rights_in_works")
