"""'I want to do USE with datasets A, B, C': the per-dataset answers and the overall one."""

from __future__ import annotations

from dataclasses import dataclass

from . import verdict_store
from .models import Dataset
from .verdicts import Effective, most_restrictive
from .vocabulary import USES_BY_KEY


class UnknownUse(ValueError):
    pass


@dataclass
class CheckResult:
    use: str
    overall: str
    blocking: list[str]  # slugs of the datasets that make the overall answer what it is
    items: list[tuple[Dataset, Effective]]


def check(use: str, datasets: list[Dataset]) -> CheckResult:
    if use not in USES_BY_KEY:
        raise UnknownUse(f"Unknown use '{use[:60]}'. Known uses: {', '.join(USES_BY_KEY)}.")
    explanations = verdict_store.explain_many(datasets)
    items = [(dataset, explanations[dataset.slug][use]) for dataset in datasets]
    overall = most_restrictive(result.value for _, result in items)
    return CheckResult(use, overall, [d.slug for d, r in items if r.value == overall], items)


@dataclass
class ModelCheckResult:
    use: str
    overall: str
    blocking: list[str]
    items: list  # (TrainedModel, ModelAnswer)


def check_models(use: str, models: list) -> ModelCheckResult:
    """'I want to do USE with models A, B': each model's answer (licence and declared data) and the overall one."""
    from . import model_store
    from .vocabulary import MODEL_USES_BY_KEY

    if use not in MODEL_USES_BY_KEY:
        raise UnknownUse(f"Unknown model use '{use[:60]}'. Model uses: {', '.join(MODEL_USES_BY_KEY)}.")
    answers = model_store.explain_models(models)
    items = [(model, answers[model.slug][use]) for model in models]
    overall = most_restrictive(answer.value for _, answer in items)
    return ModelCheckResult(use, overall, [m.slug for m, a in items if a.value == overall], items)
