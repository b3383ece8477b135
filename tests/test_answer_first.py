"""Answer first (issue 13): the title block of a dataset page, conditions on every page, compare and
check that do not contradict themselves, the catalogue as a table, and the home page's questions."""

import csv
import io
import re

import pytest
from bs4 import BeautifulSoup

from licensedb.models import Dataset, EffectiveVerdict, Licence, SourcePlatform
from licensedb.presentation import display_date, source_name, summary_count

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


# --- the dataset page -----------------------------------------------------------------------------


def test_the_title_block_answers_the_two_questions_in_words(client):
    page = soup(client.get("/datasets/ego4d/"))
    header = page.select_one(".entry-header")
    assert "Data licence: Ego4D License Agreement" in text(header.select_one(".data-licence"))
    commercial = text(header.select_one("#answer-commercial_training"))
    assert commercial.startswith("Can a company train a commercial model on it?")
    assert "Yes, on conditions" in commercial
    assert "only for the listed purposes" in commercial and "confirm the signed terms" in commercial
    assert "No" in text(header.select_one("#answer-redistribute_media"))
    strip = header.select(".answer-strip li")
    assert len(strip) == 8
    # every colour has its word
    assert all(li.select_one(".verdict-label").text in ("Allowed", "Conditional", "Unclear", "Prohibited") for li in strip)


def test_conditions_that_lived_in_a_note_reach_the_api_check_and_compare(client):
    detail = client.get("/api/v1/datasets/ego4d/").json()
    conditions = detail["verdicts"]["commercial_training"]["conditions"]
    assert {"purpose_limited", "draft_terms"} <= set(conditions)
    check = client.post("/api/v1/check/", {"use": "commercial_training", "datasets": ["ego4d"]},
                        content_type="application/json").json()
    assert {"purpose_limited", "draft_terms"} <= set(check["datasets"][0]["conditions"])
    page = soup(client.get("/check/?use=commercial_training&datasets=ego4d"))
    assert "only for the listed purposes" in text(page.select_one(".check-result tbody"))
    compare = client.get("/compare/?datasets=ego4d,hoi4d&format=json").json()
    row = next(r for r in compare["rows"] if r["key"] == "commercial_training")
    assert {"purpose_limited", "draft_terms"} <= set(row["values"][0]["conditions"])


def test_conditional_rows_show_their_conditions_without_opening(client):
    page = soup(client.get("/datasets/ego4d/"))
    summary = page.select_one("#use-commercial_training summary")
    assert "Conditions:" in text(summary) and "keep it to yourself" in text(summary)


def test_a_platforms_terms_paragraph_appears_once_and_sources_read_as_titles(client):
    html = client.get("/datasets/panda-70m/").content.decode()
    page = BeautifulSoup(html, "html.parser")
    paragraphs = [text(p) for p in page.select(".verdict-grid p") if "explained under" not in text(p)]
    long = [p for p in paragraphs if len(p) > 200]
    assert long and len(long) == len(set(long)), "a long paragraph is repeated"
    links = page.select(".evidence > a")
    assert links and not any(a.text.startswith("http") for a in links)
    # YouTube's terms are read in Open Terms Archive's dated copy: the link names the document, not the repository
    assert any(a.text == "Terms page, Open Terms Archive copy of YouTube Terms of Service" for a in links)


def test_dates_have_one_format(client):
    dataset = Dataset.objects.get(slug="ego4d")
    page = soup(client.get("/datasets/ego4d/"))
    assert f"Last reviewed {display_date(dataset.last_reviewed)}" in text(page)
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", display_date(dataset.last_reviewed))
    compare = soup(client.get("/compare/?datasets=ego4d,hoi4d"))
    reviewed = next(th.parent for th in compare.select("tbody th") if "Last reviewed" in th.text)
    assert text(reviewed.select("td")[0]) == display_date(dataset.last_reviewed)


def test_search_results_show_status_labels_not_raw_values(client):
    html = client.get("/search/?q=webvid").content.decode()
    assert "Taken down" in html and "Taken_down" not in html


# --- compare and check ----------------------------------------------------------------------------


def test_compare_does_not_say_attribution_is_not_required_beside_cite_the_paper(client):
    page = soup(client.get("/compare/?datasets=ego4d,hoi4d"))
    attribution = next(th.parent for th in page.select("tbody th[scope=row]") if th.text.startswith("Attribution"))
    ego4d = text(attribution.select("td")[0])
    assert "not required" not in ego4d and "cite the paper" in ego4d


def test_compare_marks_only_the_differences_that_matter_and_sums_up(client):
    page = soup(client.get("/compare/?datasets=ego4d,panda-70m,hoi4d"))
    marked = {th.text.split()[0] for th in page.select("tr.differs th[scope=row]")}
    # restatements of another row and bookkeeping differ here, but change nothing one may do
    assert not marked & {"SPDX", "Licence category", "Code", "Videos", "Claims", "Last", "Built"}
    assert {"Commercial", "Licence", "Access"} <= marked
    pair = soup(client.get("/compare/?datasets=panda-70m,hoi4d"))
    rows = pair.select(".compare-table tbody tr:not(.group-row)")
    assert len(pair.select(".compare-table tbody tr.differs")) <= len(rows) // 2
    usable = EffectiveVerdict.objects.filter(dataset__slug__in=["ego4d", "panda-70m", "hoi4d"],
                                             commercial_training__in=("allowed", "conditional")).count()
    assert f"{usable} of 3 allow commercial training" in text(page.select_one(".compare-summary"))


def test_compare_with_one_dataset_opens_the_picker_with_it_chosen(client):
    response = client.get("/compare/?datasets=ego4d")
    assert response.status_code == 200
    page = soup(response)
    assert "Ego4D" in text(page.select_one(".picked"))
    assert page.select_one(".compare-picker input[name=datasets]")["value"] == "ego4d"
    assert not page.select(".notice-alert")
    added = client.get("/compare/?datasets=ego4d&add=hoi4d")
    assert added.status_code == 302 and "ego4d%2Choi4d" in added["Location"]
    assert client.get("/compare/?datasets=no-such-set").status_code == 400


def test_check_names_datasets_and_offers_did_you_mean(client):
    page = soup(client.get("/check/?use=commercial_training&datasets=ego4d,panda-70m"))
    summary = text(page.select_one(".check-result"))
    assert "set by" in summary and "Panda-70M" in summary and "panda-70m," not in summary
    response = client.get("/check/?use=commercial_training&datasets=ego4d,kinetcs-400")
    assert response.status_code == 400
    suggestion = soup(response).select_one(".did-you-mean a")
    assert suggestion.text == "Kinetics-400"
    fixed = client.get(suggestion["href"])
    assert fixed.status_code == 200 and len(soup(fixed).select(".check-result tbody tr")) == 2


# --- the catalogue as a table ---------------------------------------------------------------------


def test_the_table_view_has_a_column_per_use_and_the_lists_facets(client):
    page = soup(client.get("/datasets/?view=table&commercial_training=prohibited"))
    headers = [text(th) for th in page.select("table.matrix thead th")]
    assert headers[0].startswith("Dataset") and headers[4].startswith("Commercial training")
    assert headers[-3:] == ["Licence (data)", "Videos come from", "Distributed as"]
    rows = page.select("table.matrix tbody tr")
    while page.select_one('a[rel="next"]'):  # the table is paged like the list: follow it to the end
        page = soup(client.get("/datasets/" + page.select_one('a[rel="next"]')["href"]))  # "?...&page=N"
        rows += page.select("table.matrix tbody tr")
    expected = EffectiveVerdict.objects.filter(dataset__publication="published", commercial_training="prohibited").count()
    assert len(rows) == expected
    assert all(row.select("td")[3].select_one(".verdict-prohibited") for row in rows)


def test_the_table_sorts_by_a_uses_verdict(client):
    page = soup(client.get("/datasets/?view=table&sort=commercial_training"))
    values = [td.select_one(".verdict")["class"][1] for td in page.select("table.matrix tbody tr td:nth-of-type(4)")]
    order = ["verdict-allowed", "verdict-conditional", "verdict-unclear", "verdict-prohibited"]
    assert values == sorted(values, key=order.index)
    assert page.select("table.matrix thead th")[4]["aria-sort"] == "ascending"
    assert client.get("/datasets/?view=matrix").status_code == 400
    assert client.get("/datasets/?sort=commercial_training").status_code == 400  # only the table sorts by a use


def test_usable_for_and_its_export_agree(client):
    page = soup(client.get("/datasets/?view=table&usable_for=commercial_training"))
    names = [a.text for a in page.select("table.matrix tbody th a")]
    following = page.select_one("a[rel=next]")
    while following is not None:  # the table shows 100 rows a page
        later = soup(client.get("/datasets/" + following["href"]))  # "?...&page=N"
        names += [a.text for a in later.select("table.matrix tbody th a")]
        following = later.select_one("a[rel=next]")
    expected = EffectiveVerdict.objects.filter(dataset__publication="published",
                                               commercial_training__in=("allowed", "conditional")).count()
    assert len(names) == len(set(names)) == expected > 0
    export = page.select_one(".export-link")["href"]
    assert export == "/export/catalogue.csv?usable_for=commercial_training"
    rows = list(csv.DictReader(io.StringIO(client.get(export).content.decode())))
    assert sorted(r["name"] for r in rows) == sorted(names)
    assert client.get("/export/catalogue.csv?usable_for=flying").status_code == 400
    # the filter form sends every facet, "any" as an empty value
    form = client.get("/datasets/?view=table&usable_for=commercial_training&research=&licence=&status=&sort=name")
    assert form.status_code == 200 and len(soup(form).select("table.matrix tbody tr")) == min(expected, 100)


def test_an_empty_usable_view_explains_itself(client):
    EffectiveVerdict.objects.update(commercial_training="prohibited")
    page = soup(client.get("/datasets/?view=table&usable_for=commercial_training"))
    empty = text(page.select_one(".empty-state"))
    assert "No published dataset allows commercial training" in empty and "see them" in empty
    home = soup(client.get("/"))
    assert "None yet" in text(home.select_one(".question-lead"))


# --- home and every page --------------------------------------------------------------------------


def test_home_leads_with_the_commercial_question_and_counts_what_it_links_to(client):
    page = soup(client.get("/"))
    lead = page.select_one(".questions .question-lead a")
    assert text(lead) == "Which datasets may I use for commercial training?"
    assert lead["href"] == "/datasets/?view=table&usable_for=commercial_training"
    stats = {a["href"]: int(a.strong.text) for a in page.select(".stats a")}
    licences = soup(client.get("/licences/")).select(".data-table tbody tr")
    assert stats["/licences/"] == len(licences) == Licence.objects.exclude(slug="unknown").count()
    assert stats["/platforms/"] == SourcePlatform.objects.count()
    listed = soup(client.get("/datasets/")).select_one(".result-count").text
    assert listed.startswith(f"{stats['/datasets/']} datasets")


@pytest.mark.parametrize("path", ["/", "/search/?q=kinetics", "/datasets/", "/datasets/ego4d/"])
def test_one_search_box_per_page(client, path):
    page = soup(client.get(path))
    assert len(page.select("[role=search]")) == 1


def test_presentation_helpers():
    assert summary_count(["allowed", "conditional", "prohibited"], "Commercial training") == (
        "2 of 3 allow commercial training (1 only on conditions)")
    assert summary_count(["prohibited"] * 3, "Commercial training") == "0 of 3 allow commercial training"
    assert source_name("https://github.com/EGO4D/docs/blob/x/start-here.md") == "GitHub EGO4D/docs"
    assert source_name("https://arxiv.org/abs/2110.07058") == "arXiv 2110.07058"
    assert source_name("https://www.youtube.com/t/terms") == "youtube.com"
    assert source_name(
        "https://github.com/OpenTermsArchive/vlopses-us-versions/blob/cca590e/YouTube/Terms%20of%20Service.md"
    ) == "Open Terms Archive copy of YouTube Terms of Service"
