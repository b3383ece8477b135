"""Search finds entries named outright (an identifier resolves to its entry, first) and trained models,
marked as models, on the page and in the API. Runs on SQLite and PostgreSQL."""

import urllib.parse

import pytest
from bs4 import BeautifulSoup

from licensedb.models import Dataset


def api(client, **params):
    response = client.get("/api/v1/search/?" + urllib.parse.urlencode(params, doseq=True))
    assert response.status_code == 200, response.content[:300]
    return response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("q, slug, match", [
    ("1705.06950", "kinetics-400", "identifier:arxiv"),
    ("arXiv:1705.06950v1", "kinetics-400", "identifier:arxiv"),
    ("https://arxiv.org/abs/2402.19479", "panda-70m", "identifier:arxiv"),
    ("10.1109/CVPR.2018.00772", "charades-ego", "identifier:doi"),
    ("multimodalart/panda-70m", "panda-70m", "identifier:huggingface"),
    ("https://snap-research.github.io/Panda-70M", "panda-70m", "identifier:url"),
])
def test_an_identifier_puts_its_dataset_first(client, q, slug, match):
    body = api(client, q=q)
    assert body["results"][0]["slug"] == slug
    assert body["resolved"].startswith(match.split(":")[0])
    page = BeautifulSoup(client.get("/search/", {"q": q}).content, "html.parser")
    assert page.select_one(".search-hit h3 a")["href"] == f"/datasets/{slug}/"


@pytest.mark.django_db
def test_an_old_slug_puts_the_renamed_dataset_first(client):
    dataset = Dataset.objects.get(slug="webvid-2m")
    dataset.slug = "webvid-2m-renamed"
    dataset.save()
    body = api(client, q="webvid-2m")
    assert body["results"][0]["slug"] == "webvid-2m-renamed"
    assert body["resolved"] == "former_slug"


@pytest.mark.django_db
def test_words_are_not_read_as_identifiers(client):
    assert api(client, q="kinetics")["resolved"] == ""


@pytest.mark.django_db
def test_a_model_identifier_leads_the_models_section(client):
    body = api(client, q="THUDM/CogVideoX-5b")
    assert body["models"][0]["slug"] == "cogvideox"
    assert body["models"][0]["kind"] == "model"


@pytest.mark.django_db
def test_models_appear_apart_and_marked_as_models(client):
    body = api(client, q="CogVideoX")
    assert body["models_count"] >= 1
    model = body["models"][0]
    assert model["slug"] == "cogvideox" and model["kind"] == "model" and model["url"].endswith("/models/cogvideox/")
    assert "cogvideox" not in [hit["slug"] for hit in body["results"]]  # datasets stay datasets
    page = BeautifulSoup(client.get("/search/", {"q": "CogVideoX"}).content, "html.parser")
    section = page.select_one(".model-hits")
    assert section is not None and "Models" in section.select_one("h2").text
    first = section.select_one(".model-hit")
    assert first.select_one("a")["href"] == "/models/cogvideox/" and "Model" in first.select_one(".tag").text


@pytest.mark.django_db
def test_a_model_alias_and_a_prefix_find_the_model(client):
    assert api(client, q="SVD")["models"][0]["slug"] == "stable-video-diffusion"
    assert "hunyuanvideo" in [m["slug"] for m in api(client, q="hunyuanv")["models"]]


@pytest.mark.django_db
def test_a_dataset_query_lists_the_models_trained_on_it_only_when_their_words_match(client):
    body = api(client, q="kinetics-400")
    assert body["results"][0]["slug"] == "kinetics-400"
    for model in body["models"]:
        assert model["slug"]  # whatever is listed is a model with a page
        assert client.get(f"/models/{model['slug']}/").status_code == 200


@pytest.mark.django_db
def test_the_pickers_get_only_datasets(client):
    # compare and check take datasets: models never enter `results`
    body = api(client, q="open-sora", page_size=6)
    assert all(client.get(f"/datasets/{hit['slug']}/").status_code == 200 for hit in body["results"])
    assert "open-sora" in [m["slug"] for m in body["models"]]


@pytest.mark.django_db
def test_models_and_resolution_are_in_the_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    for word in ("models_count", "model_kind", "resolved", "approximate", "correct"):
        assert word in schema, word
