"""Exports parse as what they claim to be, hold the catalogue, and never leak drafts."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import bibtexparser
import pytest
from pyld import jsonld

from licensedb.models import Dataset, EffectiveVerdict
from licensedb.vocabulary import USE_KEYS


@pytest.fixture
def draft(make):
    return make.dataset(name="Unpublished Quokka Set", published=False)


@pytest.mark.django_db
def test_catalogue_csv_has_a_row_per_published_dataset_and_a_column_per_use(client, draft):
    response = client.get("/export/catalogue.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == Dataset.objects.published().count()
    assert set(USE_KEYS) <= set(rows[0])
    panda = next(r for r in rows if r["slug"] == "panda-70m")
    assert panda["commercial_training"] == EffectiveVerdict.objects.get(dataset__slug="panda-70m").commercial_training
    assert panda["derived_from"] == "hd-vila-100m"
    assert "Unpublished Quokka Set" not in response.content.decode()


@pytest.mark.django_db
def test_catalogue_json_matches_the_csv(client, draft):
    body = client.get("/export/catalogue.json").json()
    assert len(body["datasets"]) == Dataset.objects.published().count()
    record = next(r for r in body["datasets"] if r["slug"] == "webvid-10m")
    assert record["status"] == "taken_down" and record["status_date"] == "2024-02-23"
    assert set(record["verdicts"]) == set(USE_KEYS)
    assert all(r["slug"] != draft.slug for r in body["datasets"])


def parse_bibtex(text):
    parser = bibtexparser.bparser.BibTexParser(common_strings=True)
    return bibtexparser.loads(text, parser=parser).entries


@pytest.mark.django_db
def test_dataset_bibtex_parses(client):
    entries = parse_bibtex(client.get("/datasets/hd-vila-100m/cite.bib").content.decode())
    assert len(entries) == 1 and "High-Resolution" in entries[0]["title"]


@pytest.mark.django_db
def test_a_dataset_without_a_recorded_citation_gets_a_valid_misc_entry(client, make):
    dataset = make.dataset(name="Braces {and} 100% & More_Set", slug="braces-set", year=2024, homepage="https://example.org/x")
    entries = parse_bibtex(client.get(f"/datasets/{dataset.slug}/cite.bib").content.decode())
    assert entries[0]["ENTRYTYPE"] == "misc" and entries[0]["year"] == "2024"
    assert "Braces" in entries[0]["title"] and "More" in entries[0]["title"]


@pytest.mark.django_db
def test_selection_bibtex_has_the_entries_of_every_dataset(client, draft):
    entries = parse_bibtex(client.get("/export/cite.bib?datasets=hd-vila-100m,hoi4d,ego4d").content.decode())
    singles = sum(len(parse_bibtex(client.get(f"/datasets/{s}/cite.bib").content.decode())) for s in ("hd-vila-100m", "hoi4d", "ego4d"))
    assert len(entries) == singles >= 3
    assert client.get(f"/export/cite.bib?datasets=hoi4d,{draft.slug}").status_code == 400


@pytest.mark.django_db
def test_every_published_bibtex_parses(client):
    for slug in Dataset.objects.published().values_list("slug", flat=True):
        text = client.get(f"/datasets/{slug}/cite.bib").content.decode()
        entries = parse_bibtex(text)
        # every entry in the file parses (some datasets ask for two papers to be cited)
        assert entries and len(entries) == text.count("\n@") + text.startswith("@"), slug
        assert all(e.get("ID") and e.get("title") for e in entries), slug


@pytest.mark.django_db
def test_croissant_json_ld_expands_with_licence_usage_and_lineage(client):
    response = client.get("/datasets/panda-70m/croissant.json")
    assert response["Content-Type"].startswith("application/ld+json")
    document = json.loads(response.content)
    expanded = jsonld.expand(document)[0]
    assert "https://schema.org/Dataset" in expanded["@type"]
    licences = expanded["https://schema.org/license"]
    assert licences and all("@id" in lic for lic in licences)
    derived = expanded["http://www.w3.org/ns/prov#wasDerivedFrom"]
    assert any(d["@id"].endswith("/datasets/hd-vila-100m/") for d in derived)
    usage = expanded["https://schema.org/usageInfo"]
    assert len(usage) == len(USE_KEYS)
    assert expanded["http://purl.org/dc/terms/conformsTo"]


@pytest.mark.django_db
def test_croissant_uses_spdx_urls_when_there_is_an_spdx_id(client):
    document = json.loads(client.get("/datasets/hoi4d/croissant.json").content)
    assert any(lic["@id"] == "https://spdx.org/licenses/CC-BY-NC-4.0.html" for lic in document["license"])


@pytest.mark.django_db
def test_provenance_card_lists_datasets_and_blocked_uses(client):
    response = client.get("/export/provenance.md?datasets=panda-70m,hoi4d")
    assert response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    assert text.startswith("# Data provenance card")
    assert "| [Panda-70M](" in text and "| [HOI4D](" in text
    assert "**Commercial training** with **Panda-70M**: prohibited" in text
    assert "inherited from HD-VILA-100M" in text or "decided by dataset terms" in text


@pytest.mark.django_db
def test_exports_of_unknown_or_draft_entries_are_404_or_400(client, draft):
    assert client.get(f"/datasets/{draft.slug}/cite.bib").status_code == 404
    assert client.get(f"/datasets/{draft.slug}/croissant.json").status_code == 404
    assert client.get(f"/export/provenance.md?datasets={draft.slug}").status_code == 400
    assert client.get("/export/provenance.md").status_code == 400


# --- changes ---------------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.django_db
def test_a_licence_change_and_a_takedown_appear_in_changes_and_the_feed(client):
    dataset = Dataset.objects.get(slug="hoi4d")
    line = dataset.licence_lines.filter(layer="dataset_terms").first()
    line.scope = "videos and annotations (updated)"
    line.save()
    dataset.status, dataset.status_date, dataset.status_reason = "withdrawn", "2026-11-20", "Withdrawn for a test."
    dataset.save()
    page = client.get("/changes/").content.decode()
    assert "HOI4D" in page and "licence change" in page and "takedown" in page
    licence_only = client.get("/changes/?kind=licence").content.decode()
    assert "HOI4D" in licence_only
    feed = ET.fromstring(client.get("/changes/feed/").content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert any("[takedown]" in t and "[licence change]" in t and "HOI4D" in t for t in titles), titles[:5]
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}updated").text


@pytest.mark.django_db
def test_changes_never_show_drafts(client, draft):
    draft.summary = "Edited quokka."
    draft.save()
    assert "Quokka" not in client.get("/changes/").content.decode()
    assert "Quokka" not in client.get("/changes/feed/").content.decode()


@pytest.mark.django_db
def test_changes_bad_parameters(client):
    assert client.get("/changes/?kind=everything").status_code == 400
    assert client.get("/changes/?before=yesterday").status_code == 400


@pytest.mark.django_db
def test_dataset_history_shows_what_changed(client):
    dataset = Dataset.objects.get(slug="hoi4d")
    verdict = dataset.verdicts.get(use="research", layer="dataset_terms")
    old = verdict.get_value_display()
    verdict.value = "prohibited"
    verdict.save()
    page = client.get("/datasets/hoi4d/history/").content.decode()
    assert f"Research changed from {old.lower()} to prohibited" in page and old in page and "Prohibited" in page
