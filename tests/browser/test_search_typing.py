"""Search as you type, in a real headless Chromium: typing a hyphenated name letter by letter keeps
the dataset in the live results and in the compare picker's suggestions at every keystroke."""

import re
import urllib.parse

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NAME, SLUG, TYPED = "Kinetics-400", "kinetics-400", "kinetics-4"


def _asked_for(prefix: str, partial: bool):
    def check(response) -> bool:
        url = urllib.parse.urlparse(response.url)
        params = urllib.parse.parse_qs(url.query)
        wanted_path = "/search/" if partial else "/api/v1/search/"
        return url.path == wanted_path and params.get("q") == [prefix] and (not partial or params.get("partial") == ["1"])
    return check


def test_typing_a_hyphenated_name_keeps_it_in_the_live_results(page, site, shot):
    page.goto(f"{site}/search/")
    box = page.locator("#search-q")
    box.click()
    for n, letter in enumerate(TYPED, start=1):
        with page.expect_response(_asked_for(TYPED[:n], partial=True)):
            box.press(letter)
        hits = page.locator("#search-results .search-hit h3 a", has_text=NAME)
        expect(hits.first).to_be_visible()
        expect(page.locator("#search-results .result-count")).not_to_have_text(re.compile(r"^\s*0 results"))
    expect(page).to_have_url(f"{site}/search/?q={TYPED}")
    shot(page, "search-typing-kinetics-4")


def test_typing_a_hyphenated_name_keeps_it_in_the_compare_picker(page, site, shot):
    page.goto(f"{site}/compare/?datasets=panda-70m,hoi4d")
    field = page.locator("#compare-add")
    field.click()
    field.press(TYPED[0])  # the picker asks from the second letter on
    for n in range(2, len(TYPED) + 1):
        with page.expect_response(_asked_for(TYPED[:n], partial=False)):
            field.press(TYPED[n - 1])
        expect(page.locator(f"#compare-add-suggestions li[data-slug='{SLUG}']")).to_be_visible()
    shot(page, "search-typing-compare-picker", full_page=False)
    field.press("ArrowDown")
    while page.locator("#compare-add-suggestions li[aria-selected='true']").get_attribute("data-slug") != SLUG:
        field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value(SLUG)


def test_the_skip_link_reaches_the_first_result_in_a_few_tab_presses(page, site):
    page.goto(f"{site}/search/?q=youtube")
    page.locator("#search-q").focus()
    for _ in range(4):  # the search button, then the skip link (within a few presses, not 27)
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('skip-facets')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('skip-facets')")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    first = page.locator("#search-answers .search-hit h3 a").first
    assert page.evaluate("document.activeElement.textContent") == first.text_content()
