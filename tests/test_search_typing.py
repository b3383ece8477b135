"""Search as you type: every prefix of a dataset's name keeps that dataset in the results, on the
search page, in the API and in the suggestions the compare and check pickers ask the API for.
Runs on SQLite (FTS5) and PostgreSQL (tsvector) alike."""

import re
import urllib.parse

import pytest
from bs4 import BeautifulSoup

from search.query import parse

# names, and the prefixes reported to drop to zero results mid-word
NAMES = ["YouTube-8M", "Kinetics-400", "WebVid-10M", "HD-VILA-100M", "EPIC-KITCHENS-100", "HowTo100M"]
REPORTED = [("youtube-8", "YouTube-8M"), ("kinetics-4", "Kinetics-400"), ("webvid-1", "WebVid-10M"),
            ("hd-v", "HD-VILA-100M"), ("epic-k", "EPIC-KITCHENS-100")]


def api(client, **params):
    response = client.get("/api/v1/search/?" + urllib.parse.urlencode(params, doseq=True))
    assert response.status_code == 200, response.content[:300]
    return response.json()


def prefixes(name: str) -> list[str]:
    return [name[:n] for n in range(1, len(name) + 1)]


@pytest.mark.django_db
@pytest.mark.parametrize("q, name", REPORTED)
def test_the_reported_prefixes_keep_their_dataset_at_the_top(client, q, name):
    body = api(client, q=q)
    assert body["count"] > 0
    # the shortest names starting with what was typed come first (hd-v: HD-VG-130M, then HD-VILA-100M)
    assert name in [hit["name"] for hit in body["results"][:2]]


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_every_prefix_of_a_name_keeps_the_dataset_in_the_picker_suggestions(client, name):
    # the pickers ask for six suggestions from the second letter on. The shortest names or aliases that
    # start with what was typed come first, so a two-letter start shared by six shorter ones ("Ho": HO-3D,
    # How2, HOT3D, HOI4D, HOMAGE, How2Sign before HowTo100M) may show those instead, and only then
    from licensedb.models import Dataset
    from licensedb.text import name_key

    def keys(slug):
        entry = Dataset.objects.get(slug=slug)
        return [name_key(entry.name), *(name_key(a.name) for a in entry.aliases.all())]

    for q in prefixes(name)[1:]:
        shown = api(client, q=q, page_size=6)["results"]
        if name not in [h["name"] for h in shown]:
            assert len(shown) == 6 and all(
                any(k.startswith(name_key(q)) and len(k) <= len(name_key(name)) for k in keys(h["slug"])) for h in shown
            ), (q, [h["name"] for h in shown])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Kinetics-400", "HD-VILA-100M"])
def test_every_prefix_in_lower_case_and_with_spaces_keeps_the_dataset(client, name):
    for q in prefixes(name)[1:]:
        for typed in {q.lower(), q.replace("-", " ")}:
            hits = [h["name"] for h in api(client, q=typed, page_size=6)["results"]]
            assert name in hits, typed


@pytest.mark.django_db
def test_the_search_page_keeps_the_dataset_while_typing(client):
    for q in prefixes("Kinetics-400")[1:]:
        page = BeautifulSoup(client.get("/search/", {"q": q, "partial": "1"}).content, "html.parser")
        assert "Kinetics-400" in [a.text for a in page.select(".search-hit h3 a")], q
        assert not re.match(r"\s*0 results", page.select_one(".result-count").text), q


@pytest.mark.django_db
def test_a_name_prefix_that_is_a_common_word_still_finds_the_name(client):
    # "how" is question glue and dropped from queries; typed alone it is the start of How2 and HowTo100M
    hits = [h["name"] for h in api(client, q="how")["results"]]
    named = [name for name in hits if name.lower().startswith("how")]
    assert {"How2", "HowTo100M"} <= set(named)
    assert hits[: len(named)] == named  # every name that starts with the word comes before the rest


@pytest.mark.django_db
def test_a_finished_word_is_not_a_prefix_of_longer_names_in_the_text(client):
    # "kinetics-400 " (typed to the end, then a space) is the dataset itself, first
    assert api(client, q="kinetics-400 ")["results"][0]["name"] == "Kinetics-400"


def test_the_parser_treats_the_last_part_of_a_hyphenated_word_as_a_prefix():
    term = parse("kinetics-4").terms[0]
    assert term.parts == ("kinetics", "4") and term.prefix
    assert parse("hd-v").terms[0].prefix
    assert not parse("kinetics-4 ").terms[0].prefix  # a space ends the word
    assert not parse("k").terms[0].prefix  # one lone letter is not read as a prefix of every word
    assert parse("epic-k").typed_key == "epick"
