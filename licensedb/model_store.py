"""Feeding the model rules (``licensedb.model_verdicts``) from the database, and keeping their answers
stored for lists and facets. A fixed number of queries for any number of models."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch

from . import model_verdicts as rules
from . import verdict_store
from .models import Dataset, ModelEffective, TrainedModel, TrainingData, UndisclosedData, WeightsVerdict
from .vocabulary import MODEL_USE_KEYS


def _terms(model: TrainedModel) -> rules.ModelTerms:
    return rules.ModelTerms(
        slug=model.slug,
        name=model.name,
        disclosure=model.disclosure,
        weights={v.use: verdict_store._record(v) for v in model.weights_verdicts.all()},
        data=tuple(
            rules.DeclaredData(
                dataset=t.dataset.slug, name=t.dataset.name, role=t.role,
                evidence=verdict_store._evidence_refs(t.evidence.all()), note=t.note,
            )
            for t in model.training_data.all()
        ),
        other=tuple(
            rules.OtherData(u.kind, u.description, verdict_store._evidence_refs(u.evidence.all()))
            for u in model.undisclosed_data.all()
        ),
    )


def _loaded(models: Iterable[TrainedModel]) -> list[TrainedModel]:
    ids = [m.pk for m in models]
    return list(
        TrainedModel.objects.filter(pk__in=ids).prefetch_related(
            Prefetch("weights_verdicts", queryset=WeightsVerdict.objects.prefetch_related("conditions", "evidence")),
            Prefetch("training_data", queryset=TrainingData.objects.select_related("dataset").prefetch_related("evidence")),
            Prefetch("undisclosed_data", queryset=UndisclosedData.objects.prefetch_related("evidence")),
        )
    )


def explain_models(models: Iterable[TrainedModel]) -> dict[str, dict[str, rules.ModelAnswer]]:
    """Every model use's answer for these models, with their layers."""
    loaded = _loaded(models)
    slugs = {t.dataset.slug for m in loaded for t in m.training_data.all() if t.dataset.is_published}
    datasets = Dataset.objects.published().filter(slug__in=slugs)
    explanations = verdict_store.explain_many(datasets) if slugs else {}
    return {m.slug: rules.evaluate_model(_terms(m), explanations) for m in loaded}


def explain_model(model: TrainedModel) -> dict[str, rules.ModelAnswer]:
    return explain_models([model])[model.slug]


def refresh(model_ids: Iterable[int] | None = None) -> int:
    models = TrainedModel.objects.all() if model_ids is None else TrainedModel.objects.filter(pk__in=list(model_ids))
    models = list(models)
    if not models:
        return 0
    answers = explain_models(models)
    rows = []
    for model in models:
        result = answers[model.slug]
        row = ModelEffective(
            model=model,
            weights={use: result[use].weights for use in MODEL_USE_KEYS},
            decided_by={use: result[use].decided_by for use in MODEL_USE_KEYS},
            conflict=any(result[use].conflicts for use in MODEL_USE_KEYS),
            conflicts={use: [c.data.dataset for c in result[use].conflicts] for use in MODEL_USE_KEYS if result[use].conflicts},
        )
        for use in MODEL_USE_KEYS:
            setattr(row, use, result[use].value)
        rows.append(row)
    ModelEffective.objects.bulk_create(
        rows, batch_size=500, update_conflicts=True, unique_fields=["model"],
        update_fields=[*MODEL_USE_KEYS, "weights", "decided_by", "conflict", "conflicts", "computed_at"],
    )
    return len(rows)


def models_using(dataset_ids: Iterable[int]) -> set[int]:
    """Models that declare any of these datasets (or a dataset derived from them: their answers move too)."""
    targets = verdict_store._descendants(set(dataset_ids))
    return set(TrainingData.objects.filter(dataset_id__in=targets).values_list("model_id", flat=True))


def models_by_dataset(dataset_ids: Iterable[int]) -> dict[int, list[TrainingData]]:
    out: dict[int, list[TrainingData]] = defaultdict(list)
    for item in TrainingData.objects.filter(dataset_id__in=list(dataset_ids), model__publication="published").select_related("model"):
        out[item.dataset_id].append(item)
    return out


# --- batching -------------------------------------------------------------------------------


def _refresh_handler(model_ids: set, dataset_ids: set) -> None:
    from django.db import transaction

    targets = set(model_ids) | (models_using(dataset_ids) if dataset_ids else set())
    if targets:
        with transaction.atomic():
            refresh(targets)


from . import deferral  # noqa: E402

deferral.register("models", 15, _refresh_handler)  # after the datasets' verdicts, before search


def request_refresh(model_ids: Iterable[int] = (), dataset_ids: Iterable[int] = ()) -> None:
    deferral.submit("models", model_ids, dataset_ids)
