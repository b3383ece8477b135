"""Public pages: what a visitor sees, what they cannot see, and what bad input gets."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from licensedb.models import Dataset, EffectiveVerdict
from licensedb.vocabulary import USES


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text(response) -> str:
    return " ".join(soup(response).get_text(" ").split())


@pytest.mark.django_db
def test_home_says_what_the_site_is_and_counts_the_catalogue(client):
    response = client.get("/")
    assert response.status_code == 200
    page = soup(response)
    assert page.find("form", attrs={"role": "search"})
    published = Dataset.objects.published().count()
    assert f"{published} published datasets" in text(response)
    assert page.select(".changes li"), "newest changes are listed"


@pytest.mark.django_db
def test_home_reads_the_history_once_per_catalogue_revision(client, settings, make):
    settings.LICENSEDB_PAGE_CACHE_SECONDS = 0  # measure the view, not the page cache
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        again = client.get("/")
    assert again.status_code == 200
    assert not [q for q in ctx.captured_queries if "historical" in q["sql"]]  # nothing changed: no history read
    make.dataset(name="Freshly Added Corpus", year=2099)
    page = text(client.get("/"))
    assert "Freshly Added Corpus" in page  # an edit is a new revision: its change and the newest example show


@pytest.mark.django_db
def test_home_commercial_training_counts_add_up_and_link_to_the_filtered_list(client):
    page = soup(client.get("/"))
    links = page.select(".verdict-counts a")
    assert sum(int(a.select_one(".count").text) for a in links) == Dataset.objects.published().count()
    assert "commercial_training=allowed" in links[0]["href"]


@pytest.mark.django_db
def test_dataset_list_filters_by_effective_verdict(client):
    prohibited = set(
        EffectiveVerdict.objects.filter(commercial_training="prohibited", dataset__publication="published")
        .values_list("dataset__name", flat=True)
    )
    response = client.get("/datasets/?commercial_training=prohibited&page_size=100")
    names = {a.text for a in soup(response).select(".dataset-row h3 a")}
    assert names and names <= prohibited
    assert f"{len(prohibited)} datasets" in text(response)


@pytest.mark.django_db
def test_dataset_list_filters_by_licence_platform_status_and_access(client):
    page = text(client.get("/datasets/?status=taken_down"))
    assert "WebVid-10M" in page and "Kinetics-400" not in page
    page = text(client.get("/datasets/?platform=own-recordings"))
    assert "Ego4D" in page and "WebVid-10M" not in page
    page = text(client.get("/datasets/?licence=cc-by-nc-4.0"))
    assert "EPIC-KITCHENS-100" in page and "YouTube-8M" not in page
    assert client.get("/datasets/?access=gated").status_code == 200


@pytest.mark.django_db
def test_dataset_list_sorts(client):
    names = [a.text for a in soup(client.get("/datasets/?sort=-name")).select(".dataset-row h3 a")]
    assert names == sorted(names, key=str.lower, reverse=True) or names == sorted(names, reverse=True)
    years = client.get("/datasets/?sort=-year")
    assert years.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, parameter",
    [
        ("commercial_training=maybe", "commercial_training"),
        ("licence=not-a-licence", "licence"),
        ("platform=myspace", "platform"),
        ("status=lost", "status"),
        ("sort=price", "sort"),
        ("page=abc", "page"),
        ("page=999", "page"),
        ("year=soon", "year"),
    ],
)
def test_bad_filter_values_get_a_400_page_naming_the_parameter(client, query, parameter):
    response = client.get(f"/datasets/?{query}")
    assert response.status_code == 400
    assert parameter in [code.text for code in soup(response).select(".errors code")]
    assert soup(response).select_one(".site-header"), "the error page looks like the site"


@pytest.mark.django_db
def test_unknown_dataset_gets_the_sites_404_page(client):
    response = client.get("/datasets/no-such-dataset/")
    assert response.status_code == 404
    assert soup(response).select_one(".site-header")
    assert "Nothing here" in text(response)


def test_500_page_stands_alone_and_looks_like_the_site():
    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "site.css" in html


@pytest.mark.django_db
def test_drafts_are_not_public_anywhere(client, make):
    draft = make.dataset(name="Secret Draft Set", published=False)
    assert client.get(f"/datasets/{draft.slug}/").status_code == 404
    assert client.get(f"/datasets/{draft.slug}/history/").status_code == 404
    assert "Secret Draft Set" not in text(client.get("/datasets/?sort=-updated"))
    assert client.get(f"/api/v1/datasets/{draft.slug}/").status_code == 404
    assert "Secret Draft Set" not in client.get("/api/v1/datasets/?page_size=100").content.decode()
    assert "Secret Draft Set" not in text(client.get("/"))


@pytest.mark.django_db
def test_dataset_page_shows_every_use_in_words_not_colour_alone(client):
    page = soup(client.get("/datasets/hd-vila-100m/"))
    rows = page.select(".verdict-grid details.verdict-row")
    assert [row["id"] for row in rows] == [f"use-{use.key}" for use in USES]
    for row in rows:
        badge = row.select_one("summary .verdict")
        label = badge.select_one(".verdict-label").text
        assert label in {"Allowed", "Conditional", "Unclear", "Prohibited"}
        assert badge.select_one(".verdict-icon").text.strip()


@pytest.mark.django_db
def test_dataset_page_explains_an_inherited_verdict_with_its_evidence(client):
    page = soup(client.get("/datasets/panda-70m/"))
    row = page.select_one("#use-commercial_training")
    assert "Prohibited" in row.select_one("summary").text
    layers = [" ".join(th.get_text(" ").split()) for th in row.select("table.layers tbody th")]
    assert any(layer.startswith("Inherited from HD-VILA-100M") for layer in layers)
    assert row.select("table.layers a[href='/datasets/hd-vila-100m/']")
    assert row.select(".evidence a[href^='https://']")


@pytest.mark.django_db
def test_dataset_page_shows_facts_licences_lineage_claims_and_citation(client):
    response = client.get("/datasets/hd-vila-100m/")
    page = soup(response)
    words = text(response)
    assert "Research Use of Data Agreement" in words
    assert "Earlier terms" in words  # the licence changed: the old terms stay visible with dates
    assert page.select_one("a[href='/datasets/panda-70m/']"), "children are linked"
    assert page.select_one("pre.bibtex").text.strip().startswith("@")
    assert page.select_one("a[href='/datasets/hd-vila-100m/history/']")
    assert "Videos come from" in words and "YouTube" in words


@pytest.mark.django_db
def test_conflicting_claims_elsewhere_are_flagged(client):
    dataset = Dataset.objects.filter(claims__isnull=False, publication="published").distinct()
    flagged = 0
    for d in dataset:
        flagged += len(soup(client.get(d.get_absolute_url())).select(".claims li.conflict .tag-alert"))
    assert flagged > 0


@pytest.mark.django_db
def test_a_takedown_is_announced_on_the_dataset_page(client):
    response = client.get("/datasets/webvid-10m/")
    notice = soup(response).select_one(".notice-alert")
    assert notice and "Taken down" in notice.text and "2024" in notice.text


@pytest.mark.django_db
def test_licence_page_lists_what_it_allows_and_who_uses_it(client):
    response = client.get("/licences/cc-by-nc-4.0/")
    assert response.status_code == 200
    words = text(response)
    assert "Forbids" in words and "Commercial use" in words
    assert "EPIC-KITCHENS-100" in words
    assert client.get("/licences/").status_code == 200
    assert client.get("/licences/no-such-licence/").status_code == 404


@pytest.mark.django_db
def test_platform_page_shows_its_terms_and_datasets(client):
    response = client.get("/platforms/youtube/")
    assert response.status_code == 200
    page = soup(response)
    # its contract, per use, and the default rights in its videos, for the uses of the videos themselves
    assert len(page.select("#platform_terms-h ~ .verdict-grid details[id^=platform_terms]")) == len(USES)
    assert len(page.select("details[id^=rights_in_works]")) == 6
    assert page.select_one("#rights_in_works-redistribute_media .verdict-prohibited")
    assert page.select_one("a[href='/datasets/kinetics-400/']")
    own = text(client.get("/platforms/own-recordings/"))
    assert "bind nobody" in own and "the creators' own" in own
    assert client.get("/platforms/").status_code == 200


@pytest.mark.django_db
def test_history_page_lists_changes_of_the_entry(client):
    response = client.get("/datasets/hd-vila-100m/history/")
    assert response.status_code == 200
    assert soup(response).select(".history li")


@pytest.mark.django_db
def test_list_page_query_count_does_not_grow_with_the_catalogue(client, make):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/datasets/").status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for _ in range(20):
        make.dataset()
    assert queries() == before


@pytest.mark.django_db
def test_the_list_counts_its_filter_once_per_catalogue_revision(client, settings, make):
    settings.LICENSEDB_PAGE_CACHE_SECONDS = 0  # measure the view, not the page cache

    def shown(url):
        with CaptureQueriesContext(connection) as ctx:
            page = soup(client.get(url))
        counted = [q for q in ctx.captured_queries if "COUNT(" in q["sql"]]
        return page.select_one(".result-count").get_text(" ", strip=True), counted, page

    first, counted, _ = shown("/datasets/?status=available")
    assert counted  # the first view counts
    again, counted, _ = shown("/datasets/?status=available&page=2")
    assert again == first and not counted  # page 2 of the same filter, same revision: no count
    make.dataset(name="Aardvark Counted Anew")
    after, counted, _ = shown("/datasets/?status=available")
    assert counted and int(after.split()[0]) == int(first.split()[0]) + 1  # an edit is a new revision


@pytest.mark.django_db
def test_dataset_page_query_count_is_bounded(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(32):
        client.get("/datasets/panda-70m/")


@pytest.mark.django_db
def test_pages_are_readable_on_a_phone(client):
    page = soup(client.get("/datasets/hd-vila-100m/"))
    assert page.find("meta", attrs={"name": "viewport"})


@pytest.mark.django_db
def test_browsers_asking_for_favicon_ico_get_the_site_icon(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content) if response.streaming else b"<svg" in response.content
