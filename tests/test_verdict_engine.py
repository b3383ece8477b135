"""The verdict engine's rules, on plain data (no database)."""

import datetime

import pytest

from licensedb.verdicts import (
    Catalogue,
    DatasetTerms,
    EvidenceRef,
    JurisdictionNote,
    LineageCycleError,
    PlatformTerms,
    VerdictRecord,
    ancestors,
    evaluate,
    evaluate_all,
    evaluate_use,
    most_restrictive,
    provenance_risk,
    routes_open,
)
from licensedb.vocabulary import USE_KEYS

EV = EvidenceRef(1, "https://example.org/terms", "s1", datetime.date(2026, 1, 1), "Says so.", "high")
EV2 = EvidenceRef(2, "https://example.org/other", "s2", datetime.date(2026, 1, 1), "Also says so.", "high")
EV3 = EvidenceRef(3, "https://example.org/rights", "s3", datetime.date(2026, 1, 1), "Rights.", "high")


def terms(slug, own=None, rights=None, platform_terms=None, platforms=(), parents=(), forms=("url_list",), provenance=""):
    verdicts = {("dataset_terms", use): record for use, record in (own or {}).items()}
    verdicts.update({("rights_in_works", use): record for use, record in (rights or {}).items()})
    verdicts.update({("platform_terms", use): record for use, record in (platform_terms or {}).items()})
    return DatasetTerms(slug=slug, name=slug.upper(), verdicts=verdicts, platforms=tuple(platforms),
                        parents=tuple(parents), forms=frozenset(forms), provenance_note=provenance)


def rec(value, conditions=(), evidence=(EV,), note=""):
    return VerdictRecord(value, tuple(conditions), tuple(evidence) if value != "unclear" else tuple(evidence), note)


def catalogue(*datasets, platforms=(), notes=()):
    return Catalogue(datasets={d.slug: d for d in datasets}, platforms={p.slug: p for p in platforms}, notes=tuple(notes))


ALL_ALLOWED = {use: rec("allowed") for use in USE_KEYS}

# A platform like YouTube: its contract forbids downloads; by default all rights stay with the uploaders.
YOUTUBE = PlatformTerms(
    "youtube",
    "YouTube",
    True,
    {"research": rec("unclear", evidence=(EV2,)), "benchmark": rec("unclear", evidence=(EV2,)),
     "internal_commercial": rec("prohibited", evidence=(EV2,)), "commercial_training": rec("prohibited", evidence=(EV2,)),
     "model_release": rec("unclear", evidence=(EV2,)), "redistribute_media": rec("prohibited", evidence=(EV2,)),
     "redistribute_metadata": rec("unclear", evidence=(EV2,)), "derivative_dataset": rec("unclear", evidence=(EV2,))},
    rights_apply=True,
    rights={"research": rec("unclear", evidence=(EV3,)), "benchmark": rec("unclear", evidence=(EV3,)),
            "internal_commercial": rec("unclear", evidence=(EV3,)), "commercial_training": rec("unclear", evidence=(EV3,)),
            "model_release": rec("unclear", evidence=(EV3,)), "redistribute_media": rec("prohibited", evidence=(EV3,))},
    download_prohibited=True,
    download_evidence=(EV2,),
)
OWN = PlatformTerms("own-recordings", "Own recordings", False, {}, rights_apply=False)
STOCK = PlatformTerms("stock", "Stock", True, {"commercial_training": rec("conditional", ["permission"], (EV2,))},
                      rights_apply=False)
CC_BY_RIGHTS = {use: rec("allowed", evidence=(EV3,)) for use in ("research", "benchmark", "internal_commercial",
                                                                   "commercial_training", "model_release")}
CC_BY_RIGHTS["redistribute_media"] = rec("conditional", ["attribution"], (EV3,))


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


def test_own_recordings_have_no_platform_layer_and_no_rights_layer():
    # Ego4D-like: the creators recorded the videos with consenting participants and hand them out
    cat = catalogue(terms("own", own={"commercial_training": rec("allowed")}, platforms=["own-recordings"],
                          forms=["video_files"]), platforms=[OWN])
    result = evaluate_use("own", "commercial_training", cat)
    assert result.value == "allowed"
    assert [layer.layer for layer in result.layers] == ["dataset_terms"]
    assert result.evidence == (EV,)
    assert provenance_risk("own", cat) is None


def test_fetching_from_a_url_list_binds_the_platform_terms_and_the_rights_in_the_works():
    cat = catalogue(terms("yt", own={"commercial_training": rec("allowed")}, platforms=["youtube"]), platforms=[YOUTUBE])
    result = evaluate_use("yt", "commercial_training", cat)
    assert result.value == "prohibited"
    assert result.decided_by == "platform_terms"
    assert result.deciding_layer.source == "platform:youtube"
    assert result.evidence == (EV2,)
    assert result.route == "fetch"
    assert {layer.layer for layer in result.layers} == {"dataset_terms", "platform_terms", "rights_in_works"}
    assert all(layer.binding for layer in result.layers)
    assert result.own == "allowed" and result.differs
    assert result.because == "fetching the videos from YouTube breaks its terms"


def test_a_dataset_without_any_recorded_platform_has_unclear_content_layers():
    cat = catalogue(terms("nowhere", own={"research": rec("allowed")}))
    result = evaluate_use("nowhere", "research", cat)
    assert result.value == "unclear"
    assert result.decided_by == "platform_terms"
    assert result.deciding_layer.note == "The source of the videos has not been recorded."


def test_missing_platform_verdict_counts_as_unclear():
    cat = catalogue(terms("yt", own={"benchmark": rec("allowed")}, platforms=["youtube"]), platforms=[YOUTUBE])
    assert evaluate_use("yt", "benchmark", cat).value == "unclear"


def test_a_dataset_level_rights_verdict_replaces_the_platform_default():
    own = {"commercial_training": rec("allowed")}
    rights = {"commercial_training": rec("conditional", ["permission"])}
    cat = catalogue(terms("licensed", own=own, rights=rights, platforms=["youtube"], forms=["video_files"]),
                    platforms=[YOUTUBE])
    result = evaluate_use("licensed", "commercial_training", cat)
    assert result.value == "conditional"
    assert result.decided_by == "rights_in_works"
    assert result.deciding_layer.source == "dataset"
    assert result.conditions == ("permission",)


def test_several_platforms_take_the_most_restrictive_and_keep_all_conditions():
    cat = catalogue(
        terms("mixed", own={"commercial_training": rec("allowed")}, platforms=["stock", "youtube"]),
        platforms=[STOCK, YOUTUBE],
    )
    assert evaluate_use("mixed", "commercial_training", cat).deciding_layer.source == "platform:youtube"
    both_conditional = PlatformTerms("stock2", "Stock 2", True, {"commercial_training": rec("conditional", ["attribution"], (EV,))},
                                     rights_apply=False)
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


def test_an_ancestor_passes_on_its_dataset_terms_not_its_platform_contract():
    # the parent is a YouTube URL list; the child releases features computed by its creators
    parent = terms("parent", own={"commercial_training": rec("allowed")}, platforms=["youtube"])
    child = terms("child", own={"commercial_training": rec("allowed")}, platforms=["youtube"], parents=["parent"],
                  forms=["features"])
    result = evaluate_use("child", "commercial_training", catalogue(parent, child, platforms=[YOUTUBE]))
    assert result.value == "allowed"
    inherited = next(layer for layer in result.layers if layer.ancestor == "parent")
    assert inherited.source == "dataset_terms" and inherited.value == "allowed"


def test_a_derived_dataset_without_platforms_of_its_own_takes_its_parents():
    parent = terms("parent", own=ALL_ALLOWED, platforms=["youtube"])
    child = terms("child", own=ALL_ALLOWED, parents=["parent"])
    result = evaluate_use("child", "commercial_training", catalogue(parent, child, platforms=[YOUTUBE]))
    assert result.value == "prohibited"
    assert result.deciding_layer.source == "platform:youtube"


def test_ties_go_to_the_dataset_terms_first_and_name_the_others():
    parent = terms("parent", own={"commercial_training": rec("prohibited", evidence=(EV2,))}, platforms=["own-recordings"])
    child = terms("child", own={"commercial_training": rec("prohibited")}, platforms=["youtube"], parents=["parent"])
    result = evaluate_use("child", "commercial_training", catalogue(parent, child, platforms=[YOUTUBE, OWN]))
    assert result.decided_by == "dataset_terms"
    assert result.tied_with == ("platform_terms", "inherited:parent")
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


# --- platform terms bind whoever fetches; rights in the works follow the media ----------------------


def test_a_features_only_cc_by_release_from_youtube_is_not_bound_by_the_youtube_contract():
    # YouTube-8M: CC BY 4.0 pre-extracted features, no media
    own = {**ALL_ALLOWED, "redistribute_media": rec("unclear", evidence=())}
    cat = catalogue(terms("yt8m", own=own, platforms=["youtube"], forms=["features"]), platforms=[YOUTUBE])
    research = evaluate_use("yt8m", "research", cat)
    assert research.value == "allowed"
    assert research.route == "features"
    platform = next(layer for layer in research.layers if layer.layer == "platform_terms") if any(
        layer.layer == "platform_terms" for layer in research.layers) else None
    assert platform is None  # no way of doing it needs the platform
    commercial = evaluate_use("yt8m", "commercial_training", cat)
    assert commercial.value == "allowed"
    assert commercial.decided_by == "dataset_terms"
    # sharing the videos is another matter: the release holds none, so they would have to be fetched
    media = evaluate_use("yt8m", "redistribute_media", cat)
    assert media.value == "prohibited" and media.route == "fetch"


def test_features_that_can_also_be_mapped_back_to_videos_make_the_answer_conditional_on_using_the_features():
    cat = catalogue(terms("yt8m", own=ALL_ALLOWED, platforms=["youtube"], forms=["features", "url_list"]),
                    platforms=[YOUTUBE])
    result = evaluate_use("yt8m", "commercial_training", cat)
    assert result.value == "conditional"
    assert result.conditions == ("features_only",)
    assert result.route == "features"
    assert [r.route for r in result.routes] == ["features", "fetch"]
    assert [r.value for r in result.routes] == ["allowed", "prohibited"]
    platform = next(layer for layer in result.layers if layer.layer == "platform_terms")
    assert not platform.binding and platform.applies_when == "only when fetching the videos from the platform"
    assert "fetching the videos from YouTube breaks its terms" in result.route_note
    assert result.own == "allowed"
    assert result.because == "only when using only the released features: fetching the videos from YouTube breaks its terms"
    research = evaluate_use("yt8m", "research", cat)
    assert research.value == "conditional" and research.conditions == ("features_only",)


def test_a_url_list_under_research_terms_leads_with_its_own_answer():
    # HD-VILA-100M: a research-only URL list
    own = {"research": rec("conditional", ["agreement", "research_only"]),
           "commercial_training": rec("prohibited"),
           "redistribute_metadata": rec("conditional", ["agreement"])}
    cat = catalogue(terms("hdvila", own=own, platforms=["youtube"], forms=["url_list"]), platforms=[YOUTUBE])
    research = evaluate_use("hdvila", "research", cat)
    assert research.value == "unclear"
    assert research.own == "conditional"
    assert research.decided_by == "platform_terms"
    assert research.tied_with == ("rights_in_works",)
    assert research.because == "fetching the videos from YouTube is not authorised by its terms"
    # sharing the URL list fetches nothing: only the dataset's own terms bind
    metadata = evaluate_use("hdvila", "redistribute_metadata", cat)
    assert metadata.value == "conditional" and metadata.route == "release"
    assert [layer.layer for layer in metadata.layers] == ["dataset_terms"]
    assert not metadata.differs and metadata.because == ""


def test_a_release_hosting_cc_by_youtube_videos_is_bound_by_the_rights_not_the_contract_and_is_flagged():
    # FineVideo: the creators host YouTube videos whose uploaders chose CC BY
    own = {use: rec("conditional", ["agreement"]) for use in USE_KEYS}
    cat = catalogue(terms("finevideo", own=own, rights=CC_BY_RIGHTS, platforms=["youtube"], forms=["video_files"]),
                    platforms=[YOUTUBE])
    commercial = evaluate_use("finevideo", "commercial_training", cat)
    assert commercial.value == "conditional"
    assert commercial.route == "hosted"
    assert "platform_terms" not in {layer.layer for layer in commercial.layers}
    media = evaluate_use("finevideo", "redistribute_media", cat)
    assert media.value == "conditional"
    assert "attribution" in media.conditions
    flag = provenance_risk("finevideo", cat)
    assert flag is not None and flag.platforms == ("youtube",) and flag.evidence == (EV2,)
    assert "YouTube" in flag.summary


def test_creators_copies_beside_a_url_list_make_the_answer_conditional_on_using_them():
    cat = catalogue(terms("kin", own=ALL_ALLOWED, rights=CC_BY_RIGHTS, platforms=["youtube"],
                          forms=["url_list", "video_files"]), platforms=[YOUTUBE])
    result = evaluate_use("kin", "commercial_training", cat)
    assert result.value == "conditional"
    assert result.conditions == ("creators_copies",)
    assert result.route == "hosted"


def test_stock_previews_are_decided_by_the_rights_in_the_works():
    # WebVid: watermarked previews; the stock agency's site contract is not what decides
    stock = PlatformTerms("stock-previews", "Stock", True, {"research": rec("unclear", evidence=(EV2,))},
                          rights_apply=True, rights={"research": rec("prohibited", evidence=(EV3,))})
    cat = catalogue(terms("webvid", own={"research": rec("conditional", ["research_only"])}, platforms=["stock-previews"]),
                    platforms=[stock])
    result = evaluate_use("webvid", "research", cat)
    assert result.value == "prohibited"
    assert result.decided_by == "rights_in_works"
    assert result.evidence == (EV3,)
    assert result.because.startswith("the rights in the Stock videos are not licensed for it")


def test_rights_where_nothing_grants_the_use_keep_training_unclear_rather_than_prohibited():
    # videos the creators host, with no licence from their owners: the platform contract's
    # "prohibited" does not reach the user, the rights in the works leave training unclear
    cat = catalogue(terms("hosted", own=ALL_ALLOWED, platforms=["youtube"], forms=["video_files"]), platforms=[YOUTUBE])
    assert evaluate_use("hosted", "commercial_training", cat).value == "unclear"
    assert evaluate_use("hosted", "redistribute_media", cat).value == "prohibited"


def test_metadata_uses_touch_no_media():
    cat = catalogue(terms("x", own=ALL_ALLOWED, platforms=["youtube"], forms=["url_list"]), platforms=[YOUTUBE])
    for use in ("redistribute_metadata", "derivative_dataset"):
        result = evaluate_use("x", use, cat)
        assert result.value == "allowed"
        assert [layer.layer for layer in result.layers] == ["dataset_terms"]


def test_the_routes_follow_the_distribution_forms():
    base = dict(own=ALL_ALLOWED, platforms=["youtube"])
    assert routes_open(terms("a", forms=["features"], **base), "research") == ("features",)
    assert routes_open(terms("a", forms=["features"], **base), "redistribute_media") == ("fetch",)
    assert routes_open(terms("a", forms=["video_files", "url_list"], **base), "research") == ("hosted", "fetch")
    assert routes_open(terms("a", forms=["annotations_only"], **base), "research") == ("fetch",)
    assert routes_open(terms("a", forms=[], **base), "benchmark") == ("fetch",)  # not established: assume fetching
    assert routes_open(terms("a", forms=["url_list"], **base), "derivative_dataset") == ("release",)


def test_a_dataset_level_platform_permission_replaces_the_platform_contract():
    permission = {"commercial_training": rec("conditional", ["permission"])}
    cat = catalogue(terms("ok", own=ALL_ALLOWED, rights=CC_BY_RIGHTS, platform_terms=permission, platforms=["youtube"]),
                    platforms=[YOUTUBE])
    result = evaluate_use("ok", "commercial_training", cat)
    assert result.value == "conditional" and result.conditions == ("permission",)


def test_jurisdiction_notes_are_shown_beside_the_content_layers_without_changing_the_verdict():
    note = JurisdictionNote("eu-tdm", "EU", "TDM for research", "Research organisations may mine.", ("research",), True, (EV,))
    with_note = catalogue(terms("x", own=ALL_ALLOWED, platforms=["youtube"]), platforms=[YOUTUBE], notes=[note])
    without = catalogue(terms("x", own=ALL_ALLOWED, platforms=["youtube"]), platforms=[YOUTUBE])
    result = evaluate_use("x", "research", with_note)
    assert result.value == evaluate_use("x", "research", without).value == "unclear"
    platform = next(layer for layer in result.layers if layer.layer == "platform_terms")
    assert platform.notes == (note,)
    assert next(layer for layer in result.layers if layer.layer == "dataset_terms").notes == ()
    assert evaluate_use("x", "commercial_training", with_note).deciding_layer.notes == ()


def test_a_flagged_release_keeps_the_creators_account_of_how_they_got_the_copies():
    cat = catalogue(terms("h", platforms=["youtube"], forms=["video_files"], provenance="Licensed from the channel."),
                    platforms=[YOUTUBE])
    assert provenance_risk("h", cat).note == "Licensed from the channel."
    assert provenance_risk("h", catalogue(terms("h", platforms=["youtube"], forms=["url_list"]), platforms=[YOUTUBE])) is None
