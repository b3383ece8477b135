"""Models as entries: pages, API, audits and the admin, on the curated catalogue."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from licensedb.models import Dataset, TrainedModel, TrainingData


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.django_db
def test_a_conflict_shows_on_the_model_page_and_in_the_api_with_both_sources(client):
    body = client.get("/api/v1/models/open-sora/").json()
    commercial = body["answers"]["commercial_use"]
    assert commercial["weights"] in ("allowed", "conditional")
    assert commercial["effective"] == "prohibited"
    conflict = next(c for c in commercial["conflicts"] if c["dataset"] == "panda-70m")
    assert conflict["weights_evidence"] and conflict["data_evidence"] and conflict["declared_by"]
    page = soup(client.get("/models/open-sora/"))
    notice = page.select_one("#conflicts")
    assert notice is not None and "Panda-70M" in notice.get_text()
    assert TrainedModel.objects.get(slug="open-sora").effective.conflict


@pytest.mark.django_db
def test_evaluation_only_data_is_listed_but_passes_nothing_on(client):
    item = TrainingData.objects.filter(role="evaluation", model__publication="published").select_related("model", "dataset").first()
    assert item is not None
    answer = client.get(f"/api/v1/models/{item.model.slug}/").json()["answers"]["commercial_use"]
    assert item.dataset.slug in answer["evaluation_only"]
    assert f"data:{item.dataset.slug}" not in {layer["layer"] for layer in answer["layers"]} or TrainingData.objects.filter(
        model=item.model, dataset=item.dataset).exclude(role="evaluation").exists()


@pytest.mark.django_db
def test_undisclosed_training_data_makes_the_answer_unclear(client):
    model = TrainedModel.objects.get(slug="wan-2-1")
    assert model.disclosure == "none"
    answer = client.get("/api/v1/models/wan-2-1/").json()["answers"]["commercial_use"]
    assert answer["weights"] == "allowed"
    assert answer["effective"] == "unclear" and answer["decided_by"] == "undisclosed"


@pytest.mark.django_db
def test_a_dataset_page_lists_the_models_trained_on_it(client):
    page = soup(client.get("/datasets/panda-70m/"))
    links = {a["href"] for a in page.select("#models-h + ul a")}
    assert "/models/open-sora/" in links
    assert "open-sora" in {m["slug"] for m in client.get("/api/v1/datasets/panda-70m/").json()["models"]}


@pytest.mark.django_db
def test_the_models_list_filters_by_conflict_disclosure_and_licence(client):
    conflicting = client.get("/api/v1/models/", {"conflict": "true", "page_size": 100}).json()["results"]
    assert conflicting and all(m["conflict"] for m in conflicting)
    undisclosed = client.get("/api/v1/models/", {"disclosure": "none", "page_size": 100}).json()["results"]
    assert "wan-2-1" in {m["slug"] for m in undisclosed}
    apache = client.get("/api/v1/models/", {"licence": "apache-2.0", "page_size": 100}).json()["results"]
    assert apache and all("apache-2.0" in m["weights_licences"] for m in apache)
    assert client.get("/api/v1/models/", {"disclosure": "bogus"}).status_code == 400
    page = client.get("/models/", {"conflict": "true"})
    assert page.status_code == 200 and "Open-Sora" in page.content.decode()


@pytest.mark.django_db
def test_models_resolve_redirect_and_audit(client):
    assert client.get("/api/v1/resolve/", {"ref": "THUDM/CogVideoX-5b"}).json()["entry"]["slug"] == "cogvideox"
    assert client.get("/models/OpenSora/")["Location"] == "/models/open-sora/"
    body = client.post("/api/v1/audit/", {"references": ["open-sora", "panda-70m"], "uses": ["commercial_training"]},
                       content_type="application/json").json()
    model_line = body["lines"][0]
    assert model_line["entry"]["kind"] == "model"
    assert model_line["verdicts"]["commercial_training"]["verdict"] == "prohibited"
    assert "MiraData" in model_line["verdicts"]["commercial_training"]["route_note"] or model_line["verdicts"]["commercial_training"]["route_note"]


@pytest.mark.django_db
def test_check_models_over_the_api(client):
    body = client.post("/api/v1/check/", {"use": "commercial_use", "models": ["open-sora", "Wan 2.1"]},
                       content_type="application/json").json()
    assert [m["slug"] for m in body["models"]] == ["open-sora", "wan-2-1"]
    assert body["overall"] == "prohibited" and body["blocking"] == ["open-sora"]
    wrong_use = client.post("/api/v1/check/", {"use": "research", "models": ["open-sora"]}, content_type="application/json")
    assert wrong_use.status_code == 400


@pytest.mark.django_db
def test_the_admin_refuses_declared_data_without_a_source(client, django_user_model):
    curator = django_user_model.objects.create_superuser("modelcurator", "m@example.org", "a-long-test-password")
    client.force_login(curator)
    model = TrainedModel.objects.get(slug="wan-2-1")
    url = reverse("admin:licensedb_trainedmodel_change", args=[model.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Conflicts between" in page.content.decode()
    from .test_admin import add_inline_row, form_data, inline_prefix

    data = form_data(page)
    prefix = inline_prefix(data, "training_data")
    add_inline_row(data, prefix, {"dataset": str(Dataset.objects.get(slug="hoi4d").pk), "role": "pretraining"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Cite where the creators declare this dataset" in response.content.decode()
    assert not TrainingData.objects.filter(model=model, dataset__slug="hoi4d").exists()
