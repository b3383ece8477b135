"""The resolver's rules on plain data, and on the curated catalogue through the API."""

import pytest

from licensedb.identifiers import normalise, parse_reference
from licensedb.resolver import Entry, Index, resolve

KIN4 = Entry("dataset", "kinetics-400", "Kinetics-400")
KIN6 = Entry("dataset", "kinetics-600", "Kinetics-600")
HDVILA = Entry("dataset", "hd-vila-100m", "HD-VILA-100M")
INTERNVID = Entry("dataset", "internvid-10m", "InternVid-10M")
OTHER = Entry("dataset", "other-set", "Other Set")


@pytest.fixture
def index():
    index = Index()
    index.add(KIN4, aliases=["K400"], identifiers=[("arxiv", "1705.06950")])
    index.add(KIN6, aliases=["K600"])
    index.add(HDVILA, aliases=["HDVILA"], identifiers=[("url", normalise("url", "https://github.com/microsoft/XPretrain/tree/main/hd-vila-100m"))],
              former_slugs=["hdvila-100m"])
    index.add(INTERNVID, identifiers=[("huggingface", "opengvlab/internvid"), ("arxiv", "2307.06942")])
    index.add(OTHER, identifiers=[("url", normalise("url", "https://github.com/microsoft/XPretrain/tree/main/other"))])
    return index.finish()


@pytest.mark.parametrize("reference, slug, match", [
    ("kinetics-400", "kinetics-400", "slug"),
    ("Kinetics 400", "kinetics-400", "name"),
    ("k400", "kinetics-400", "alias"),
    ("hdvila-100m", "hd-vila-100m", "former_slug"),
    ("OpenGVLab/InternVid", "internvid-10m", "identifier:huggingface"),
    ("hf://datasets/OpenGVLab/InternVid", "internvid-10m", "identifier:huggingface"),
    ("https://huggingface.co/datasets/OpenGVLab/InternVid/blob/main/README.md", "internvid-10m", "identifier:huggingface"),
    ("arXiv:2307.06942v3", "internvid-10m", "identifier:arxiv"),
    ("https://arxiv.org/pdf/2307.06942v1", "internvid-10m", "identifier:arxiv"),
    ("https://github.com/microsoft/XPretrain/tree/main/hd-vila-100m/README.md", "hd-vila-100m", "identifier:url"),
    ("https://github.com/microsoft/xpretrain/tree/main/HD-VILA-100M", "hd-vila-100m", "identifier:url"),
    ("Kinetcs-400", "kinetics-400", "fuzzy"),
    ("internvid", "internvid-10m", "prefix"),
])
def test_a_reference_resolves_and_says_how(index, reference, slug, match):
    result = resolve(reference, index)
    assert result.status == "resolved", result.message
    assert result.entry.slug == slug
    assert result.match == match


def test_exact_resolution_takes_identifiers_and_slugs_only(index):
    # what search asks: an entry named outright; names and near spellings are search's own ranking
    assert resolve("arXiv:2307.06942", index, exact=True).entry == INTERNVID
    assert resolve("hdvila-100m", index, exact=True).entry == HDVILA
    for reference in ("Kinetcs-400", "internvid", "k400", "Kinetics 400"):
        result = resolve(reference, index, exact=True)
        assert result.status == "not_found" and not result.candidates, reference


def test_ambiguity_returns_the_candidates_instead_of_guessing(index):
    result = resolve("kinetics", index)
    assert result.status == "ambiguous"
    assert {c.slug for c in result.candidates} == {"kinetics-400", "kinetics-600"}
    assert "kinetics-400" in result.message


def test_numbers_are_never_guessed(index):
    result = resolve("Kinetics-500", index)
    assert result.status == "not_found"
    assert {c.slug for c in result.candidates} >= {"kinetics-400", "kinetics-600"}  # suggestions, not an answer


def test_a_repository_that_hosts_several_datasets_names_none_of_them_by_its_root(index):
    assert resolve("https://github.com/microsoft/XPretrain", index).status == "not_found"
    assert resolve("https://github.com/microsoft/XPretrain/tree/main/other", index).entry.slug == "other-set"


@pytest.mark.parametrize("reference", ["", "   ", "\x00\x01", "x" * 3000])
def test_bad_references_are_invalid_not_errors(index, reference):
    assert resolve(reference, index).status == "invalid"


def test_identifier_forms_normalise_to_one_key():
    assert {k for kind, k in parse_reference("https://doi.org/10.1109/CVPR.2016.571") if kind == "doi"} == {"10.1109/cvpr.2016.571"}
    assert normalise("github", "https://github.com/Owner/Repo.git") == "owner/repo"
    assert normalise("arxiv", "arXiv:2307.06942v2") == "2307.06942"
    with pytest.raises(ValueError):
        normalise("huggingface", "not a repo id")


REPORTED = [  # the ten datasets of the public reporting, as a pipeline would name them
    ("https://github.com/daooshee/HD-VG-130M", "hd-vg-130m"),
    ("arXiv:2111.10337v2", "hd-vila-100m"),
    ("OpenGVLab/InternVid", "internvid-10m"),
    ("https://github.com/m-bain/webvid/blob/main/README.md", "webvid-10m"),
    ("MovieNet", "movienet"),
    ("Youtube8M", "youtube-8m"),
    ("ACAV-100M", "acav100m"),
    ("Ego 4D", "ego4d"),
    ("https://arxiv.org/abs/2311.18259", "ego-exo4d"),
    ("HOI-4D", "hoi4d"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("reference, slug", REPORTED)
def test_the_reported_datasets_resolve_over_the_api(client, reference, slug):
    body = client.get("/api/v1/resolve/", {"ref": reference}).json()
    assert body["status"] == "resolved", body
    assert body["entry"]["slug"] == slug


@pytest.mark.django_db
def test_resolve_api_refuses_a_missing_or_huge_reference(client):
    assert client.get("/api/v1/resolve/").status_code == 400
    assert client.get("/api/v1/resolve/", {"ref": "x" * 3000}).status_code == 400
    ambiguous = client.get("/api/v1/resolve/", {"ref": "kinetics"}).json()
    assert ambiguous["status"] == "ambiguous" and len(ambiguous["candidates"]) >= 3


@pytest.mark.django_db
def test_detail_urls_under_an_alias_or_an_identifier_redirect_to_the_canonical_one(client):
    assert client.get("/api/v1/datasets/OpenGVLab/InternVid/")["Location"] == "/api/v1/datasets/internvid-10m/"
    response = client.get("/datasets/HDVILA/")
    assert response.status_code == 301 and response["Location"] == "/datasets/hd-vila-100m/"
    assert client.get("/datasets/OpenGVLab/InternVid/")["Location"] == "/datasets/internvid-10m/"
    guess = client.get("/datasets/kinetcs-400/")
    assert guess.status_code == 404 and "Kinetics-400" in guess.content.decode()  # a guess is offered, not followed
    assert client.get("/api/v1/datasets/kinetcs-400/").json()["candidates"] == ["kinetics-400"]


@pytest.mark.django_db
def test_an_old_slug_redirects_after_a_rename(client):
    from licensedb.models import Dataset

    dataset = Dataset.objects.get(slug="hoi4d")
    dataset.slug = "hoi4d-renamed"
    dataset.save()
    response = client.get("/datasets/hoi4d/")
    assert response.status_code == 301 and response["Location"] == "/datasets/hoi4d-renamed/"


@pytest.mark.django_db
def test_check_and_compare_accept_any_reference_and_say_did_you_mean(client):
    body = client.post("/api/v1/check/", {"use": "commercial_training", "datasets": ["OpenGVLab/InternVid", "HD-VILA"]},
                       content_type="application/json").json()
    assert [d["slug"] for d in body["datasets"]] == ["internvid-10m", "hd-vila-100m"]
    refused = client.post("/api/v1/check/", {"use": "research", "datasets": ["Kinetics-500"]}, content_type="application/json")
    assert refused.status_code == 400 and "Did you mean" in str(refused.json())
    page = client.get("/check/", {"use": "research", "datasets": "kinetic-400x"})
    assert page.status_code == 400
    assert client.get("/compare/", {"datasets": "OpenGVLab/InternVid,hdvila"}).status_code == 200
