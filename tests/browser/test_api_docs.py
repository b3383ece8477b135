"""The API's entry point and docs in a browser: no content-security-policy error, no locks on public reads."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_api_docs_load_without_a_csp_error_and_show_no_locks_on_public_reads(page, site):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{site}/")
    page.get_by_role("link", name="API docs").click()
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=15000)
    gets = page.locator(".opblock-get")
    assert gets.count() > 10
    assert page.locator(".opblock-get .authorization__btn").count() == 0, "a public read shows a lock"
    assert page.locator(".opblock-patch .authorization__btn").count() > 0, "writes keep theirs"
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_the_api_entry_point_is_a_page_in_a_browser(page, site):
    response = page.goto(f"{site}/api/v1/")
    assert response.status == 200
    expect(page.locator("h1")).to_have_text("The licensedb API")
    page.get_by_role("link", name="datasets", exact=True).click()
    assert '"results"' in page.content()
