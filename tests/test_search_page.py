"""The search page: one message for a corrected typo, a skip link past the facets, the
commercial-training facet first. Runs on SQLite and PostgreSQL."""

import pytest
from bs4 import BeautifulSoup


def page(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.django_db
def test_a_corrected_typo_gets_one_clear_message(client):
    html = page(client, q="kinetcs")
    text = " ".join(html.select_one("#search-answers").get_text(" ").split())
    assert "Showing" in text and "results for kinetics" in text and "search instead for kinetcs" in text
    assert "Nothing matched" not in text and "No dataset matches" not in text
    assert len(html.select(".result-count")) == 1
    instead = html.select_one(".result-count a")
    assert "correct=0" in instead["href"] and "q=kinetcs" in instead["href"]


@pytest.mark.django_db
def test_search_instead_searches_exactly_what_was_typed(client):
    html = page(client, q="kinetcs", correct="0")
    assert "0 results for kinetcs" in " ".join(html.select_one(".result-count").get_text(" ").split())
    assert html.select(".search-hit") == []
    assert client.get("/api/v1/search/?q=kinetcs&correct=0").json()["corrected"] is False
    assert client.get("/api/v1/search/?q=kinetcs&correct=maybe").status_code == 400


@pytest.mark.django_db
def test_a_skip_link_leads_past_the_facets_to_the_results(client):
    html = page(client, q="youtube")
    links = html.select("a.skip-facets")
    assert len(links) == 1
    target = html.select_one(links[0]["href"])
    assert target is not None and target.get("tabindex") == "-1"
    # the link comes before every facet link, and the first result is inside its target
    everything = html.find_all("a")
    assert everything.index(links[0]) < everything.index(html.select_one(".facet a"))
    assert target.select_one(".search-hit h3 a") is not None
    assert page(client, q="youtube", partial="1").select_one("a.skip-facets") is not None  # live results too


@pytest.mark.django_db
def test_the_commercial_training_facet_comes_first(client):
    html = page(client, q="youtube")
    first = html.select_one(".facet summary").text
    assert "commercial training" in first.lower()
    body = client.get("/api/v1/search/?q=youtube").json()
    assert list(body["facets"])[0] == "commercial_training"


@pytest.mark.django_db
def test_statuses_read_as_words(client):
    html = page(client, q="", status="taken_down")
    shown = [s.text for s in html.select(".search-hit .status")]
    assert shown and all("_" not in s for s in shown)
