"""What a model inherits from its declared data, on plain data (no database)."""

import datetime

from licensedb.model_verdicts import DeclaredData, ModelTerms, OtherData, evaluate_model
from licensedb.verdicts import Effective, EvidenceRef, LayerVerdict, VerdictRecord

EV = EvidenceRef(1, "https://example.org/licence", "s1", datetime.date(2026, 1, 1), "The licence.", "high")
DATA_EV = EvidenceRef(2, "https://example.org/terms", "s2", datetime.date(2026, 1, 1), "The data terms.", "high")
PAPER = EvidenceRef(3, "https://example.org/paper", "section 3", datetime.date(2026, 1, 1), "Declares the data.", "high")


def answer(value, *, platform=None, conditions=()):
    layers = [LayerVerdict("dataset_terms", value, tuple(conditions), (DATA_EV,), "", "dataset")]
    if platform:
        layers.append(LayerVerdict("platform_terms", platform, (), (DATA_EV,), "", "platform:youtube"))
    worst = max([value, platform or value], key=["allowed", "conditional", "unclear", "prohibited"].index)
    return Effective("x", worst, layers[0].layer, (), tuple(conditions), (DATA_EV,), tuple(layers), own=value)


def all_uses(value, **kw):
    return {use: answer(value, **kw) for use in ("commercial_training", "model_release")}


def weights(value, conditions=()):
    return {use: VerdictRecord(value, tuple(conditions), (EV,)) for use in ("commercial_use", "redistribute_weights", "release_derivative")}


def test_permissive_weights_trained_on_research_only_data_show_the_conflict_with_both_sources():
    model = ModelTerms("m", "M", weights("allowed"), (DeclaredData("research-set", "Research Set", "pretraining", (PAPER,)),))
    result = evaluate_model(model, {"research-set": all_uses("prohibited")})["commercial_use"]
    assert result.value == "prohibited"
    assert result.weights == "allowed"
    assert result.decided_by == "data:research-set"
    [conflict] = result.conflicts
    assert conflict.weights.evidence == (EV,) and conflict.data.evidence == (DATA_EV,)
    assert conflict.data.declared_by == (PAPER,)
    assert "Research Set" in conflict.summary


def test_evaluation_only_data_does_not_pass_training_restrictions_on():
    model = ModelTerms("m", "M", weights("allowed"), (DeclaredData("bench", "Bench", "evaluation", (PAPER,)),))
    result = evaluate_model(model, {"bench": all_uses("prohibited")})["commercial_use"]
    assert result.value == "allowed" and result.conflicts == ()
    assert [d.dataset for d in result.evaluation_only] == ["bench"]
    assert [layer.layer for layer in result.layers] == ["weights"]


def test_undisclosed_training_data_is_the_finding_and_makes_the_answer_unclear():
    model = ModelTerms("m", "M", weights("allowed"), (), (OtherData("undisclosed", "35M clips of unnamed origin", (PAPER,)),),
                       disclosure="none")
    result = evaluate_model(model, {})["commercial_use"]
    assert result.value == "unclear" and result.decided_by == "undisclosed"
    assert result.conflicts == ()
    assert result.deciding_layer.evidence == (PAPER,)


def test_a_fully_disclosed_model_with_internal_data_only_follows_its_licence():
    model = ModelTerms("m", "M", weights("conditional", ["use_policy"]), (), (OtherData("internal", "Own footage", (PAPER,)),),
                       disclosure="full")
    result = evaluate_model(model, {})["commercial_use"]
    assert result.value == "conditional" and result.conditions == ("use_policy",)


def test_the_platform_contract_bound_the_creators_not_the_weights_user():
    model = ModelTerms("m", "M", weights("allowed"), (DeclaredData("yt", "YT", "pretraining", (PAPER,)),))
    result = evaluate_model(model, {"yt": all_uses("allowed", platform="prohibited")})["commercial_use"]
    assert result.value == "allowed" and not result.conflicts


def test_a_prohibitive_licence_is_not_a_conflict_and_conditions_add_up():
    model = ModelTerms("m", "M", weights("prohibited"), (DeclaredData("nc", "NC", "finetuning", (PAPER,)),))
    assert evaluate_model(model, {"nc": all_uses("prohibited")})["commercial_use"].conflicts == ()
    model = ModelTerms("m", "M", weights("conditional", ["notice"]), (DeclaredData("by", "BY", "pretraining", (PAPER,)),))
    result = evaluate_model(model, {"by": all_uses("conditional", conditions=["attribution"])})["redistribute_weights"]
    assert result.value == "conditional" and set(result.conditions) == {"notice", "attribution"}


def test_a_declared_dataset_that_is_not_published_is_unclear():
    model = ModelTerms("m", "M", weights("allowed"), (DeclaredData("draft", "Draft", "pretraining", (PAPER,)),))
    assert evaluate_model(model, {})["commercial_use"].value == "unclear"
