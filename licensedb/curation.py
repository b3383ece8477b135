"""Curated sources (``fixtures/sources/*.yaml``) to Django fixtures, with the curation rules checked.

``load_sources`` reads the YAML, ``check`` lists every rule an entry breaks (in words a curator can
act on), and ``build_fixtures`` turns valid sources into the fixture files that ``loaddata`` reads.
See ``fixtures/README.md`` for the source format and the rules.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.text import slugify

from . import identifiers, rules
from .text import country_name, name_key
from .vocabulary import (
    USE_KEYS,
    Access,
    ClaimSource,
    Confidence,
    Distribution,
    EvidenceKind,
    DISTRIBUTION_HELP,
    IdentifierKind,
    Layer,
    LicenceCategory,
    LicenceLayer,
    PlatformKind,
    Status,
    VerdictValue,
    choice_values,
)

SOURCES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
FIXTURES = SOURCES.parent

MODALITY_NAMES = {
    "video": "Video",
    "video-text": "Video and text",
    "video-audio": "Video and audio",
    "audio": "Audio",
    "egocentric": "Egocentric",
    "driving": "Driving",
    "3d": "3D",
    "depth": "Depth",
    "lidar": "Lidar",
    "human-pose": "Human pose",
    "hand-object": "Hand-object interaction",
    "segmentation": "Segmentation",
    "tracking": "Tracking",
    "action": "Action recognition",
    "instructional": "Instructional",
    "movies": "Movies and TV",
    "multi-view": "Multi-view",
    "ai-generated": "AI-generated",
    "robotics": "Robotics",
    "faces": "Faces",
    "speech": "Speech",
    "sign-language": "Sign language",
    "medical": "Medical",
    "sports": "Sports",
    "games": "Games",
    "image": "Images",
    "image-text": "Images and text",
}

COUNTRY = re.compile(r"^[A-Z]{2}$")

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CurationError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the curated sources:\n- " + "\n- ".join(problems))


@dataclass
class Sources:
    datasets: list[dict[str, Any]]
    platforms: list[dict[str, Any]]
    licences: list[dict[str, Any]]
    conditions: list[dict[str, Any]]
    files: dict[str, str] = field(default_factory=dict)  # dataset slug -> file name
    jurisdictions: list[dict[str, Any]] = field(default_factory=list)
    models: list[dict[str, Any]] = field(default_factory=list)
    model_files: dict[str, str] = field(default_factory=dict)  # model slug -> file name


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_sources(root: Path = SOURCES) -> Sources:
    datasets, files = [], {}
    for path in sorted((root / "datasets").glob("*.yaml")):
        data = _read_yaml(path) or {}
        datasets.append(data)
        files[str(data.get("slug"))] = path.name
    models, model_files = [], {}
    for path in sorted((root / "models").glob("*.yaml")) if (root / "models").exists() else []:
        data = _read_yaml(path) or {}
        models.append(data)
        model_files[str(data.get("slug"))] = path.name
    return Sources(
        datasets=datasets,
        models=models,
        model_files=model_files,
        platforms=_read_yaml(root / "platforms.yaml") or [],
        licences=_read_yaml(root / "licences.yaml") or [],
        conditions=_read_yaml(root / "conditions.yaml") or [],
        files=files,
        jurisdictions=(_read_yaml(root / "jurisdictions.yaml") or []) if (root / "jurisdictions.yaml").exists() else [],
    )


def _date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def merged_licences(sources: Sources) -> tuple[dict[str, dict], list[str]]:
    """Shared licences plus every dataset's custom ones; the same slug must mean the same licence."""
    problems: list[str] = []
    licences: dict[str, dict] = {}
    origin: dict[str, str] = {}
    for licence in sources.licences:
        licences[licence["slug"]] = licence
        origin[licence["slug"]] = "licences.yaml"
    for dataset in [*sources.datasets, *sources.models]:
        for licence in dataset.get("custom_licences") or []:
            slug = licence.get("slug")
            where = sources.files.get(str(dataset.get("slug"))) or sources.model_files.get(str(dataset.get("slug")), "?")
            if slug in licences:
                if origin[slug] == "licences.yaml":
                    continue  # the shared definition wins; a dataset may repeat it for context
                keep = {k: licences[slug].get(k) for k in ("name", "spdx", "category")}
                new = {k: licence.get(k) for k in ("name", "spdx", "category")}
                if keep != new:
                    problems.append(
                        f"{where}: licence '{slug}' is defined differently in {origin[slug]}; use one definition."
                    )
                continue
            licences[slug] = licence
            origin[slug] = where
    spdx_seen: dict[str, str] = {}
    for slug, licence in licences.items():
        spdx = licence.get("spdx")
        if spdx:
            if spdx in spdx_seen:
                problems.append(f"licences '{spdx_seen[spdx]}' and '{slug}' both claim SPDX id {spdx}.")
            spdx_seen[spdx] = slug
    return licences, problems


def _check_evidence(where: str, evidence: dict, today: datetime.date) -> list[str]:
    problems = []
    for key, item in (evidence or {}).items():
        label = f"{where}: evidence '{key}'"
        if not SLUG.match(str(key).replace("_", "-")):
            problems.append(f"{label}: use a short id of letters, digits, '-' or '_'.")
        if not rules.is_http_url(_text(item.get("url"))):
            problems.append(f"{label}: {rules.URL_NOT_HTTP}")
        if not _text(item.get("location")):
            problems.append(f"{label}: say where in the source (section, clause, lines).")
        if not _text(item.get("summary")):
            problems.append(f"{label}: summarise what the source says, in our own words.")
        accessed = item.get("accessed")
        try:
            accessed = _date(accessed)
        except ValueError:
            problems.append(f"{label}: the access date must be YYYY-MM-DD.")
            accessed = None
        if accessed is None:
            problems.append(f"{label}: give the date the source was read.")
        elif accessed > today:
            problems.append(f"{label}: {rules.ACCESS_DATE_IN_FUTURE}")
        if item.get("confidence") not in choice_values(Confidence):
            problems.append(f"{label}: confidence must be one of {', '.join(choice_values(Confidence))}.")
        if item.get("kind") not in choice_values(EvidenceKind):
            problems.append(f"{label}: kind must be one of {', '.join(choice_values(EvidenceKind))}.")
    return problems


def _check_verdict(label: str, verdict: Any, evidence_ids: set[str], conditions: set[str]) -> list[str]:
    if not isinstance(verdict, dict):
        return [f"{label}: give the verdict as {{value: ..., evidence: [...]}}."]
    problems = []
    value = verdict.get("value")
    if value not in choice_values(VerdictValue):
        problems.append(f"{label}: the value must be one of {', '.join(choice_values(VerdictValue))}.")
    cited = verdict.get("evidence") or []
    for key in cited:
        if key not in evidence_ids:
            problems.append(f"{label}: cites evidence '{key}', which the entry does not define.")
    if value in choice_values(VerdictValue) and rules.verdict_needs_evidence(value, len(cited)):
        problems.append(f"{label}: {rules.EVIDENCE_REQUIRED}")
    if value == VerdictValue.UNCLEAR and not cited and not _text(verdict.get("note")):
        problems.append(f"{label}: an unclear verdict without evidence needs a note saying what was looked for.")
    for slug in verdict.get("conditions") or []:
        if slug not in conditions:
            problems.append(f"{label}: unknown condition '{slug}' (see conditions.yaml).")
    if value == VerdictValue.CONDITIONAL and not verdict.get("conditions"):
        problems.append(f"{label}: a conditional verdict must list its conditions.")
    return problems


def check(sources: Sources, today: datetime.date | None = None) -> list[str]:
    """Every rule the sources break, as messages naming the file and the field."""
    today = today or rules.today()
    problems: list[str] = []
    licences, licence_problems = merged_licences(sources)
    problems += licence_problems
    conditions = {c["slug"] for c in sources.conditions}
    platforms = {p.get("slug"): p for p in sources.platforms}

    for licence in licences.values():
        if licence.get("category") not in choice_values(LicenceCategory):
            problems.append(f"licence '{licence.get('slug')}': unknown category '{licence.get('category')}'.")
        if licence.get("url") and not rules.is_http_url(licence["url"]):
            problems.append(f"licence '{licence.get('slug')}': {rules.URL_NOT_HTTP}")
        problems += _licence_too_long(licence)

    for platform in sources.platforms:
        where = f"platforms.yaml: {platform.get('slug')}"
        if platform.get("kind") not in choice_values(PlatformKind):
            problems.append(f"{where}: unknown kind '{platform.get('kind')}'.")
        evidence = platform.get("evidence") or {}
        problems += _check_evidence(where, evidence, today)
        verdicts = platform.get("verdicts") or {}
        if platform.get("terms_apply", True):
            for use in USE_KEYS:
                if use not in verdicts:
                    problems.append(f"{where}: no platform-terms verdict for '{use}'.")
        elif verdicts:
            problems.append(f"{where}: a platform whose terms do not apply has no platform-terms verdicts.")
        rights = platform.get("rights_verdicts") or {}
        if not platform.get("rights_apply", True) and rights:
            problems.append(f"{where}: a platform whose rights do not apply has no rights_verdicts.")
        for group, label in ((verdicts, ""), (rights, "rights_verdicts/")):
            for use, verdict in group.items():
                if use not in USE_KEYS:
                    problems.append(f"{where}: unknown use '{use}'.")
                problems += _check_verdict(f"{where}: {label}{use}", verdict, set(evidence), conditions)
        for key in platform.get("download_evidence") or []:
            if key not in evidence:
                problems.append(f"{where}: download_evidence cites '{key}', which the platform does not define.")
        if platform.get("download_prohibited") and not platform.get("download_evidence"):
            problems.append(f"{where}: say which evidence shows that the terms forbid downloading (download_evidence).")
        for url_field in ("homepage", "terms_url"):
            if platform.get(url_field) and not rules.is_http_url(platform[url_field]):
                problems.append(f"{where}: {url_field}: {rules.URL_NOT_HTTP}")

    for note in sources.jurisdictions:
        where = f"jurisdictions.yaml: {note.get('slug')}"
        if not note.get("slug") or not SLUG.match(str(note.get("slug"))):
            problems.append(f"{where}: the slug must be lowercase letters, digits and hyphens.")
        for required in ("jurisdiction", "title", "summary"):
            if not _text(note.get(required)):
                problems.append(f"{where}: '{required}' is required.")
        for use in note.get("uses") or []:
            if use not in USE_KEYS:
                problems.append(f"{where}: unknown use '{use}'.")
        if not note.get("evidence"):
            problems.append(f"{where}: cite the legal text it rests on.")
        problems += _check_evidence(where, note.get("evidence") or {}, today)

    identifier_owners: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_slug: dict[str, dict] = {}
    for dataset in sources.datasets:
        slug = dataset.get("slug")
        where = sources.files.get(str(slug), str(slug))
        if not slug or not SLUG.match(str(slug)):
            problems.append(f"{where}: the slug must be lowercase letters, digits and hyphens.")
            continue
        if where != f"{slug}.yaml":
            problems.append(f"{where}: the file name must be the slug ({slug}.yaml).")
        if slug in by_slug:
            problems.append(f"{where}: slug '{slug}' is used twice.")
        by_slug[slug] = dataset
        for required in ("name", "summary"):
            if not _text(dataset.get(required)):
                problems.append(f"{where}: '{required}' is required.")
        for fieldname, choices in (("access", Access), ("status", Status)):
            if dataset.get(fieldname) not in choice_values(choices):
                problems.append(f"{where}: {fieldname} must be one of {', '.join(choice_values(choices))}.")
        forms = dataset.get("distribution")
        if not isinstance(forms, list):
            problems.append(
                f"{where}: distribution is a list of the release's forms ({', '.join(choice_values(Distribution))}), "
                "or [] when no source establishes it."
            )
        else:
            for form in forms:
                if form not in choice_values(Distribution):
                    problems.append(f"{where}: unknown distribution form '{form}'.")
        for url_field in ("homepage",):
            if dataset.get(url_field) and not rules.is_http_url(dataset[url_field]):
                problems.append(f"{where}: {url_field}: {rules.URL_NOT_HTTP}")
        paper = dataset.get("paper") or {}
        if paper.get("url") and not rules.is_http_url(paper["url"]):
            problems.append(f"{where}: paper url: {rules.URL_NOT_HTTP}")
        for modality in dataset.get("modalities") or []:
            if modality not in MODALITY_NAMES:
                problems.append(f"{where}: unknown modality '{modality}'.")
        for platform in dataset.get("platforms") or []:
            if platform not in platforms:
                problems.append(f"{where}: unknown platform '{platform}' (see platforms.yaml).")

        evidence = dataset.get("evidence") or {}
        problems += _check_evidence(where, evidence, today)
        evidence_ids = set(evidence)

        for fieldname in ("countries_evidence", "provenance_evidence"):
            for key in dataset.get(fieldname) or []:
                if key not in evidence_ids:
                    problems.append(f"{where}: {fieldname} cites '{key}', which the entry does not define.")
        for code in dataset.get("countries") or []:
            if not COUNTRY.match(str(code)) or country_name(str(code)) == str(code):
                problems.append(f"{where}: countries are ISO 3166-1 alpha-2 codes such as US or IN, not '{code}'.")
        if dataset.get("countries") and not dataset.get("countries_evidence"):
            problems.append(f"{where}: say which source gives the recording countries (countries_evidence).")
        if _text(dataset.get("provenance_note")) and not dataset.get("provenance_evidence"):
            problems.append(f"{where}: cite the source of the provenance note (provenance_evidence).")
        works = dataset.get("works") or {}
        if works:
            if not _text(works.get("summary")):
                problems.append(f"{where}: works: say in a sentence what rights the videos carry.")
            if works.get("licence") and works["licence"] not in licences:
                problems.append(f"{where}: works: unknown licence '{works['licence']}'.")
            if not works.get("evidence"):
                problems.append(f"{where}: works: cite the source that says what rights the videos carry.")
            for key in works.get("evidence") or []:
                if key not in evidence_ids:
                    problems.append(f"{where}: works cites evidence '{key}', which the entry does not define.")
        for index, item in enumerate(dataset.get("identifiers") or [], start=1):
            label = f"{where}: identifier {index}"
            kind = item.get("kind") if isinstance(item, dict) else None
            if kind not in choice_values(IdentifierKind):
                problems.append(f"{label}: kind must be one of {', '.join(choice_values(IdentifierKind))}.")
                continue
            try:
                key = identifiers.normalise(kind, _text(item.get("value")))
            except ValueError as error:
                problems.append(f"{label}: {error}")
                continue
            identifier_owners[(kind, key)].append(str(slug))

        if dataset.get("status") in (Status.WITHDRAWN, Status.TAKEN_DOWN):
            if not dataset.get("status_date"):
                problems.append(f"{where}: {rules.TAKEDOWN_NEEDS_DATE}")
            if not _text(dataset.get("status_reason")):
                problems.append(f"{where}: {rules.TAKEDOWN_NEEDS_REASON}")
            if not dataset.get("status_evidence"):
                problems.append(f"{where}: cite the source of the withdrawal or takedown in status_evidence.")
        for key in dataset.get("status_evidence") or []:
            if key not in evidence_ids:
                problems.append(f"{where}: status_evidence cites '{key}', which the entry does not define.")

        for index, line in enumerate(dataset.get("licences") or [], start=1):
            label = f"{where}: licence line {index}"
            if line.get("licence") not in licences:
                problems.append(f"{label}: unknown licence '{line.get('licence')}'.")
            if line.get("layer", LicenceLayer.DATASET_TERMS) not in choice_values(LicenceLayer):
                problems.append(f"{label}: layer must be dataset_terms or code.")
            for key in line.get("evidence") or []:
                if key not in evidence_ids:
                    problems.append(f"{label}: cites evidence '{key}', which the entry does not define.")
            try:
                start, end = _date(line.get("from")), _date(line.get("until"))
            except ValueError:
                problems.append(f"{label}: dates must be YYYY-MM-DD.")
            else:
                if start and end and end < start:
                    problems.append(f"{label}: 'until' is before 'from'.")

        verdicts = dataset.get("verdicts") or {}
        for layer in verdicts:
            if layer == "content_terms":
                problems.append(
                    f"{where}: 'content_terms' was split: use rights_in_works (what rights the videos carry) or "
                    "platform_terms (a permission from the platform that reaches users)."
                )
            elif layer not in choice_values(Layer):
                problems.append(f"{where}: unknown verdict layer '{layer}'.")
        own = verdicts.get(Layer.DATASET_TERMS) or {}
        for use in USE_KEYS:
            if use not in own:
                problems.append(f"{where}: no dataset-terms verdict for '{use}'.")
        for layer in Layer:
            for use, verdict in (verdicts.get(layer) or {}).items():
                if use not in USE_KEYS:
                    problems.append(f"{where}: unknown use '{use}'.")
                problems += _check_verdict(f"{where}: {layer}/{use}", verdict, evidence_ids, conditions)

        for index, claim in enumerate(dataset.get("claims") or [], start=1):
            label = f"{where}: claim {index}"
            if claim.get("source") not in choice_values(ClaimSource):
                problems.append(f"{label}: source must be one of {', '.join(choice_values(ClaimSource))}.")
            if not rules.is_http_url(_text(claim.get("url"))):
                problems.append(f"{label}: {rules.URL_NOT_HTTP}")
            if claim.get("licence") and claim["licence"] not in licences:
                problems.append(f"{label}: unknown licence '{claim['licence']}'.")
            if not _text(claim.get("claimed")):
                problems.append(f"{label}: say what licence the site states.")
            if _date(claim.get("accessed")) is None:
                problems.append(f"{label}: give the date the claim was seen.")

    from .curation_models import check_models

    problems += check_models(sources, licences, conditions, by_slug, identifier_owners, today)

    for (kind, key), holders in identifier_owners.items():
        # one paper may introduce a dataset and a model; two datasets (or two models) may not share an id
        for group in ([h for h in holders if h.startswith("model ")], [h for h in holders if not h.startswith("model ")]):
            if len(group) > 1:
                problems.append(f"identifier {kind} '{key}' is given for more than one entry: {', '.join(group)}.")

    # names and aliases, unique without case, spaces or hyphens, across datasets and models
    owners: dict[str, list[str]] = defaultdict(list)
    for dataset in [*sources.datasets, *sources.models]:
        names = [_text(dataset.get("name"))] + [_text(a) for a in dataset.get("aliases") or []]
        for name in names:
            if name:
                owners[name_key(name)].append(f"'{name}' ({dataset.get('slug')})")
    for key, holders in owners.items():
        entries = {holder.rsplit("(", 1)[1] for holder in holders}
        if len(entries) > 1:  # the same entry writing one name twice is only redundant
            problems.append("duplicate name or alias: " + ", ".join(holders))

    # lineage
    for slug, dataset in by_slug.items():
        for parent in dataset.get("derived_from") or []:
            if parent == slug:
                problems.append(f"{slug}.yaml: a dataset cannot be derived from itself.")
            elif parent not in by_slug:
                problems.append(f"{slug}.yaml: derived_from '{parent}', which is not in the catalogue.")
            elif dataset.get("published", True) and not by_slug[parent].get("published", True):
                problems.append(f"{slug}.yaml: " + rules.PUBLISHED_FROM_DRAFT.format(parents=parent))
    edges = {slug: [p for p in d.get("derived_from") or [] if p in by_slug and p != slug] for slug, d in by_slug.items()}
    reported: set[frozenset] = set()
    for slug in by_slug:
        cycle = rules.lineage_cycle(slug, edges[slug], edges)
        if cycle is not None and frozenset(cycle.cycle) not in reported:
            reported.add(frozenset(cycle.cycle))
            problems.append(str(cycle))
    return problems


# --- building fixtures ------------------------------------------------------------------------


class _Ids:
    def __init__(self):
        self.counters: dict[str, int] = defaultdict(int)
        self.ids: dict[tuple[str, Any], int] = {}

    def __call__(self, model: str, key: Any) -> int:
        if (model, key) not in self.ids:
            self.counters[model] += 1
            self.ids[(model, key)] = self.counters[model]
        return self.ids[(model, key)]

    def get(self, model: str, key: Any) -> int:
        return self.ids[(model, key)]


def _iso(value: Any) -> str | None:
    day = _date(value)
    return day.isoformat() if day else None


def build_fixtures(sources: Sources) -> dict[str, list[dict]]:
    from .curation_models import build_models

    """Fixture files (name -> list of objects) for valid sources. Raises CurationError otherwise."""
    problems = check(sources)
    if problems:
        raise CurationError(problems)
    licences, _ = merged_licences(sources)
    ids = _Ids()
    vocabulary: list[dict] = []
    platform_objects: list[dict] = []
    licence_objects: list[dict] = []
    dataset_objects: list[dict] = []

    for condition in sorted(sources.conditions, key=lambda c: c["slug"]):
        vocabulary.append({
            "model": "licensedb.condition",
            "pk": ids("condition", condition["slug"]),
            "fields": {"slug": condition["slug"], "name": condition["name"], "description": _text(condition["description"])},
        })
    for slug, label in Distribution.choices:
        vocabulary.append({"model": "licensedb.distributionform", "pk": slug,
                           "fields": {"name": label, "description": DISTRIBUTION_HELP.get(slug, "")}})
    used_modalities = sorted({m for d in sources.datasets for m in d.get("modalities") or []})
    for slug in used_modalities:
        vocabulary.append({"model": "licensedb.modality", "pk": ids("modality", slug),
                           "fields": {"slug": slug, "name": MODALITY_NAMES[slug]}})
    organisations = sorted({_text(o) for d in sources.datasets for o in d.get("organisations") or [] if _text(o)})
    for name in organisations:
        vocabulary.append({"model": "licensedb.organisation", "pk": ids("organisation", slugify(name)),
                           "fields": {"slug": slugify(name), "name": name, "homepage": ""}})

    for slug in sorted(licences):
        licence = licences[slug]
        licence_objects.append({
            "model": "licensedb.licence",
            "pk": ids("licence", slug),
            "fields": {
                "slug": slug,
                "name": _text(licence.get("name")),
                "spdx_id": licence.get("spdx") or None,
                "url": _text(licence.get("url")),
                "version": _text(licence.get("version")),
                "category": licence.get("category"),
                "summary": _text(licence.get("summary")),
                "permits": list(licence.get("permits") or []),
                "requires": list(licence.get("requires") or []),
                "forbids": list(licence.get("forbids") or []),
            },
        })

    def evidence_objects(owner_field: str, owner_pk: int, owner_key: str, evidence: dict) -> list[dict]:
        objects = []
        for key in sorted(evidence):
            item = evidence[key]
            objects.append({
                "model": "licensedb.evidence",
                "pk": ids("evidence", (owner_key, key)),
                "fields": {
                    "dataset": owner_pk if owner_field == "dataset" else None,
                    "platform": owner_pk if owner_field == "platform" else None,
                    "jurisdiction_note": owner_pk if owner_field == "jurisdiction_note" else None,
                    "key": str(key).replace("_", "-"),
                    "url": _text(item["url"]),
                    "location": _text(item["location"]),
                    "accessed": _iso(item["accessed"]),
                    "kind": item["kind"],
                    "summary": _text(item["summary"]),
                    "confidence": item["confidence"],
                    "reviewer": _text(item.get("reviewer")) or "licensedb curation",
                },
            })
        return objects

    def verdict_fields(verdict: dict, owner_key: str) -> dict:
        return {
            "value": verdict["value"],
            "conditions": [ids.get("condition", c) for c in verdict.get("conditions") or []],
            "evidence": [ids.get("evidence", (owner_key, e)) for e in verdict.get("evidence") or []],
            "note": _text(verdict.get("note")),
        }

    for platform in sorted(sources.platforms, key=lambda p: p["slug"]):
        pk = ids("platform", platform["slug"])
        owner_key = f"platform:{platform['slug']}"
        platform_objects.append({
            "model": "licensedb.sourceplatform",
            "pk": pk,
            "fields": {
                "slug": platform["slug"],
                "name": _text(platform["name"]),
                "kind": platform["kind"],
                "homepage": _text(platform.get("homepage")),
                "terms_url": _text(platform.get("terms_url")),
                "terms_apply": bool(platform.get("terms_apply", True)),
                "summary": _text(platform.get("summary")),
                "download_terms": _text(platform.get("download_terms")),
                "ai_terms": _text(platform.get("ai_terms")),
                "download_prohibited": bool(platform.get("download_prohibited", False)),
                "download_evidence": [ids("evidence", (owner_key, e)) for e in platform.get("download_evidence") or []],
                "rights_apply": bool(platform.get("rights_apply", True)),
                "works_rights": _text(platform.get("works_rights")),
            },
        })
        platform_objects += evidence_objects("platform", pk, owner_key, platform.get("evidence") or {})
        for layer, group in (("platform_terms", "verdicts"), ("rights_in_works", "rights_verdicts")):
            for use in USE_KEYS:
                verdict = (platform.get(group) or {}).get(use)
                if verdict:
                    platform_objects.append({
                        "model": "licensedb.platformverdict",
                        "pk": ids("platformverdict", (platform["slug"], layer, use)),
                        "fields": {"platform": pk, "layer": layer, "use": use, **verdict_fields(verdict, owner_key)},
                    })

    for note in sorted(sources.jurisdictions, key=lambda n: n["slug"]):
        pk = ids("jurisdictionnote", note["slug"])
        owner_key = f"note:{note['slug']}"
        platform_objects.append({
            "model": "licensedb.jurisdictionnote",
            "pk": pk,
            "fields": {
                "slug": note["slug"],
                "jurisdiction": _text(note["jurisdiction"]),
                "title": _text(note["title"]),
                "summary": _text(note["summary"]),
                "uses": list(note.get("uses") or []),
                "overrides_contract": bool(note.get("overrides_contract", False)),
            },
        })
        platform_objects += evidence_objects("jurisdiction_note", pk, owner_key, note.get("evidence") or {})

    ordered = sorted(sources.datasets, key=lambda d: d["slug"])
    for dataset in ordered:
        ids("dataset", dataset["slug"])
    for dataset in ordered:
        slug = dataset["slug"]
        pk = ids.get("dataset", slug)
        paper = dataset.get("paper") or {}
        size = dataset.get("size") or {}
        works = dataset.get("works") or {}
        hours = size.get("hours")
        dataset_objects.append({
            "model": "licensedb.dataset",
            "pk": pk,
            "fields": {
                "slug": slug,
                "name": _text(dataset["name"]),
                "name_key": name_key(_text(dataset["name"])),
                "summary": _text(dataset["summary"]),
                "organisations": [ids.get("organisation", slugify(_text(o))) for o in dataset.get("organisations") or [] if _text(o)],
                "year": dataset.get("year"),
                "homepage": _text(dataset.get("homepage")),
                "paper_title": _text(paper.get("title")),
                "paper_url": _text(paper.get("url")),
                "arxiv_id": _text(paper.get("arxiv")),
                "doi": _text(paper.get("doi")),
                "bibtex": _text(paper.get("bibtex")),
                "modalities": [ids.get("modality", m) for m in dataset.get("modalities") or []],
                "size_videos": size.get("videos"),
                "size_clips": size.get("clips"),
                "size_hours": float(hours) if hours is not None else None,
                "size_note": _text(size.get("note")),
                "platforms": [ids.get("platform", p) for p in dataset.get("platforms") or []],
                "distribution": sorted(dataset.get("distribution") or []),
                "access": dataset["access"],
                "access_note": _text(dataset.get("access_note")),
                "status": dataset["status"],
                "status_date": _iso(dataset.get("status_date")),
                "status_reason": _text(dataset.get("status_reason")),
                "status_evidence": [ids("evidence", (slug, e)) for e in dataset.get("status_evidence") or []],
                "lineage_note": _text(dataset.get("lineage_note")),
                "countries": [str(c) for c in dataset.get("countries") or []],
                "countries_evidence": [ids("evidence", (slug, e)) for e in dataset.get("countries_evidence") or []],
                "works_summary": _text(works.get("summary")),
                "works_licence": ids.get("licence", works["licence"]) if works.get("licence") else None,
                "works_evidence": [ids("evidence", (slug, e)) for e in works.get("evidence") or []],
                "provenance_note": _text(dataset.get("provenance_note")),
                "provenance_evidence": [ids("evidence", (slug, e)) for e in dataset.get("provenance_evidence") or []],
                "curation_note": _text(dataset.get("curation_note")),
                "publication": "published" if dataset.get("published", True) else "draft",
                "last_reviewed": _iso(dataset.get("last_reviewed")),
                "created": "2026-11-24T00:00:00Z",
                "updated": "2026-11-24T00:00:00Z",
            },
        })
        dataset_objects += evidence_objects("dataset", pk, slug, dataset.get("evidence") or {})
        for alias in _distinct_aliases(dataset):
            dataset_objects.append({"model": "licensedb.alias", "pk": ids("alias", name_key(_text(alias))),
                                    "fields": {"dataset": pk, "name": _text(alias), "name_key": name_key(_text(alias))}})
        for parent in sorted(dataset.get("derived_from") or []):
            dataset_objects.append({"model": "licensedb.lineage", "pk": ids("lineage", (slug, parent)),
                                    "fields": {"child": pk, "parent": ids.get("dataset", parent), "note": ""}})
        for index, line in enumerate(dataset.get("licences") or []):
            dataset_objects.append({
                "model": "licensedb.datasetlicence",
                "pk": ids("datasetlicence", (slug, index)),
                "fields": {
                    "dataset": pk,
                    "licence": ids.get("licence", line["licence"]),
                    "layer": line.get("layer", LicenceLayer.DATASET_TERMS),
                    "scope": _text(line.get("scope")),
                    "valid_from": _iso(line.get("from")),
                    "valid_until": _iso(line.get("until")),
                    "evidence": [ids.get("evidence", (slug, e)) for e in line.get("evidence") or []],
                    "note": _text(line.get("note")),
                },
            })
        for item in dataset.get("identifiers") or []:
            kind, value = item["kind"], _text(item["value"])
            key = identifiers.normalise(kind, value)
            dataset_objects.append({
                "model": "licensedb.identifier",
                "pk": ids("identifier", (kind, key)),
                "fields": {"dataset": pk, "kind": kind, "value": value, "key": key,
                           "official": bool(item.get("official", True)), "note": _text(item.get("note"))},
            })
        for layer in Layer:
            for use in USE_KEYS:
                verdict = ((dataset.get("verdicts") or {}).get(layer) or {}).get(use)
                if verdict:
                    dataset_objects.append({
                        "model": "licensedb.datasetverdict",
                        "pk": ids("datasetverdict", (slug, layer.value, use)),
                        "fields": {"dataset": pk, "use": use, "layer": layer.value, **verdict_fields(verdict, slug)},
                    })
        for index, claim in enumerate(dataset.get("claims") or []):
            dataset_objects.append({
                "model": "licensedb.claim",
                "pk": ids("claim", (slug, index)),
                "fields": {
                    "dataset": pk,
                    "source": claim["source"],
                    "url": _text(claim["url"]),
                    "claimed": _text(claim["claimed"]),
                    "licence": ids.get("licence", claim["licence"]) if claim.get("licence") else None,
                    "accessed": _iso(claim.get("accessed")),
                    "note": _text(claim.get("note")),
                },
            })

    built = {
        "01_vocabulary.json": vocabulary,
        "02_licences.json": licence_objects,
        "03_platforms.json": platform_objects,
        "04_datasets.json": dataset_objects,
        "05_models.json": build_models(sources, ids, licences),
    }
    too_long = _too_long(built)
    if too_long:
        raise CurationError(too_long)
    return built


def _distinct_aliases(entry: dict) -> list[str]:
    """Aliases that add a name: one that is the name again (or another alias) in other spelling is dropped."""
    seen = {name_key(_text(entry.get("name")))}
    out = []
    for alias in entry.get("aliases") or []:
        key = name_key(_text(alias))
        if key and key not in seen:
            seen.add(key)
            out.append(alias)
    return out


def _licence_too_long(licence: dict) -> list[str]:
    """A licence's short fields within their columns, caught here rather than at buildfixtures."""
    from .models import Licence

    problems = []
    for key, value in licence.items():
        try:
            limit = getattr(Licence._meta.get_field(key), "max_length", None)
        except Exception:  # keys that are not columns (permits, requires...)
            continue
        if limit and isinstance(value, str) and len(value) > limit:
            problems.append(f"licence '{licence.get('slug')}': '{key}' is {len(value)} characters; the limit is {limit}.")
    return problems


def _too_long(built: dict[str, list[dict]]) -> list[str]:
    """Values longer than their database column allows (SQLite would accept them; PostgreSQL not)."""
    from django.apps import apps

    problems = []
    for name, objects in built.items():
        for obj in objects:
            model = apps.get_model(obj["model"])
            for field_name, value in obj["fields"].items():
                field = model._meta.get_field(field_name)
                limit = getattr(field, "max_length", None)
                if limit and isinstance(value, str) and len(value) > limit:
                    problems.append(
                        f"{name}: {obj['model']} {obj['pk']}: '{field_name}' is {len(value)} characters; the limit is {limit}."
                    )
    return problems


def render(objects: list[dict]) -> str:
    return json.dumps(objects, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def write_fixtures(directory: Path = FIXTURES, sources: Sources | None = None) -> dict[str, int]:
    built = build_fixtures(sources or load_sources())
    for name, objects in built.items():
        (directory / name).write_text(render(objects), encoding="utf-8")
    return {name: len(objects) for name, objects in built.items()}
