"""The verdict engine's rules, on plain data (no database)."""

import datetime

import pytest

from licensedb.verdicts import (
    Catalogue,
    DatasetTerms,
    EvidenceRef,
    LineageCycleError,
    PlatformTerms,
    VerdictRecord,
    ancestors,
    evaluate,
    evaluate_all,
    evaluate_use,
    most_restrictive,
)
from licensedb.vocabulary import USE_KEYS

EV = EvidenceRef(1, "https://example.org/terms", "s1", datetime.date(2026, 1, 1), "Says so.", "high")
EV2 = EvidenceRef(2, "https://example.org/other", "s2", datetime.date(2026, 1, 1), "Also says so.", "high")


def terms(slug, own=None, content=None, platforms=(), parents=()):
    verdicts = {("dataset_terms", use): record for use, record in (own or {}).items()}
    verdicts.update({("content_terms", use): record for use, record in (content or {}).items()})
    return DatasetTerms(slug=slug, name=slug.upper(), verdicts=verdicts, platforms=tuple(platforms), parents=tuple(parents))


def rec(value, conditions=(), evidence=(EV,), note=""):
    return VerdictRecord(value, tuple(conditions), tuple(evidence) if value != "unclear" else tuple(evidence), note)


def catalogue(*datasets, platforms=()):
    return Catalogue(datasets={d.slug: d for d in datasets}, platforms={p.slug: p for p in platforms})


YOUTUBE = PlatformTerms(
    "youtube",
    "YouTube",
    True,
    {"research": rec("unclear", evidence=(EV2,)), "commercial_training": rec("prohibited", evidence=(EV2,)),
     "redistribute_metadata": rec("allowed", evidence=(EV2,))},
)
OWN = PlatformTerms("own-recordings", "Own recordings", False, {})
STOCK = PlatformTerms("stock", "Stock", True, {"commercial_training": rec("conditional", ["permission"], (EV2,))})


def test_risk_order():
    assert most_restrictive(["allowed", "conditional"]) == "conditional"
    assert most_restrictive(["conditional", "unclear"]) == "unclear"
    assert most_restrictive(["unclear", "prohibited", "allowed"]) == "prohibited"
    assert most_restrictive([]) == "unclear"


def test_dataset_with_no_verdicts_is_unclear_for_every_use():
    cat = catalogue(terms("empty", platforms=["own-recordings"]), platforms=[OWN])
    results = evaluate("empty", cat)
    assert set(results) == set(USE_KEYS)
    assert {r.value for r in results.values()} == {"unclear"}
    assert all(r.decided_by == "dataset_terms" for r in results.values())
    assert all(r.evidence == () for r in results.values())


def test_dataset_terms_alone_decide_when_the_platform_terms_do_not_apply():
    cat = catalogue(terms("own", own={"commercial_training": rec("allowed")}, platforms=["own-recordings"]), platforms=[OWN])
    result = evaluate_use("own", "commercial_training", cat)
    assert result.value == "allowed"
    assert [layer.layer for layer in result.layers] == ["dataset_terms"]
    assert result.evidence == (EV,)


def test_content_terms_come_from_the_platform_and_the_most_restrictive_layer_wins():
    cat = catalogue(terms("yt", own={"commercial_training": rec("allowed")}, platforms=["youtube"]), platforms=[YOUTUBE])
    result = evaluate_use("yt", "commercial_training", cat)
    assert result.value == "prohibited"
    assert result.decided_by == "content_terms"
    assert result.deciding_layer.source == "platform:youtube"
    assert result.evidence == (EV2,)


def test_a_dataset_without_any_recorded_platform_has_unclear_content_terms():
    cat = catalogue(terms("nowhere", own={"research": rec("allowed")}))
    result = evaluate_use("nowhere", "research", cat)
    assert result.value == "unclear"
    assert result.decided_by == "content_terms"


def test_missing_platform_verdict_counts_as_unclear():
    cat = catalogue(terms("yt", own={"benchmark": rec("allowed")}, platforms=["youtube"]), platforms=[YOUTUBE])
    assert evaluate_use("yt", "benchmark", cat).value == "unclear"


def test_a_dataset_level_content_verdict_replaces_the_platform_default():
    own = {"commercial_training": rec("allowed")}
    content = {"commercial_training": rec("conditional", ["permission"])}
    cat = catalogue(terms("licensed", own=own, content=content, platforms=["youtube"]), platforms=[YOUTUBE])
    result = evaluate_use("licensed", "commercial_training", cat)
    assert result.value == "conditional"
    assert result.deciding_layer.source == "dataset"
    assert result.conditions == ("permission",)


def test_several_platforms_take_the_most_restrictive_and_keep_all_conditions():
    cat = catalogue(
        terms("mixed", own={"commercial_training": rec("allowed")}, platforms=["stock", "youtube"]),
        platforms=[STOCK, YOUTUBE],
    )
    assert evaluate_use("mixed", "commercial_training", cat).deciding_layer.source == "platform:youtube"
    both_conditional = PlatformTerms("stock2", "Stock 2", True, {"commercial_training": rec("conditional", ["attribution"], (EV,))})
    cat = catalogue(
        terms("mixed", own={"commercial_training": rec("allowed")}, platforms=["stock", "stock2"]),
        platforms=[STOCK, both_conditional],
    )
    result = evaluate_use("mixed", "commercial_training", cat)
    assert result.value == "conditional"
    assert set(result.conditions) == {"permission", "attribution"}


def test_conditions_of_every_conditional_layer_apply_together():
    own = {"research": rec("conditional", ["agreement"])}
    parent_own = {"research": rec("conditional", ["attribution", "non_commercial"])}
    cat = catalogue(
        terms("child", own=own, platforms=["own-recordings"], parents=["parent"]),
        terms("parent", own=parent_own, platforms=["own-recordings"]),
        platforms=[OWN],
    )
    result = evaluate_use("child", "research", cat)
    assert result.value == "conditional"
    assert set(result.conditions) == {"agreement", "attribution", "non_commercial"}


def test_no_conditions_are_reported_when_the_answer_is_not_conditional():
    own = {"research": rec("conditional", ["agreement"])}
    cat = catalogue(terms("x", own=own, platforms=["youtube"]), platforms=[YOUTUBE])
    result = evaluate_use("x", "research", cat)
    assert result.value == "unclear"
    assert result.conditions == ()


def test_restrictions_are_inherited_from_a_parent():
    parent = terms("hd-vila", own={"commercial_training": rec("prohibited")}, platforms=["own-recordings"])
    child = terms("panda", own={"commercial_training": rec("allowed")}, platforms=["own-recordings"], parents=["hd-vila"])
    result = evaluate_use("panda", "commercial_training", catalogue(parent, child, platforms=[OWN]))
    assert result.value == "prohibited"
    assert result.decided_by == "inherited:hd-vila"
    inherited = result.deciding_layer
    assert inherited.ancestor == "hd-vila"
    assert inherited.via == ("hd-vila",)
    assert inherited.source == "dataset_terms"


def test_restrictions_are_inherited_through_several_levels():
    root = terms("root", own={"redistribute_media": rec("prohibited")}, platforms=["own-recordings"])
    middle = terms("middle", own={"redistribute_media": rec("allowed")}, platforms=["own-recordings"], parents=["root"])
    leaf = terms("leaf", own={"redistribute_media": rec("allowed")}, platforms=["own-recordings"], parents=["middle"])
    cat = catalogue(root, middle, leaf, platforms=[OWN])
    result = evaluate_use("leaf", "redistribute_media", cat)
    assert result.value == "prohibited"
    assert result.decided_by == "inherited:root"
    assert result.deciding_layer.via == ("middle", "root")
    assert [layer.layer for layer in result.layers] == ["dataset_terms", "inherited:middle", "inherited:root"]


def test_an_ancestor_reached_twice_counts_once_nearest_first():
    # diamond: leaf -> a, b; a -> root; b -> root
    root = terms("root", own={"research": rec("allowed")}, platforms=["own-recordings"])
    a = terms("a", own={"research": rec("allowed")}, platforms=["own-recordings"], parents=["root"])
    b = terms("b", own={"research": rec("allowed")}, platforms=["own-recordings"], parents=["root"])
    leaf = terms("leaf", own={"research": rec("allowed")}, platforms=["own-recordings"], parents=["b", "a"])
    cat = catalogue(root, a, b, leaf, platforms=[OWN])
    assert ancestors("leaf", cat) == [("a", ("a",)), ("b", ("b",)), ("root", ("a", "root"))]


def test_inherited_content_terms_of_an_ancestor_apply_too():
    parent = terms("parent", own={"commercial_training": rec("allowed")}, platforms=["youtube"])
    child = terms("child", own={"commercial_training": rec("allowed")}, platforms=["own-recordings"], parents=["parent"])
    result = evaluate_use("child", "commercial_training", catalogue(parent, child, platforms=[YOUTUBE, OWN]))
    assert result.value == "prohibited"
    assert result.decided_by == "inherited:parent"
    assert result.deciding_layer.source == "content_terms"


def test_ties_go_to_the_dataset_terms_first_and_name_the_others():
    parent = terms("parent", own={"commercial_training": rec("prohibited", evidence=(EV2,))}, platforms=["own-recordings"])
    child = terms("child", own={"commercial_training": rec("prohibited")}, platforms=["youtube"], parents=["parent"])
    result = evaluate_use("child", "commercial_training", catalogue(parent, child, platforms=[YOUTUBE, OWN]))
    assert result.decided_by == "dataset_terms"
    assert result.tied_with == ("content_terms", "inherited:parent")
    assert result.evidence == (EV, EV2)  # every layer that shares the answer, deciding one first


def test_ties_between_ancestors_are_broken_by_depth_then_slug():
    z = terms("z-parent", own={"research": rec("prohibited")}, platforms=["own-recordings"])
    a = terms("a-parent", own={"research": rec("prohibited")}, platforms=["own-recordings"])
    child = terms("child", own={"research": rec("allowed")}, platforms=["own-recordings"], parents=["z-parent", "a-parent"])
    result = evaluate_use("child", "research", catalogue(z, a, child, platforms=[OWN]))
    assert result.decided_by == "inherited:a-parent"
    assert result.tied_with == ("inherited:z-parent",)


def test_a_lineage_cycle_is_rejected_with_the_path():
    a = terms("a", parents=["b"])
    b = terms("b", parents=["c"])
    c = terms("c", parents=["a"])
    with pytest.raises(LineageCycleError) as error:
        evaluate("a", catalogue(a, b, c))
    assert error.value.cycle == ["a", "b", "c", "a"]
    assert "a is derived from b is derived from c is derived from a" in str(error.value)


def test_a_self_loop_is_a_cycle():
    with pytest.raises(LineageCycleError):
        evaluate("a", catalogue(terms("a", parents=["a"])))


def test_evaluate_all_answers_every_dataset_and_use():
    cat = catalogue(terms("a", platforms=["own-recordings"]), terms("b", parents=["a"], platforms=["own-recordings"]), platforms=[OWN])
    results = evaluate_all(cat)
    assert set(results) == {"a", "b"}
    assert all(set(r) == set(USE_KEYS) for r in results.values())
