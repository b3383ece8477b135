"""The journeys people take, in a real headless Chromium."""

import csv
import io

import pytest
from playwright.sync_api import expect

from licensedb.models import Dataset, DatasetVerdict

pytestmark = pytest.mark.browser


def test_search_as_you_type_open_a_dataset_compare_and_export_csv(page, site, shot):
    page.goto(f"{site}/search/")
    page.locator("#search-q").press_sequentially("panda-70m", delay=60)
    expect(page.locator(".search-hit h3 a").first).to_have_text("Panda-70M")
    expect(page).to_have_url(f"{site}/search/?q=panda-70m")  # the live results keep the address shareable
    shot(page, "01-search-as-you-type")

    page.locator(".search-hit h3 a", has_text="Panda-70M").click()
    expect(page.locator("h1")).to_have_text("Panda-70M")
    page.locator("#use-commercial_training summary").click()
    expect(page.locator("#use-commercial_training table.layers")).to_be_visible()
    shot(page, "02-dataset-page")

    page.locator("button.compare-add").click()
    expect(page.locator("#compare-tray")).to_be_visible()
    page.goto(f"{site}/datasets/hoi4d/")
    page.locator("button.compare-add").click()
    expect(page.locator("#compare-tray .tray-items li")).to_have_count(2)
    shot(page, "03-compare-tray", full_page=False)

    page.locator("#compare-tray .tray-go").click()
    expect(page.locator(".compare-table thead th")).to_have_count(3)
    expect(page.locator(".compare-table tbody tr.differs").first).to_be_visible()
    shot(page, "04-compare")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    rows = list(csv.reader(io.StringIO(open(download_info.value.path(), encoding="utf-8").read())))
    assert rows[0] == ["row", "label", "differs", "Panda-70M", "HOI4D"]
    assert any(row[:2] == ["commercial_training", "Commercial training"] and row[3] == "prohibited" for row in rows)


def test_check_a_use_for_three_datasets(page, site, shot):
    page.goto(f"{site}/check/")
    page.select_option("#check-use", "commercial_training")
    field = page.locator("#check-datasets")
    for text, slug in (("panda", "panda-70m"), ("ego-exo", "ego-exo4d"), ("hoi4", "hoi4d")):
        field.press_sequentially(text, delay=60)
        option = page.locator(f"#check-datasets-suggestions li[data-slug='{slug}']")
        expect(option).to_be_visible()
        field.press("ArrowDown")
        while page.locator("#check-datasets-suggestions li[aria-selected='true']").get_attribute("data-slug") != slug:
            field.press("ArrowDown")
        field.press("Enter")
    expect(field).to_have_value("panda-70m, ego-exo4d, hoi4d, ")
    shot(page, "05-check-picker", full_page=False)
    page.get_by_role("button", name="Check").click()
    expect(page.locator(".check-result tbody tr")).to_have_count(3)
    expect(page.locator("#answer-h .verdict-label")).to_have_text("Prohibited")
    shot(page, "06-check-result")


# The curator's journey (edit a verdict, see it on the public page and in search) is in test_admin_grid.py.


def test_pages_work_on_a_phone_and_by_keyboard(page, site, shot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}/datasets/hd-vila-100m/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    summary = page.locator("#use-commercial_training summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#use-commercial_training table.layers")).to_be_visible()
    shot(page, "10-phone-dataset")
    for path in ["/datasets/hd-vila-100m/", "/", "/datasets/", "/search/?q=kinetics", "/licences/", "/licences/cc-by-nc-4.0/",
                 "/platforms/", "/platforms/youtube/", "/compare/?datasets=panda-70m,hoi4d", "/check/?use=research&datasets=panda-70m,hoi4d",
                 "/changes/", "/about/"]:
        page.goto(f"{site}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
    page.goto(f"{site}/search/?q=kinetcs")
    first_hit = page.locator(".search-hit").first.bounding_box()
    assert first_hit["y"] < 844, "on a phone the first result shows without scrolling"
    assert first_hit["y"] < page.locator(".facets").bounding_box()["y"]


def test_paste_a_training_set_audit_it_and_export_the_markdown(page, site, shot):
    page.goto(f"{site}/audit/")
    page.locator("#audit-references").fill(
        "OpenGVLab/InternVid\nhttps://github.com/microsoft/XPretrain/tree/main/hd-vila-100m\narXiv:2203.01577\nNot a dataset we know"
    )
    page.get_by_label("Commercial training").check()
    page.get_by_role("button", name="Audit").click()
    expect(page.locator("h1")).to_have_text("Audit of 4 references")
    expect(page.locator(".audit-overall .answer-list li").first).to_contain_text("Commercial training")
    expect(page.locator(".audit-table tbody tr.unresolved")).to_have_count(1)
    expect(page.locator(".audit-table")).to_contain_text("HD-VILA-100M")
    expect(page.locator(".audit-table")).to_contain_text("HOI4D")
    shot(page, "10-audit-report")
    shareable = page.url
    with page.expect_popup() if False else page.expect_navigation():
        page.get_by_role("link", name="Report (Markdown)").click()
    text = page.locator("body").inner_text()
    assert text.startswith("# Training-set audit") and "catalogue revision" in text and "Not a dataset we know" in text
    page.goto(shareable)
    expect(page.locator("h1")).to_have_text("Audit of 4 references")  # the address keeps the audit
