"""What a dataset looks like to search: weighted text, name keys, facet values.

Built for many datasets at once in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from licensedb.models import Dataset, DatasetLicence, DatasetVerdict
from licensedb.text import name_key
from licensedb.vocabulary import USE_KEYS, Access, Distribution, LicenceCategory, LicenceLayer, Status, VerdictValue

from .text import compounds, joined_words, name_compounds, spelling_variants, tokens

# The facets a search can narrow by, with the parameter each one uses in URLs and the API.
FACETS: list[tuple[str, str]] = [
    ("status", "Status"),
    ("access", "Access"),
    ("distribution", "Distribution"),
    ("licence", "Licence"),
    ("category", "Licence category"),
    ("platform", "Source platform"),
    ("modality", "Modality"),
    ("year", "Year"),
    *[(use, f"Effective verdict: {use.replace('_', ' ')}") for use in USE_KEYS],
]
FACET_NAMES = [name for name, _ in FACETS]
# The order facets are shown in: the question most people come with (may a company train on it?) first.
DISPLAY_ORDER = ["commercial_training", *[name for name in FACET_NAMES if name != "commercial_training"]]

ENUM_LABELS = {
    "status": dict(Status.choices),
    "access": dict(Access.choices),
    "distribution": dict(Distribution.choices),
    "category": dict(LicenceCategory.choices),
    **{use: dict(VerdictValue.choices) for use in USE_KEYS},
}


@dataclass
class Document:
    id: int
    slug: str
    fields: dict[str, object]
    facets: list[tuple[str, str]] = field(default_factory=list)
    words: set[str] = field(default_factory=set)  # name and alias words, for suggestions
    names: list[tuple[str, bool]] = field(default_factory=list)  # (name key, is an alias)
    compounds: dict[str, tuple[str, ...]] = field(default_factory=dict)  # joined word -> its parts


def name_words(names: Iterable[str]) -> set[str]:
    """Words of names and aliases (and their joined forms) that "did you mean" may suggest."""
    return {w for n in names if n for w in [*tokens(n), *compounds(n)] if len(w) >= 3 and not w.isdigit()}


def _datasets(ids: Iterable[int] | None):
    current = DatasetLicence.objects.select_related("licence").filter(valid_until__isnull=True)
    queryset = (
        Dataset.objects.published()
        .select_related("effective")
        .prefetch_related(
            "aliases",
            "organisations",
            "platforms",
            "modalities",
            "distribution",
            "evidence",
            "claims",
            Prefetch("licence_lines", queryset=current, to_attr="current_lines"),
            Prefetch("verdicts", queryset=DatasetVerdict.objects.prefetch_related("conditions")),
        )
    )
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset


def build(ids: Iterable[int] | None = None) -> list[Document]:
    documents = []
    for dataset in _datasets(ids):
        aliases = [a.name for a in dataset.aliases.all()]
        names = [dataset.name, *aliases]
        data_lines = [l for l in dataset.current_lines if l.layer == LicenceLayer.DATASET_TERMS]
        code_lines = [l for l in dataset.current_lines if l.layer == LicenceLayer.CODE]
        licence_text = " ".join(
            f"{l.licence.name} {l.licence.spdx_id or ''} {l.licence.slug} {l.licence.get_category_display()}"
            for l in data_lines
        )
        platform_text = " ".join(p.name for p in dataset.platforms.all())
        org_text = " ".join(o.name for o in dataset.organisations.all())
        conditions = {c.name for v in dataset.verdicts.all() for c in v.conditions.all()}
        details = " ".join(
            filter(
                None,
                [
                    " ".join(e.summary for e in dataset.evidence.all()),
                    " ".join(v.note for v in dataset.verdicts.all()),
                    " ".join(sorted(conditions)),
                    " ".join(f"code licence {l.licence.name} {l.licence.spdx_id or ''}" for l in code_lines),
                    " ".join(c.claimed for c in dataset.claims.all()),
                    " ".join(m.name for m in dataset.modalities.all()),
                    dataset.access_note,
                    dataset.lineage_note,
                    dataset.status_reason,
                    " ".join(f.name for f in dataset.distribution.all()),
                    dataset.get_access_display(),
                ],
            )
        )
        all_text = " ".join([*names, org_text, licence_text, platform_text, dataset.summary, details])
        variants = set()
        for name in names:
            variants |= compounds(name)
        variants |= spelling_variants(set(tokens(all_text)))
        effective = getattr(dataset, "effective", None)
        verdicts = {use: getattr(effective, use) if effective else VerdictValue.UNCLEAR for use in USE_KEYS}

        facets = [("status", dataset.status), ("access", dataset.access)]
        facets += sorted({("distribution", f.slug) for f in dataset.distribution.all()})
        if dataset.year:
            facets.append(("year", str(dataset.year)))
        facets += sorted({("licence", l.licence.slug) for l in data_lines})
        facets += sorted({("category", l.licence.category) for l in data_lines})
        facets += sorted({("platform", p.slug) for p in dataset.platforms.all()})
        facets += sorted({("modality", m.slug) for m in dataset.modalities.all()})
        facets += [(use, value) for use, value in verdicts.items()]

        documents.append(
            Document(
                id=dataset.pk,
                slug=dataset.slug,
                fields={
                    "slug": dataset.slug,
                    "name_key": name_key(dataset.name),
                    "keys": " " + " ".join(dict.fromkeys(name_key(n) for n in names if name_key(n))) + " ",
                    "year": dataset.year,
                    "status": dataset.status,
                    "title": dataset.name,
                    "aliases": "\n".join(aliases),
                    "variants": " ".join(sorted(variants)),
                    "organisations": org_text,
                    "licences": licence_text,
                    "platforms": platform_text,
                    "summary": dataset.summary,
                    "details": details,
                    **verdicts,
                },
                facets=facets,
                words=name_words(names),
                names=_name_keys(dataset.name, aliases),
                compounds=_compounds(names, all_text),
            )
        )
    return documents


def _name_keys(name: str, aliases: list[str]) -> list[tuple[str, bool]]:
    out = {name_key(name): False} if name_key(name) else {}
    for alias in aliases:
        out.setdefault(name_key(alias), True)
    return [(key[:200], alias) for key, alias in out.items() if key]


def _compounds(names: list[str], text: str) -> dict[str, tuple[str, ...]]:
    found = joined_words(text)
    for name in names:
        for joined, parts in name_compounds(name).items():
            found.setdefault(joined, parts)
    return {j: p for j, p in found.items() if len(j) <= 60 and len(" ".join(p)) <= 200}
