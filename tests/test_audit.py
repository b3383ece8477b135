"""Auditing a training set: input in every form people have, the answer's rules, exports, bad input."""

import csv
import io
import json

import pytest

from licensedb import verdict_store
from licensedb.audit import AuditInputError, read_references, read_uses
from licensedb.models import Dataset

from .test_resolver import REPORTED


def post(client, **payload):
    return client.post("/api/v1/audit/", payload, content_type="application/json")


# --- reading what people paste or upload ----------------------------------------------------------------


def test_plain_text_lines_with_comments_and_repeats():
    assert read_references("# our set\nOpenGVLab/InternVid\n\n  kinetics-400 \nOpenGVLab/InternVid\n") == [
        "OpenGVLab/InternVid", "kinetics-400"]


def test_a_csv_column_of_references():
    text = "name,notes\nHD-VILA-100M,pretraining\nKinetics-400,eval\n"
    assert read_references(text, "sets.csv") == ["HD-VILA-100M", "Kinetics-400"]
    assert read_references("OpenGVLab/InternVid,x\nhoi4d,y\n", "sets.csv") == ["OpenGVLab/InternVid", "hoi4d"]


def test_json_lists_and_objects():
    assert read_references('["hoi4d", {"reference": "ego4d"}]') == ["hoi4d", "ego4d"]
    assert read_references('{"datasets": ["hoi4d"]}') == ["hoi4d"]


def test_a_model_card_front_matter():
    card = "---\nlicense: apache-2.0\ndatasets:\n- OpenGVLab/InternVid\n- HuggingFaceFV/finevideo\n---\n# My model\n"
    assert read_references(card, "README.md") == ["OpenGVLab/InternVid", "HuggingFaceFV/finevideo"]


@pytest.mark.parametrize("data, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"),
    (b"\xff\xfe\xfa bad", "not UTF-8"),
    ("", "No references"),
    ("   \n# only a comment\n", "No references"),
    ("x" * 100_000, "at most 2000"),
    ("\n".join(f"dataset-{i}" for i in range(10_000)), "at most 1,000"),
    ("---\ndatasets: [a\n", "front matter"),
    ("[1, 2", "does not parse"),
])
def test_bad_input_is_refused_with_a_message(data, message):
    with pytest.raises(AuditInputError) as error:
        read_references(data)
    assert message in str(error.value)


def test_uses_default_and_unknown_ones_are_named():
    assert read_uses(None) == ("commercial_training", "model_release")
    with pytest.raises(AuditInputError, match="flying"):
        read_uses(["flying"])


# --- the API ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_reported_datasets_audit_to_the_same_verdicts_as_their_pages(client):
    references = [reference for reference, _ in REPORTED]
    body = post(client, references=references, uses=["commercial_training", "research"]).json()
    assert body["unresolved"] == []
    for line, (_, slug) in zip(body["lines"], REPORTED):
        assert line["entry"]["slug"] == slug
        page = verdict_store.explain(Dataset.objects.get(slug=slug))
        for use in ("commercial_training", "research"):
            assert line["verdicts"][use]["verdict"] == page[use].value, (slug, use)
    assert body["overall"]["commercial_training"]["verdict"] == "prohibited"
    assert body["exit_status"] == 1
    assert client.get(body["url"].replace("http://testserver", "")).status_code == 200


@pytest.mark.django_db
def test_an_unknown_reference_never_passes_silently(client):
    body = post(client, references=["ego4d", "a dataset we made up"], uses=["research"]).json()
    assert body["unresolved"] == ["a dataset we made up"]
    assert body["overall"]["research"]["verdict"] in ("unclear", "prohibited")
    assert "a dataset we made up" in body["overall"]["research"]["blocking"] or body["overall"]["research"]["verdict"] == "prohibited"
    assert body["exit_status"] == 2
    only_known = post(client, references=["ego4d"], uses=["research"]).json()
    assert only_known["overall"]["research"]["verdict"] == "conditional"
    assert only_known["overall"]["research"]["conditions"]


@pytest.mark.django_db
def test_ancestors_pulled_in_through_lineage_are_named(client):
    body = post(client, references=["panda-70m"], uses=["commercial_training"]).json()
    ancestors = {line["entry"]["slug"]: line for line in body["ancestors"]}
    assert "hd-vila-100m" in ancestors
    assert ancestors["hd-vila-100m"]["pulled_in_by"] == ["panda-70m"]


@pytest.mark.django_db
@pytest.mark.parametrize("payload, status, text", [
    ({"references": []}, 400, "No references"),
    ({"references": ["kinetics"]}, 400, "could mean several"),
    ({"references": ["x" * 100_000]}, 400, "at most 2000"),
    ({"references": [f"d-{i}" for i in range(10_000)]}, 400, "at most 1,000"),
    ({"references": ["hoi4d"], "uses": ["flying"]}, 400, "Unknown use"),
    ({}, 400, "Give the references"),
])
def test_bad_audit_requests_are_400s(client, payload, status, text):
    response = post(client, **payload)
    assert response.status_code == status
    assert text in json.dumps(response.json())


@pytest.mark.django_db
def test_a_file_upload_that_is_not_text_is_a_400(client):
    upload = io.BytesIO(b"\x00\x01\x02binary")
    upload.name = "weights.bin"
    response = client.post("/api/v1/audit/", {"file": upload})
    assert response.status_code == 400 and "not a text file" in response.json()["errors"]["references"][0]


@pytest.mark.django_db
def test_exports_markdown_csv_json_and_the_eu_draft(client):
    body = post(client, references=["OpenGVLab/InternVid", "hoi4d", "nothing-like-it"], uses=["commercial_training"]).json()
    markdown = client.get(body["exports"]["md"].replace("http://testserver", "")).content.decode()
    assert "catalogue revision" in markdown and "InternVid-10M" in markdown
    assert "## Not in the catalogue" in markdown and "nothing-like-it" in markdown
    assert "https://" in markdown.split("## Why, and the sources")[1]  # every source is listed
    rows = list(csv.DictReader(io.StringIO(client.get(body["exports"]["csv"].replace("http://testserver", "")).content.decode())))
    assert {r["slug"] for r in rows} >= {"internvid-10m", "hoi4d"}
    assert all(r["use"] == "commercial_training" for r in rows)
    as_json = client.get(body["exports"]["json"].replace("http://testserver", "")).json()
    assert as_json["overall"] == body["overall"]
    eu = client.get(body["exports"]["eu"].replace("http://testserver", "")).content.decode()
    assert eu.startswith("# DRAFT") and "2.1. Publicly available datasets" in eu
    assert "Have you used publicly available datasets to train the model?** Yes" in eu
    assert "InternVid-10M" in eu and "nothing-like-it" in eu  # unidentified references are named, not dropped


@pytest.mark.django_db
def test_the_audit_page_flow(client):
    form = client.get("/audit/")
    assert form.status_code == 200
    response = client.post("/audit/", {"references": "OpenGVLab/InternVid\nhoi4d", "use": ["commercial_training"]})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "InternVid-10M" in page.content.decode()
    refused = client.post("/audit/", {"references": "kinetics", "use": ["research"]})
    assert refused.status_code == 400 and "Kinetics-400" in refused.content.decode()
    assert "kinetics" in refused.content.decode()  # what was typed is kept
