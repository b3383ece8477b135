"""Model pages: what open video models declare they were trained on, and what that passes on."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import model_store
from .filters import ModelFilter
from .models import Condition, ModelLicence, TrainedModel, TrainingData
from .vocabulary import MODEL_USES, Disclosure, ModelKind, VerdictValue
from .views import bad_request, paginate


def model_list_queryset():
    current = ModelLicence.objects.filter(valid_until__isnull=True, layer="weights").select_related("licence")
    return (
        TrainedModel.objects.published()
        .select_related("effective")
        .prefetch_related("organisations", Prefetch("licence_lines", queryset=current, to_attr="weights_lines"))
    )


def model_list(request: HttpRequest) -> HttpResponse:
    filterset = ModelFilter(request.GET, queryset=model_list_queryset().order_by("name"), request=request)
    if not filterset.is_valid():
        return bad_request(request, filterset.errors)
    page, error = paginate(request, filterset.qs, per_page=50)
    if error:
        return bad_request(request, error)
    return render(
        request,
        "models/list.html",
        {
            "page": page,
            "filterset": filterset,
            "uses": MODEL_USES,
            "disclosures": Disclosure.choices,
            "kinds": ModelKind.choices,
            "values": VerdictValue.choices,
            "active": {k: request.GET.getlist(k) for k in request.GET if k != "page" and request.GET.get(k)},
            "total": TrainedModel.objects.published().count(),
        },
    )


def model_detail(request: HttpRequest, slug: str) -> HttpResponse:
    model = (
        TrainedModel.objects.published()
        .select_related("effective")
        .prefetch_related(
            "organisations", "aliases", "identifiers", "disclosure_evidence", "claims",
            Prefetch("licence_lines", queryset=ModelLicence.objects.select_related("licence").prefetch_related("evidence")),
            Prefetch("training_data", queryset=TrainingData.objects.select_related("dataset", "dataset__effective").prefetch_related("evidence")),
            "undisclosed_data__evidence",
        )
        .filter(slug=slug)
        .first()
    )
    if model is None:
        from .views import dataset_by_reference

        return dataset_by_reference(request, slug, kinds={"model"})
    answers = model_store.explain_model(model)
    conditions = {c.slug: c for c in Condition.objects.all()}
    grid = [
        {"use": use, "answer": answers[use.key],
         "conditions": [conditions[c] for c in answers[use.key].conditions if c in conditions]}
        for use in MODEL_USES
    ]
    lines = list(model.licence_lines.all())
    roles = {"pretraining": [], "finetuning": [], "evaluation": []}
    for item in model.training_data.all():
        roles.setdefault(item.role, []).append(item)
    return render(
        request,
        "models/detail.html",
        {
            "model": model,
            "grid": grid,
            "weights_lines": [l for l in lines if l.layer == "weights" and l.is_current],
            "past_lines": [l for l in lines if l.layer == "weights" and not l.is_current],
            "code_lines": [l for l in lines if l.layer == "code"],
            "training": [(role, label, roles.get(role, [])) for role, label in
                         (("pretraining", "Pre-training"), ("finetuning", "Fine-tuning"), ("evaluation", "Evaluation only"))],
            "conflicts": [c for row in grid for c in row["answer"].conflicts],
            "condition_names": {slug: c.name for slug, c in conditions.items()},
        },
    )
