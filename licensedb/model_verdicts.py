"""What a model inherits from the data it declares, beside what its weights' licence grants.

Plain Python over plain data, next to the dataset engine (``licensedb.verdicts``), whose answers for
the declared datasets it takes as input. ``licensedb.model_store`` feeds it from the database.

The rules, for each model use (``licensedb.vocabulary.MODEL_USES``):

1. **Weights licence**: the curator's verdict on what the weights' licence grants for the use
   (``unclear`` when none is recorded).
2. **Declared training data**: every catalogue dataset the creators declare for pre-training or
   fine-tuning contributes a layer ``data:<slug>`` whose verdict is that dataset's answer for the
   matching dataset use (commercial use of the weights <- ``commercial_training``; redistributing
   the weights and releasing a derivative <- ``model_release``). The answer is the dataset's effective
   verdict *without the platform terms*: a platform's contract bound whoever fetched the videos (the
   model's creators), not the people who use the weights; the dataset's own terms, the terms of what
   it was built from and the rights in the works do travel with what was learnt from them.
3. **Evaluation only**: a dataset used only to report numbers does not pass restrictions on
   training to the weights. It is listed, with that said, and contributes no layer.
4. **Undisclosed data**: when the creators do not name all their training data (disclosure ``partial``
   or ``none``), or name data that is not in the catalogue, one ``undisclosed`` layer is ``unclear``:
   nothing can be said of terms nobody can read. Portions the creators call internal or licensed are
   listed, and count as undisclosed only where the disclosure is incomplete.
5. The **effective** answer is the most restrictive of these layers (ties: weights first, then the
   data in the order declared, then undisclosed).
6. A **conflict** is a use for which the weights' licence grants the use (``allowed`` or
   ``conditional``) while a declared dataset's answer is ``prohibited``: shown explicitly, with both
   sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .verdicts import (
    ALLOWED,
    CONDITIONAL,
    PLATFORM_TERMS,
    PROHIBITED,
    UNCLEAR,
    Effective,
    EvidenceRef,
    VerdictRecord,
    most_restrictive,
)
from .vocabulary import MODEL_USES, RISK, TrainingRole, UndisclosedKind

WEIGHTS = "weights"
UNDISCLOSED = "undisclosed"
DATA_PREFIX = "data:"
TRAINING_ROLES = (TrainingRole.PRETRAINING.value, TrainingRole.FINETUNING.value)
EVALUATION = TrainingRole.EVALUATION.value
UNKNOWN_TERMS = (UndisclosedKind.UNDISCLOSED.value, UndisclosedKind.NOT_CATALOGUED.value)


@dataclass(frozen=True)
class DeclaredData:
    dataset: str  # slug
    name: str
    role: str
    evidence: tuple[EvidenceRef, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class OtherData:
    kind: str
    description: str
    evidence: tuple[EvidenceRef, ...] = ()


@dataclass(frozen=True)
class ModelTerms:
    slug: str
    name: str
    weights: Mapping[str, VerdictRecord] = field(default_factory=dict)  # model use -> what the licence grants
    data: tuple[DeclaredData, ...] = ()
    other: tuple[OtherData, ...] = ()
    disclosure: str = "full"  # full | partial | none


@dataclass(frozen=True)
class ModelLayer:
    layer: str  # weights | data:<slug> | undisclosed
    value: str
    conditions: tuple[str, ...]
    evidence: tuple[EvidenceRef, ...]
    note: str
    name: str = ""
    role: str = ""
    declared_by: tuple[EvidenceRef, ...] = ()  # for data layers: where the creators declare the dataset

    @property
    def dataset(self) -> str | None:
        return self.layer[len(DATA_PREFIX):] if self.layer.startswith(DATA_PREFIX) else None


@dataclass(frozen=True)
class Conflict:
    """The weights' licence grants the use; a declared dataset's answer forbids it."""

    use: str
    weights: ModelLayer
    data: ModelLayer

    @property
    def summary(self) -> str:
        return (
            f"The weights' licence makes this {self.weights.value}, but the model was trained on {self.data.name}, "
            f"whose terms make it {self.data.value}."
        )


@dataclass(frozen=True)
class ModelAnswer:
    use: str
    value: str
    decided_by: str
    conditions: tuple[str, ...]
    layers: tuple[ModelLayer, ...]
    weights: str  # what the weights' licence grants
    conflicts: tuple[Conflict, ...] = ()
    evaluation_only: tuple[DeclaredData, ...] = ()

    @property
    def deciding_layer(self) -> ModelLayer:
        return next(layer for layer in self.layers if layer.layer == self.decided_by)


def _unique(items: Iterable) -> tuple:
    return tuple(dict.fromkeys(items))


def data_answer(effective: Effective) -> tuple[str, tuple[str, ...], tuple[EvidenceRef, ...], str]:
    """A dataset's answer as it reaches the weights: its binding layers except the platform contract."""
    layers = [layer for layer in effective.layers if layer.binding and layer.layer != PLATFORM_TERMS]
    value = most_restrictive(layer.value for layer in layers)
    winners = [layer for layer in layers if layer.value == value]
    conditions = _unique(c for layer in layers for c in layer.conditions) if value == CONDITIONAL else ()
    note = winners[0].note if winners else ""
    return value, conditions, _unique(e for layer in winners for e in layer.evidence), note


def evaluate_model(model: ModelTerms, datasets: Mapping[str, Mapping[str, Effective]]) -> dict[str, ModelAnswer]:
    """Every model use's answer. ``datasets``: slug -> use -> the dataset engine's Effective."""
    answers: dict[str, ModelAnswer] = {}
    for use in MODEL_USES:
        record = model.weights.get(use.key) or VerdictRecord(UNCLEAR, (), (), "No verdict has been recorded for the weights' licence.")
        weights = ModelLayer(WEIGHTS, record.value, record.conditions, record.evidence, record.note, "the weights' licence")
        layers = [weights]
        seen: set[str] = set()
        for item in model.data:
            if item.role not in TRAINING_ROLES or item.dataset in seen:
                continue
            seen.add(item.dataset)
            effective = datasets.get(item.dataset, {}).get(use.data_use)
            if effective is None:
                layers.append(ModelLayer(DATA_PREFIX + item.dataset, UNCLEAR, (), (), "The dataset is not published in the catalogue.",
                                         item.name, item.role, item.evidence))
                continue
            value, conditions, evidence, note = data_answer(effective)
            layers.append(ModelLayer(DATA_PREFIX + item.dataset, value, conditions, evidence, note, item.name, item.role, item.evidence))
        unknown = [o for o in model.other if o.kind in UNKNOWN_TERMS]
        if unknown or model.disclosure != "full":
            evidence = _unique(e for o in (unknown or model.other) for e in o.evidence)
            layers.append(ModelLayer(
                UNDISCLOSED, UNCLEAR, (), evidence,
                "Part of the training data is not disclosed or not in the catalogue, so its terms cannot be known."
                if model.disclosure != "none" else "The creators do not say what the model was trained on.",
                "undisclosed data",
            ))
        value = most_restrictive(layer.value for layer in layers)
        winners = [layer for layer in layers if layer.value == value]
        conditions = _unique(c for layer in layers for c in layer.conditions) if value == CONDITIONAL else ()
        conflicts = ()
        if weights.value in (ALLOWED, CONDITIONAL):
            conflicts = tuple(Conflict(use.key, weights, layer) for layer in layers[1:]
                              if layer.dataset and layer.value == PROHIBITED)
        answers[use.key] = ModelAnswer(
            use=use.key,
            value=value,
            decided_by=winners[0].layer,
            conditions=conditions,
            layers=tuple(layers),
            weights=weights.value,
            conflicts=conflicts,
            evaluation_only=tuple(item for item in model.data if item.role == EVALUATION),
        )
    return answers


def worst(answers: Mapping[str, ModelAnswer]) -> str:
    return max((a.value for a in answers.values()), key=RISK.__getitem__, default=UNCLEAR)
