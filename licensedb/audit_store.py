"""Running an audit against the database: resolve the references, gather the verdicts, keep the audit.

The rules of the answer are in ``licensedb.audit``; this module only gathers (in a fixed number of
queries for the whole list) and stores the input so that every audit has a shareable address.
"""

from __future__ import annotations

import hashlib
import json

from django.utils import timezone

from . import revision, verdict_store
from . import verdicts as engine
from .audit import Answer, AuditInputError, Line, Report, ambiguous, summarise
from .models import Audit, Dataset
from .resolver import RESOLVED, Entry, Resolution, resolve
from .resolver_index import current_index


class AmbiguousReferences(AuditInputError):
    def __init__(self, resolutions: list[Resolution]):
        self.resolutions = resolutions
        super().__init__(
            "Some references could mean several entries; give one of the slugs for each: "
            + "; ".join(r.message for r in resolutions[:10])
        )


def _answer(effective: engine.Effective) -> Answer:
    return Answer(
        value=effective.value,
        own=effective.own,
        because=effective.because,
        decided_by=effective.decided_by,
        conditions=tuple(effective.conditions),
        evidence=tuple(
            {"url": e.url, "location": e.location, "accessed": e.accessed.isoformat() if e.accessed else None,
             "summary": e.summary, "confidence": e.confidence}
            for e in effective.evidence
        ),
        route_note=effective.route_note,
    )


def _model_answer(answer) -> Answer:
    """A model on the list answers the model use matching the dataset use asked about."""
    deciding = answer.deciding_layer
    because = ""
    if answer.value != answer.weights:
        because = (f"it was trained on {deciding.name}, whose terms make this {deciding.value}"
                   if deciding.dataset else deciding.note)
    return Answer(
        value=answer.value, own=answer.weights, because=because, decided_by=answer.decided_by,
        conditions=tuple(answer.conditions),
        evidence=tuple(
            {"url": e.url, "location": e.location, "accessed": e.accessed.isoformat() if e.accessed else None,
             "summary": e.summary, "confidence": e.confidence}
            for e in deciding.evidence
        ),
        route_note="; ".join(c.summary for c in answer.conflicts),
    )


def run(references: list[str], uses: tuple[str, ...]) -> Report:
    """The report for these references and uses. Raises AmbiguousReferences for ambiguous ones."""
    index = current_index()
    resolutions = [resolve(reference, index) for reference in references]
    unclear = ambiguous(resolutions)
    if unclear:
        raise AmbiguousReferences(unclear)
    slugs = list(dict.fromkeys(r.entry.slug for r in resolutions if r.status == RESOLVED and r.entry.kind == "dataset"))
    datasets = list(Dataset.objects.published().filter(slug__in=slugs))
    explanations, catalogue = verdict_store.explain_many_with_catalogue(datasets)

    lines = []
    for reference, resolution in zip(references, resolutions):
        line = Line(reference, resolution)
        if resolution.resolved and resolution.entry.slug in explanations:
            results = explanations[resolution.entry.slug]
            line.answers = {use: _answer(results[use]) for use in uses}
        lines.append(line)

    named = set(slugs)
    pulled: dict[str, list[str]] = {}
    for slug in slugs:
        for ancestor, _ in engine.ancestors(slug, catalogue):
            if ancestor not in named:
                pulled.setdefault(ancestor, []).append(slug)
    ancestors = []
    for slug, by in pulled.items():
        terms = catalogue.datasets.get(slug)
        if terms is None:
            continue
        entry = Entry("dataset", slug, terms.name)
        line = Line(slug, Resolution(slug, RESOLVED, entry, "lineage"), ancestor_of=tuple(by))
        for use in uses:
            own = engine.dataset_terms_layer(terms, use)
            line.answers[use] = Answer(
                value=own.value, own=own.value, decided_by="dataset_terms", conditions=own.conditions,
                evidence=tuple({"url": e.url, "location": e.location,
                                "accessed": e.accessed.isoformat() if e.accessed else None,
                                "summary": e.summary, "confidence": e.confidence} for e in own.evidence),
            )
        ancestors.append(line)
    ancestors.sort(key=lambda line: line.resolution.entry.name.lower())

    model_slugs = list(dict.fromkeys(r.entry.slug for r in resolutions if r.status == RESOLVED and r.entry.kind == "model"))
    if model_slugs:
        from . import model_store
        from .models import TrainedModel
        from .vocabulary import MODEL_USE_FOR_DATASET_USE

        answers = model_store.explain_models(TrainedModel.objects.published().filter(slug__in=model_slugs))
        for line in lines:
            entry = line.resolution.entry
            if line.resolved and entry.kind == "model" and entry.slug in answers:
                line.answers = {use: _model_answer(answers[entry.slug][MODEL_USE_FOR_DATASET_USE.get(use, "commercial_use")])
                                for use in uses}

    overall, blocking, conditions = summarise(uses, lines, ancestors)
    number = revision.current().number
    return Report(uses, lines, ancestors, overall, blocking, conditions, number, timezone.now().isoformat(timespec="seconds"))


def audit_id(references: list[str], uses: tuple[str, ...]) -> str:
    digest = hashlib.sha256(json.dumps([references, list(uses)], ensure_ascii=False).encode()).hexdigest()
    return digest[:16]


def save(references: list[str], uses: tuple[str, ...]) -> Audit:
    """Keep the audit's input under an address derived from it (the same input, the same address)."""
    audit, _ = Audit.objects.get_or_create(
        pk=audit_id(references, uses), defaults={"references": references, "uses": list(uses)}
    )
    return audit
