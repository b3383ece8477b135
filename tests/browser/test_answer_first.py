"""Answer first: the answer in the title block at both widths, compare from a dataset page, compare and
the catalogue table on a phone, and axe-core on the main pages."""

import pytest
from playwright.sync_api import expect

from licensedb.models import EffectiveVerdict

from .axe import assert_no_axe_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def test_the_commercial_answer_is_above_the_fold_at_both_widths(page, site, shot):
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        page.goto(f"{site}/datasets/ego4d/")
        answer = page.locator("#answer-commercial_training")
        expect(answer).to_contain_text("Can a company train a commercial model on it?")
        expect(answer).to_contain_text("Yes, on conditions")
        expect(answer).to_contain_text("only for the listed purposes")  # lived only in a note before
        expect(answer).to_contain_text("confirm the signed terms")
        box = answer.bounding_box()
        assert box["y"] + box["height"] <= size["height"], f"{name}: the answer ends at {box['y'] + box['height']}px"
        expect(page.locator("#answer-redistribute_media")).to_contain_text("No")
        strip = page.locator(".answer-strip li")
        expect(strip).to_have_count(8)
        expect(strip.nth(0)).to_contain_text("Research")  # a word beside every colour
        expect(strip.nth(0).locator(".verdict-label")).to_have_text("Conditional")
        expect(page.locator(".data-licence")).to_contain_text("Ego4D")
        shot(page, f"10-answer-first-{name}", full_page=False)

    # conditional rows show their conditions without being opened
    row = page.locator("#use-commercial_training")
    expect(row).not_to_have_attribute("open", "")
    expect(row.locator(".row-conditions")).to_be_visible()
    expect(row.locator(".row-conditions")).to_contain_text("only for the listed purposes")


def test_compare_with_from_a_dataset_page_then_on_a_phone(page, site, shot):
    page.goto(f"{site}/datasets/ego4d/")
    page.get_by_role("link", name="Compare with…").click()
    expect(page.locator("h1")).to_have_text("Compare datasets")
    expect(page.locator(".picked")).to_contain_text("Ego4D")
    field = page.locator("#compare-add")
    expect(field).to_be_focused()
    field.press_sequentially("hoi4", delay=60)
    expect(page.locator("#compare-add-suggestions li[data-slug='hoi4d']")).to_be_visible()
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".compare-table thead th a:not(.remove)")).to_have_text(["Ego4D", "HOI4D"])
    # no contradiction: Ego4D asks for a citation, so attribution is not "not required"
    attribution = page.locator(".compare-table tbody tr", has=page.locator("th", has_text="Attribution"))
    expect(attribution.locator("td").first).to_contain_text("cite the paper")
    shot(page, "11-compare-with")

    # on a phone: a summary, "differs" only where it matters, and a first column that stays put
    page.set_viewport_size(PHONE)
    slugs = ["ego4d", "panda-70m", "hoi4d"]
    page.goto(f"{site}/compare/?datasets={','.join(slugs)}")
    usable = EffectiveVerdict.objects.filter(
        dataset__slug__in=slugs, commercial_training__in=("allowed", "conditional")).count()
    expect(page.locator(".compare-summary")).to_contain_text(f"{usable} of 3 allow commercial training")
    marked = page.locator(".compare-table tbody tr.differs th[scope=row]").all_inner_texts()
    assert any(label.startswith("Commercial training") for label in marked)
    # rows that restate another (SPDX, category) or are bookkeeping differ here but are not marked
    assert not [label for label in marked if label.startswith(("SPDX", "Licence category", "Last reviewed", "Claims"))]

    label = page.locator(".compare-table tbody th[scope=row]", has_text="Commercial training")
    before = label.bounding_box()["x"]
    scroller = page.locator(".table-scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth"), "the table should scroll sideways on a phone"
    scroller.evaluate("el => el.scrollBy(300, 0)")
    page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0")
    assert abs(label.bounding_box()["x"] - before) < 1, "the first column moved away"
    last = page.locator(".compare-table thead th").last.bounding_box()
    assert last["x"] < PHONE["width"], "the last dataset came into view"
    shot(page, "12-compare-phone", full_page=False)


def test_the_table_view_sorts_filters_exports_fits_a_phone_and_answers_the_home_question(page, site, shot):
    page.goto(f"{site}/datasets/")
    page.get_by_role("link", name="Table: every use at a glance").click()
    table = page.locator("table.matrix")
    expect(table.locator("thead th")).to_have_count(1 + 8 + 3)
    expect(table.locator("thead th").nth(4)).to_contain_text("Commercial training")

    page.get_by_label("Commercial training", exact=True).first.check()  # "usable for" in the filters
    page.get_by_role("button", name="Apply").click()
    expected = EffectiveVerdict.objects.filter(
        dataset__publication="published", commercial_training__in=("allowed", "conditional")).count()
    expect(table.locator("tbody tr")).to_have_count(min(expected, 100))  # 100 rows a page
    if expected > 100:
        expect(page.locator("a[rel=next]")).to_be_visible()
    cells = table.locator("tbody tr td:nth-child(5) .verdict-label").all_inner_texts()
    assert set(cells) <= {"Allowed", "Conditional"}
    expect(page.locator(".export-link")).to_have_attribute("href", "/export/catalogue.csv?usable_for=commercial_training")

    table.locator("thead th", has_text="Commercial training").get_by_role("link").click()
    cells = table.locator("tbody tr td:nth-child(5) .verdict-label").all_inner_texts()
    assert cells == sorted(cells, key=lambda text: text != "Allowed"), "allowed first"
    expect(table.locator("thead th", has_text="Commercial training")).to_have_attribute("aria-sort", "ascending")
    shot(page, "13-table-view")

    page.set_viewport_size(PHONE)
    name = table.locator("tbody th").first
    before = name.bounding_box()["x"]
    page.locator(".matrix-scroll").evaluate("el => el.scrollBy(400, 0)")
    page.wait_for_function("() => document.querySelector('.matrix-scroll').scrollLeft > 0")
    assert abs(name.bounding_box()["x"] - before) < 1, "the name column stays while the uses scroll"
    shot(page, "14-table-view-phone", full_page=False)

    # the home page leads with the question, one click from the same view
    page.set_viewport_size(DESKTOP)
    page.goto(f"{site}/")
    lead = page.locator(".question-lead a")
    expect(lead).to_have_text("Which datasets may I use for commercial training?")
    lead.click()
    expect(page.locator("table.matrix")).to_be_visible()
    expect(page.locator(".result-count")).to_contain_text("allow commercial training")
    shot(page, "15-home-commercial-view", full_page=False)


AXE_PAGES = [
    "/",
    "/datasets/",
    "/datasets/?view=table",
    "/datasets/ego4d/",
    "/datasets/panda-70m/",
    "/compare/?datasets=ego4d,panda-70m,hoi4d",
    "/compare/?datasets=ego4d",
    "/check/?use=commercial_training&datasets=ego4d,panda-70m",
    "/licences/",
    "/search/?q=kinetics",
]


def test_axe_finds_nothing_moderate_or_worse_on_the_main_pages(page, site):
    failures = []
    for path in AXE_PAGES:
        page.goto(f"{site}{path}")
        try:
            assert_no_axe_violations(page)
        except AssertionError as error:
            failures.append(f"{path}: {error}")
    assert not failures, "\n".join(failures)
