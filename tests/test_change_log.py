"""The change log reads as what happened to the catalogue: one event for loading it, sentences about
the dataset for each change, no licence change for an entry's first terms, no change for a save that
changed nothing."""

import datetime

import pytest
from bs4 import BeautifulSoup

from licensedb import history
from licensedb.models import Dataset, DatasetLicence, Licence


def lines(client, url="/changes/") -> list[str]:
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return [" ".join(li.get_text(" ").split()) for li in soup.select("ol.changes > li")]


@pytest.mark.django_db
def test_loading_the_catalogue_is_one_event_not_one_per_entry(client):
    shown = lines(client)
    loads = [line for line in shown if "Catalogue loaded, revision" in line]
    assert len(loads) == 1, shown[:5]
    assert f"({Dataset.objects.published().count()} datasets)" in loads[0]
    assert not any("entry added" in line for line in shown)  # none of the seeded entries, one by one
    home = [" ".join(li.get_text(" ").split()) for li in BeautifulSoup(client.get("/").content, "html.parser").select(".changes li")]
    assert home and "Catalogue loaded" in home[0] and len(home) == 1


@pytest.mark.django_db
def test_the_load_event_in_the_api_and_the_feed(client):
    body = client.get("/api/v1/changes/").json()
    load = body["results"][0]
    assert load["dataset"] is None and load["changes"][0]["kind"] == "loaded"
    assert load["summary"].startswith("Catalogue loaded, revision")
    feed = client.get("/changes/feed/").content.decode()
    assert "Catalogue loaded, revision" in feed


@pytest.mark.django_db
def test_a_changed_verdict_reads_as_a_sentence_about_the_dataset(client):
    dataset = Dataset.objects.get(slug="kinetics-400")
    verdict = dataset.verdicts.get(use="commercial_training", layer="dataset_terms")
    before = verdict.get_value_display().lower()
    verdict.value = "allowed" if verdict.value != "allowed" else "prohibited"
    verdict.save()
    after = verdict.get_value_display().lower()
    expected = f"Kinetics-400 : commercial training changed from {before} to {after}"
    assert any(line.startswith(f"{verdict.history.first().history_date:%-d %b %Y}") and expected in line
               for line in lines(client)), lines(client)[:3]
    assert f"Commercial training changed from {before} to {after}" in client.get("/datasets/kinetics-400/history/").content.decode()


@pytest.mark.django_db
def test_an_entrys_first_licence_is_not_a_licence_change_but_a_new_one_is(make):
    dataset = make.dataset(name="Licensed Later")
    first, second = Licence.objects.order_by("pk")[:2]
    old = DatasetLicence.objects.create(dataset=dataset, licence=first)
    change = history.changes(dataset=dataset)[0]
    assert change.summary == f"licence set to {first.name}" and change.event == ""
    old.valid_until = datetime.date(2026, 11, 30)
    old.save()
    DatasetLicence.objects.create(dataset=dataset, licence=second, valid_from=datetime.date(2026, 12, 1))
    newest = history.changes(dataset=dataset)
    assert newest[0].summary == f"licence set to {second.name}" and newest[0].event == "licence"
    assert newest[1].summary == f"licence {first.name} replaced on 2026-11-30" and newest[1].event == "licence"
    group = history.grouped(newest)[0]
    assert group.events == ["licence"]


@pytest.mark.django_db
def test_a_new_entry_is_one_line_naming_what_it_holds(client, make):
    dataset = make.dataset(name="Brand New Set")
    make.verdict(dataset, "research", "allowed")
    make.verdict(dataset, "benchmark", "allowed")
    summary = history.grouped(history.changes(dataset=dataset))[0].summary
    assert summary == "entry added with 2 sources and 2 verdicts" or summary == "entry added with 2 verdicts and 2 sources"
    assert any(line.startswith(f"{datetime.date.today():%-d %b %Y}") and "Brand New Set : entry added with" in line
               for line in lines(client))
