"""Curator writes over the API: datasets, their evidence and their verdicts.

Only for authenticated users with the model permission (token or session authentication). The same
rules as the admin apply (licensedb.rules), the same history is kept (simple-history records the user),
and every write to an existing entry must carry the entry's ``version``: a stale one gets a 409, so two
curators never silently overwrite each other.
"""

from __future__ import annotations

from django.db import transaction
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.permissions import BasePermission

from .. import deferral, rules
from ..models import (
    Alias,
    Condition,
    Dataset,
    DatasetVerdict,
    DistributionForm,
    Evidence,
    Lineage,
    Modality,
    Organisation,
    SourcePlatform,
)
from ..models.fields import HttpURLField, http_url_validator
from ..text import name_key
from ..vocabulary import Layer, Publication, Status, UseChoice, VerdictValue


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "edit_conflict"

    def __init__(self, detail=None, current_version: int | None = None):
        super().__init__(detail)
        self.extra = {"current_version": current_version}


class CuratorPermission(BasePermission):
    """Authenticated, with Django's add/change permission on the model being written."""

    message = "Writing needs a curator account with permission to change the catalogue (send an API token)."

    def has_permission(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False
        model = getattr(view, "write_model", Dataset)
        action = "add" if request.method == "POST" else "change"
        return user.has_perm(f"licensedb.{action}_{model._meta.model_name}")


def check_version(dataset: Dataset, version: int | None) -> None:
    if version is None:
        raise serializers.ValidationError({"version": ["Send the entry's current version (from its JSON) with every change."]})
    message = rules.edit_conflict(dataset, version)
    if message:
        raise Conflict({"version": [message]}, current_version=type(dataset).objects.get(pk=dataset.pk).version)


class CuratedModelSerializer(serializers.ModelSerializer):
    """Model serializers that keep the models' http(s)-only URL rule (DRF drops URLValidator
    subclasses from model fields and applies its own, which also accepts ftp)."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, HttpURLField):
            kwargs["validators"] = [*kwargs.get("validators", []), http_url_validator]
        return field_class, kwargs


class DatasetWriteSerializer(CuratedModelSerializer):
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    organisations = serializers.SlugRelatedField(slug_field="slug", queryset=Organisation.objects.all(), many=True, required=False)
    modalities = serializers.SlugRelatedField(slug_field="slug", queryset=Modality.objects.all(), many=True, required=False)
    platforms = serializers.SlugRelatedField(slug_field="slug", queryset=SourcePlatform.objects.all(), many=True, required=False)
    derived_from = serializers.SlugRelatedField(slug_field="slug", queryset=Dataset.objects.all(), many=True, required=False)
    distribution = serializers.SlugRelatedField(
        slug_field="slug", queryset=DistributionForm.objects.all(), many=True, required=False,
        help_text="The release's forms: video_files, url_list, features, annotations_only",
    )
    version = serializers.IntegerField(required=False, write_only=True, help_text="Required when changing an entry")

    class Meta:
        model = Dataset
        fields = [
            "slug", "name", "summary", "year", "homepage", "paper_title", "paper_url", "arxiv_id", "doi", "bibtex",
            "size_videos", "size_clips", "size_hours", "size_note", "distribution", "access", "access_note",
            "status", "status_date", "status_reason", "lineage_note", "curation_note", "publication",
            "last_reviewed", "aliases", "organisations", "modalities", "platforms", "derived_from", "version",
        ]
        extra_kwargs = {"publication": {"default": Publication.DRAFT}}

    def validate_name(self, value):
        key = name_key(value)
        if not key:
            raise serializers.ValidationError("The name needs at least one letter or digit.")
        others = Dataset.objects.filter(name_key=key).exclude(pk=getattr(self.instance, "pk", None))
        if others.exists() or Alias.objects.filter(name_key=key).exclude(dataset_id=getattr(self.instance, "pk", None)).exists():
            raise serializers.ValidationError("Another dataset already has this name or alias.")
        return value

    def validate_aliases(self, value):
        own = getattr(self.instance, "pk", None)
        keys = [name_key(v) for v in value]
        if len(set(keys)) != len(keys) or "" in keys:
            raise serializers.ValidationError("Aliases must be distinct and contain letters or digits.")
        taken = set(Alias.objects.filter(name_key__in=keys).exclude(dataset_id=own).values_list("name", flat=True))
        taken |= set(Dataset.objects.filter(name_key__in=keys).exclude(pk=own).values_list("name", flat=True))
        if taken:
            raise serializers.ValidationError(f"Already the name or alias of another dataset: {', '.join(sorted(taken))}.")
        return value

    def validate(self, data):
        merged = {**({f: getattr(self.instance, f) for f in ("status", "status_date", "status_reason", "publication", "slug", "name")} if self.instance else {}), **data}
        errors: dict[str, list[str]] = {}
        if merged.get("status", Status.AVAILABLE) != Status.AVAILABLE:
            if not merged.get("status_date"):
                errors["status_date"] = [rules.TAKEDOWN_NEEDS_DATE]
            if not (merged.get("status_reason") or "").strip():
                errors["status_reason"] = [rules.TAKEDOWN_NEEDS_REASON]
        parents = data.get("derived_from")
        if parents is None and self.instance is not None:
            parents = list(self.instance.derived_from.all())
        parents = parents or []
        if self.instance is not None and any(p.pk == self.instance.pk for p in parents):
            errors["derived_from"] = ["A dataset cannot be derived from itself."]
        elif self.instance is not None and parents:
            edges: dict[str, list[str]] = {}
            for child, parent in Lineage.objects.exclude(child=self.instance).values_list("child__slug", "parent__slug"):
                edges.setdefault(child, []).append(parent)
            cycle = rules.lineage_cycle(self.instance.slug, [p.slug for p in parents], edges)
            if cycle:
                errors["derived_from"] = [str(cycle)]
        if merged.get("publication") == Publication.PUBLISHED:
            drafts = [p.name for p in parents if p.publication != Publication.PUBLISHED]
            if drafts:
                errors["derived_from"] = [rules.PUBLISHED_FROM_DRAFT.format(parents=", ".join(drafts))]
        if self.instance is not None and merged.get("publication") == Publication.DRAFT and self.instance.is_published:
            children = list(self.instance.derivatives.published().values_list("name", flat=True))
            if children:
                errors["publication"] = [rules.DRAFT_WITH_PUBLISHED_CHILDREN.format(children=", ".join(children))]
        if errors:
            raise serializers.ValidationError(errors)
        return data

    def _write_relations(self, dataset: Dataset, data: dict) -> None:
        for field in ("organisations", "modalities", "platforms", "distribution"):
            if field in data:
                getattr(dataset, field).set(data[field])
        if "aliases" in data:
            dataset.aliases.all().delete()
            for alias in data["aliases"]:
                Alias.objects.create(dataset=dataset, name=alias)
        if "derived_from" in data:
            Lineage.objects.filter(child=dataset).exclude(parent__in=data["derived_from"]).delete()
            for parent in data["derived_from"]:
                Lineage.objects.get_or_create(child=dataset, parent=parent)

    def create(self, validated):
        relations = {k: validated.pop(k) for k in ("aliases", "organisations", "modalities", "platforms", "distribution", "derived_from") if k in validated}
        validated.pop("version", None)
        dataset = Dataset.objects.create(**validated)
        self._write_relations(dataset, relations)
        return dataset

    def update(self, dataset, validated):
        check_version(dataset, validated.pop("version", None))
        relations = {k: validated.pop(k) for k in ("aliases", "organisations", "modalities", "platforms", "distribution", "derived_from") if k in validated}
        for field, value in validated.items():
            setattr(dataset, field, value)
        dataset.save()
        self._write_relations(dataset, relations)
        return dataset


class EvidenceWriteSerializer(CuratedModelSerializer):
    version = serializers.IntegerField(write_only=True, help_text="The dataset's current version")

    class Meta:
        model = Evidence
        fields = ["key", "url", "location", "accessed", "kind", "summary", "confidence", "version"]

    def validate_accessed(self, value):
        if rules.access_date_in_future(value):
            raise serializers.ValidationError(rules.ACCESS_DATE_IN_FUTURE)
        return value

    def validate_key(self, value):
        dataset = self.context["dataset"]
        if value and dataset.evidence.filter(key=value).exists():
            raise serializers.ValidationError(f"This entry already has evidence called '{value}'.")
        return value


class VerdictWriteSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=VerdictValue.choices)
    conditions = serializers.SlugRelatedField(slug_field="slug", queryset=Condition.objects.all(), many=True, required=False)
    evidence = serializers.ListField(child=serializers.CharField(max_length=60), required=False,
                                     help_text="Keys of this entry's evidence")
    note = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(help_text="The dataset's current version")

    def validate(self, data):
        dataset = self.context["dataset"]
        keys = data.get("evidence") or []
        found = {e.key: e for e in dataset.evidence.filter(key__in=keys)}
        missing = [k for k in keys if k not in found]
        if missing:
            raise serializers.ValidationError({"evidence": [f"This entry has no evidence called: {', '.join(missing)}."]})
        if rules.verdict_needs_evidence(data["value"], len(found)):
            raise serializers.ValidationError({"evidence": [rules.EVIDENCE_REQUIRED]})
        if data["value"] == VerdictValue.CONDITIONAL and not data.get("conditions"):
            raise serializers.ValidationError({"conditions": ["A conditional verdict must list its conditions."]})
        data["evidence_objects"] = [found[k] for k in keys]
        return data


def write_dataset(serializer: serializers.Serializer) -> Dataset:
    with transaction.atomic(), deferral.deferred():
        return serializer.save()


def add_evidence(dataset: Dataset, data, user) -> Evidence:
    serializer = EvidenceWriteSerializer(data=data, context={"dataset": dataset})
    serializer.is_valid(raise_exception=True)
    with transaction.atomic(), deferral.deferred():
        check_version(dataset, serializer.validated_data.pop("version"))
        evidence = serializer.save(dataset=dataset, reviewer=user.get_username())
        Dataset.objects.get(pk=dataset.pk).save(update_fields=["updated"])  # the entry's version goes up
    return evidence


def put_verdict(dataset: Dataset, layer: str, use: str, data) -> DatasetVerdict:
    if layer not in Layer.values:
        raise NotFound(f"There is no verdict layer '{layer[:40]}'; use one of: {', '.join(Layer.values)}.")
    if use not in UseChoice.values:
        raise NotFound(f"There is no use '{use[:40]}'; see /api/v1/uses/.")
    serializer = VerdictWriteSerializer(data=data, context={"dataset": dataset})
    serializer.is_valid(raise_exception=True)
    values = serializer.validated_data
    with transaction.atomic(), deferral.deferred():
        check_version(dataset, values["version"])
        verdict, _ = DatasetVerdict.objects.update_or_create(
            dataset=dataset, use=use, layer=layer, defaults={"value": values["value"], "note": values.get("note", "")}
        )
        verdict.conditions.set(values.get("conditions", []))
        verdict.evidence.set(values["evidence_objects"])
        Dataset.objects.get(pk=dataset.pk).save(update_fields=["updated"])
    return verdict
