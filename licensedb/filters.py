"""Catalogue filters, shared by the dataset list page and the API so that both accept the same URLs.

Every facet is a query parameter; unknown values are refused with a message naming the parameter.
The effective verdict of a use is filtered by the use's name: ``?commercial_training=allowed``.
"""

from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Dataset, Licence, Modality, Organisation, SourcePlatform, TrainedModel
from .params import ParameterError, whole_number
from .vocabulary import (
    MODEL_USES,
    USES,
    Access,
    Disclosure,
    Distribution,
    LicenceCategory,
    LicenceLayer,
    ModelKind,
    Status,
    VerdictValue,
)

SORTS = {
    "name": ("name", "Name (A-Z)"),
    "-name": ("-name", "Name (Z-A)"),
    "-year": ("-year", "Newest first"),
    "year": ("year", "Oldest first"),
    "-updated": ("-updated", "Recently updated"),
    "-last_reviewed": ("-last_reviewed", "Recently reviewed"),
}


def current_terms(licence_filter: Q) -> Exists:
    """Datasets whose current data terms match ``licence_filter``: an EXISTS, so no join repeats a row
    and no DISTINCT has to compare whole rows."""
    from .models import DatasetLicence

    return Exists(
        DatasetLicence.objects.filter(
            licence_filter, dataset=OuterRef("pk"), layer=LicenceLayer.DATASET_TERMS, valid_until__isnull=True
        )
    )


def _linked(relation: str):
    """A filter method: datasets linked through the many-to-many ``relation`` to any of the values
    (objects or primary keys), as an EXISTS over the link table instead of a join with DISTINCT."""
    through = Dataset._meta.get_field(relation).remote_field.through
    target = Dataset._meta.get_field(relation).m2m_reverse_field_name()

    def method(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        values = [getattr(v, "pk", v) for v in value]
        return queryset.filter(Exists(through.objects.filter(dataset_id=OuterRef("pk"), **{f"{target}__in": values})))

    return method


class YearField(forms.Field):
    """A four-digit year, read with the project's one integer parser."""

    def to_python(self, value):
        try:
            return whole_number(value, "year", minimum=1000, maximum=9999, default=0) or None
        except ParameterError as error:
            raise forms.ValidationError(error.message, code="invalid") from error


@extend_schema_field({"type": "integer", "minimum": 1000, "maximum": 9999})
class YearFilter(django_filters.Filter):
    field_class = YearField


@extend_schema_field(OpenApiTypes.STR)
class SlugMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """One or more slugs (repeat the parameter), checked against the objects that exist."""


class DatasetFilter(django_filters.FilterSet):
    licence = SlugMultipleChoiceFilter(
        queryset=Licence.objects.all(),
        to_field_name="slug",
        method="filter_licence",
        label="Licence",
    )
    category = django_filters.MultipleChoiceFilter(
        choices=LicenceCategory.choices, method="filter_category", label="Licence category"
    )
    platform = SlugMultipleChoiceFilter(
        queryset=SourcePlatform.objects.all(), to_field_name="slug", label="Source platform", method="filter_platform"
    )
    organisation = SlugMultipleChoiceFilter(
        queryset=Organisation.objects.all(), to_field_name="slug", label="Organisation", method="filter_organisation"
    )
    modality = SlugMultipleChoiceFilter(
        queryset=Modality.objects.all(), to_field_name="slug", label="Modality", method="filter_modality"
    )
    # single-valued columns: no join can repeat a row, so no DISTINCT
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label="Status", distinct=False)
    access = django_filters.MultipleChoiceFilter(choices=Access.choices, label="Access", distinct=False)
    distribution = django_filters.MultipleChoiceFilter(
        choices=Distribution.choices, label="Distribution", method="filter_distribution"
    )
    year = YearFilter(label="Year")
    usable_for = django_filters.MultipleChoiceFilter(
        choices=[(use.key, use.label) for use in USES], method="filter_usable_for",
        label="Usable for: the effective verdict of each use given is allowed or conditional",
    )
    q = django_filters.CharFilter(method="filter_q", label="Search words (as on the search page)")
    sort = django_filters.OrderingFilter(
        fields=(("name", "name"), ("year", "year"), ("updated", "updated"), ("last_reviewed", "last_reviewed")),
        label="Sort",
    )

    class Meta:
        model = Dataset
        fields: list[str] = []

    def filter_licence(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(current_terms(Q(licence__in=value)))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        from django.db.models.expressions import RawSQL

        from search.backends import get_backend
        from search.query import parse

        query = parse(value)
        if query.is_empty:
            return queryset
        sql, params = get_backend().match_ids_sql(query)
        return queryset.filter(pk__in=RawSQL(sql, params))

    def filter_usable_for(self, queryset: QuerySet, name: str, value) -> QuerySet:
        for use in value or ():
            queryset = queryset.filter(**{f"effective__{use}__in": (VerdictValue.ALLOWED, VerdictValue.CONDITIONAL)})
        return queryset

    def filter_category(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(current_terms(Q(licence__category__in=value)))

    filter_platform = _linked("platforms")
    filter_organisation = _linked("organisations")
    filter_modality = _linked("modalities")
    filter_distribution = _linked("distribution")


# One filter per use on its effective verdict: ?research=allowed&commercial_training=prohibited
for _use in USES:
    DatasetFilter.base_filters[_use.key] = django_filters.MultipleChoiceFilter(
        field_name=f"effective__{_use.key}", choices=VerdictValue.choices, label=_use.label, distinct=False
    )



class ModelFilter(django_filters.FilterSet):
    """Facets of the models list and /api/v1/models/: weights licence, disclosure, conflict, kind, answers."""

    licence = SlugMultipleChoiceFilter(queryset=Licence.objects.all(), to_field_name="slug", method="filter_licence",
                                       label="Weights licence")
    disclosure = django_filters.MultipleChoiceFilter(choices=Disclosure.choices, label="Disclosure")
    kind = django_filters.MultipleChoiceFilter(choices=ModelKind.choices, label="Kind")
    conflict = django_filters.BooleanFilter(field_name="effective__conflict", label="Weights licence conflicts with the data")
    organisation = SlugMultipleChoiceFilter(field_name="organisations__slug", queryset=Organisation.objects.all(),
                                            to_field_name="slug", label="Organisation")

    class Meta:
        model = TrainedModel
        fields: list[str] = []

    def filter_licence(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        from .models import ModelLicence

        lines = ModelLicence.objects.filter(model=OuterRef("pk"), layer="weights", valid_until__isnull=True, licence__in=value)
        return queryset.filter(Exists(lines))


for _use in MODEL_USES:
    ModelFilter.base_filters[_use.key] = django_filters.MultipleChoiceFilter(
        field_name=f"effective__{_use.key}", choices=VerdictValue.choices, label=_use.label, distinct=False
    )


def filtered_slugs(params) -> tuple[set[str] | None, dict]:
    """The slugs of the published datasets that the list's facets in ``params`` select, for an export
    that offers "the same filters as the list": (None, {}) when no facet is given, (None, errors) for
    a bad value."""
    facets = {key for key in DatasetFilter.base_filters if key != "sort"}
    if not any(params.get(key) for key in facets):
        return None, {}
    filterset = DatasetFilter(params, queryset=Dataset.objects.published())
    if not filterset.is_valid():
        return None, {key: [str(m) for m in messages] for key, messages in filterset.errors.items()}
    return set(filterset.qs.values_list("slug", flat=True)), {}
