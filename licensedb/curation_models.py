"""Curated model entries (``fixtures/sources/models/*.yaml``): the rules they must meet and the
fixtures they become. The source format is in ``fixtures/README.md`` ("Model entries")."""

from __future__ import annotations

import datetime
from typing import Any

from . import identifiers
from .vocabulary import (
    MODEL_USE_KEYS,
    Disclosure,
    IdentifierKind,
    ModelKind,
    TrainingRole,
    UndisclosedKind,
    choice_values,
)

LAYERS = ("weights", "code")


def check_models(sources, licences: dict, conditions: set, datasets: dict, identifier_owners, today: datetime.date) -> list[str]:
    from .curation import SLUG, _check_evidence, _check_verdict, _date, _text

    problems: list[str] = []
    seen: set[str] = set()
    for model in sources.models:
        slug = model.get("slug")
        where = f"models/{sources.model_files.get(str(slug), str(slug))}"
        if not slug or not SLUG.match(str(slug)):
            problems.append(f"{where}: the slug must be lowercase letters, digits and hyphens.")
            continue
        if sources.model_files.get(slug) != f"{slug}.yaml":
            problems.append(f"{where}: the file name must be the slug ({slug}.yaml).")
        if slug in seen:
            problems.append(f"{where}: slug '{slug}' is used twice.")
        seen.add(slug)
        for required in ("name", "summary"):
            if not _text(model.get(required)):
                problems.append(f"{where}: '{required}' is required.")
        if model.get("kind") not in choice_values(ModelKind):
            problems.append(f"{where}: kind must be one of {', '.join(choice_values(ModelKind))}.")
        if model.get("disclosure") not in choice_values(Disclosure):
            problems.append(f"{where}: disclosure must be one of {', '.join(choice_values(Disclosure))}.")
        try:
            _date(model.get("released"))
        except ValueError:
            problems.append(f"{where}: released must be a date (YYYY-MM-DD).")
        evidence = model.get("evidence") or {}
        problems += _check_evidence(where, evidence, today)
        ids = set(evidence)
        if not model.get("disclosure_evidence"):
            problems.append(f"{where}: say which source the disclosure level rests on (disclosure_evidence).")
        for key in model.get("disclosure_evidence") or []:
            if key not in ids:
                problems.append(f"{where}: disclosure_evidence cites '{key}', which the entry does not define.")
        weights_lines = 0
        for index, line in enumerate(model.get("licences") or [], start=1):
            label = f"{where}: licence line {index}"
            if line.get("licence") not in licences:
                problems.append(f"{label}: unknown licence '{line.get('licence')}'.")
            if line.get("layer", "weights") not in LAYERS:
                problems.append(f"{label}: layer must be weights or code.")
            weights_lines += line.get("layer", "weights") == "weights"
            for key in line.get("evidence") or []:
                if key not in ids:
                    problems.append(f"{label}: cites evidence '{key}', which the entry does not define.")
            if not line.get("evidence"):
                problems.append(f"{label}: cite the source of the licence.")
        terms = model.get("weights_terms") or {}
        for use in MODEL_USE_KEYS:
            if use not in terms:
                problems.append(f"{where}: no weights_terms verdict for '{use}'.")
        for use, verdict in terms.items():
            if use not in MODEL_USE_KEYS:
                problems.append(f"{where}: unknown model use '{use}' (use {', '.join(MODEL_USE_KEYS)}).")
            problems += _check_verdict(f"{where}: weights_terms/{use}", verdict, ids, conditions)
        for index, item in enumerate(model.get("training_data") or [], start=1):
            label = f"{where}: training_data {index}"
            if item.get("dataset") not in datasets:
                problems.append(f"{label}: '{item.get('dataset')}' is not a dataset in the catalogue.")
            elif model.get("published", True) and not datasets[item["dataset"]].get("published", True):
                problems.append(f"{label}: a published model cannot declare a draft dataset ({item['dataset']}).")
            if item.get("role") not in choice_values(TrainingRole):
                problems.append(f"{label}: role must be one of {', '.join(choice_values(TrainingRole))}.")
            if not item.get("evidence"):
                problems.append(f"{label}: cite where the creators declare this dataset.")
            for key in item.get("evidence") or []:
                if key not in ids:
                    problems.append(f"{label}: cites evidence '{key}', which the entry does not define.")
        for index, item in enumerate(model.get("undisclosed_data") or [], start=1):
            label = f"{where}: undisclosed_data {index}"
            if item.get("kind") not in choice_values(UndisclosedKind):
                problems.append(f"{label}: kind must be one of {', '.join(choice_values(UndisclosedKind))}.")
            if not _text(item.get("description")):
                problems.append(f"{label}: say what the creators say about this data.")
            for key in item.get("evidence") or []:
                if key not in ids:
                    problems.append(f"{label}: cites evidence '{key}', which the entry does not define.")
        for index, item in enumerate(model.get("identifiers") or [], start=1):
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
            identifier_owners[(kind, key)].append(f"model {slug}")
        for index, claim in enumerate(model.get("claims") or [], start=1):
            if claim.get("licence") and claim["licence"] not in licences:
                problems.append(f"{where}: claim {index}: unknown licence '{claim['licence']}'.")
    return problems


def build_models(sources, ids, licences: dict) -> list[dict]:
    from django.utils.text import slugify

    from .curation import _iso, _text
    from .text import name_key

    objects: list[dict] = []
    for model in sorted(sources.models, key=lambda m: m["slug"]):
        slug = model["slug"]
        owner = f"model:{slug}"
        pk = ids("model", slug)
        paper = model.get("paper") or {}

        def ev(keys):
            return [ids.get("evidence", (owner, k)) for k in keys or []]

        for org in model.get("organisations") or []:
            if ("organisation", slugify(_text(org))) not in ids.ids:
                objects.append({"model": "licensedb.organisation", "pk": ids("organisation", slugify(_text(org))),
                                "fields": {"slug": slugify(_text(org)), "name": _text(org), "homepage": ""}})
        evidence_objects = []
        for key in sorted(model.get("evidence") or {}):
            item = model["evidence"][key]
            evidence_objects.append({
                "model": "licensedb.evidence",
                "pk": ids("evidence", (owner, key)),
                "fields": {
                    "dataset": None, "platform": None, "jurisdiction_note": None, "model": pk,
                    "key": str(key).replace("_", "-"), "url": _text(item["url"]), "location": _text(item["location"]),
                    "accessed": _iso(item["accessed"]), "kind": item["kind"], "summary": _text(item["summary"]),
                    "confidence": item["confidence"], "reviewer": _text(item.get("reviewer")) or "licensedb curation",
                },
            })
        objects.append({
            "model": "licensedb.trainedmodel",
            "pk": pk,
            "fields": {
                "slug": slug,
                "name": _text(model["name"]),
                "name_key": name_key(_text(model["name"])),
                "summary": _text(model["summary"]),
                "organisations": [ids.get("organisation", slugify(_text(o))) for o in model.get("organisations") or []],
                "kind": model["kind"],
                "released": _iso(model.get("released")),
                "versions": [{k: (_iso(v) if k == "released" else v) for k, v in item.items()} for item in model.get("versions") or []],
                "homepage": _text(model.get("homepage")),
                "model_card": _text(model.get("model_card")),
                "paper_title": _text(paper.get("title")),
                "paper_url": _text(paper.get("url")),
                "arxiv_id": _text(paper.get("arxiv")),
                "bibtex": _text(paper.get("bibtex")),
                "disclosure": model["disclosure"],
                "disclosure_note": _text(model.get("disclosure_note")),
                "disclosure_evidence": ev(model.get("disclosure_evidence")),
                "curation_note": _text(model.get("curation_note")),
                "publication": "published" if model.get("published", True) else "draft",
                "last_reviewed": _iso(model.get("last_reviewed")),
                "created": "2026-12-01T00:00:00Z",
                "updated": "2026-12-01T00:00:00Z",
            },
        })
        objects += evidence_objects
        from .curation import _distinct_aliases

        for alias in _distinct_aliases(model):
            objects.append({"model": "licensedb.modelalias", "pk": ids("modelalias", name_key(_text(alias))),
                            "fields": {"model": pk, "name": _text(alias), "name_key": name_key(_text(alias))}})
        for item in model.get("identifiers") or []:
            kind, value = item["kind"], _text(item["value"])
            key = identifiers.normalise(kind, value)
            objects.append({"model": "licensedb.identifier", "pk": ids("identifier", (kind, key)),
                            "fields": {"dataset": None, "model": pk, "kind": kind, "value": value, "key": key,
                                       "official": bool(item.get("official", True)), "note": _text(item.get("note"))}})
        for index, line in enumerate(model.get("licences") or []):
            objects.append({"model": "licensedb.modellicence", "pk": ids("modellicence", (slug, index)),
                            "fields": {"model": pk, "licence": ids.get("licence", line["licence"]),
                                       "layer": line.get("layer", "weights"), "scope": _text(line.get("scope")),
                                       "valid_from": _iso(line.get("from")), "valid_until": _iso(line.get("until")),
                                       "evidence": ev(line.get("evidence")), "note": _text(line.get("note"))}})
        for use in MODEL_USE_KEYS:
            verdict = (model.get("weights_terms") or {}).get(use)
            if verdict:
                objects.append({"model": "licensedb.weightsverdict", "pk": ids("weightsverdict", (slug, use)),
                                "fields": {"model": pk, "use": use, "value": verdict["value"],
                                           "conditions": [ids.get("condition", c) for c in verdict.get("conditions") or []],
                                           "evidence": ev(verdict.get("evidence")), "note": _text(verdict.get("note"))}})
        for index, item in enumerate(model.get("training_data") or []):
            objects.append({"model": "licensedb.trainingdata", "pk": ids("trainingdata", (slug, item["dataset"], item["role"])),
                            "fields": {"model": pk, "dataset": ids.get("dataset", item["dataset"]), "role": item["role"],
                                       "evidence": ev(item.get("evidence")), "note": _text(item.get("note"))}})
        for index, item in enumerate(model.get("undisclosed_data") or []):
            objects.append({"model": "licensedb.undiscloseddata", "pk": ids("undiscloseddata", (slug, index)),
                            "fields": {"model": pk, "kind": item["kind"], "description": _text(item["description"]),
                                       "evidence": ev(item.get("evidence"))}})
        for index, claim in enumerate(model.get("claims") or []):
            objects.append({"model": "licensedb.claim", "pk": ids("claim", (owner, index)),
                            "fields": {"dataset": None, "model": pk, "source": claim["source"], "url": _text(claim["url"]),
                                       "claimed": _text(claim["claimed"]),
                                       "licence": ids.get("licence", claim["licence"]) if claim.get("licence") else None,
                                       "accessed": _iso(claim.get("accessed")), "note": _text(claim.get("note"))}})
    return objects
