"""A curator edits a verdict through the admin's grid: bad input is listed at the top with what they
typed kept, the fix saves, and the public page and search show the new answer."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from licensedb.models import Dataset, DatasetVerdict

pytestmark = pytest.mark.browser


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_curator_edits_a_verdict_through_the_grid_and_sees_it_on_the_public_page(page, site, shot, django_user_model):
    call_command("curators", "--add", "grid-curator", verbosity=0, stdout=__import__("io").StringIO())
    curator = django_user_model.objects.get(username="grid-curator")
    curator.set_password("a-long-test-password")
    curator.save()
    dataset = Dataset.objects.get(slug="hoi4d")
    verdict = DatasetVerdict.objects.get(dataset=dataset, layer="dataset_terms", use="model_release")
    assert verdict.value != "prohibited" and verdict.evidence.exists()

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{site}/admin/login/?next=/admin/licensedb/dataset/{dataset.pk}/change/")
    page.fill("#id_username", "grid-curator")
    page.fill("#id_password", "a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    grid = page.locator("#verdict-grid")
    expect(grid).to_be_visible()
    assert page_width(page) <= 1366, "the change page fits 1366 px"
    expect(grid.locator("tbody th").first).to_have_text("Research")
    shot(page, "10-admin-grid")

    grid.get_by_role("link", name="Model release, Dataset terms").click()
    expect(page.locator("h1")).to_contain_text("HOI4D: Model release (dataset terms)")
    assert page_width(page) <= 1366
    page.get_by_label("Prohibited").check()
    for box in page.locator("#id_evidence input[type=checkbox]").all():
        box.uncheck()
    note = "Changed through the grid: the weights may not be published."
    page.fill("textarea[name=note]", note)
    page.get_by_role("button", name="Save", exact=True).click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("needs evidence")
    assert summary.bounding_box()["y"] < 600, "the error is listed near the top, not below the fold"
    expect(page.locator("textarea[name=note]")).to_have_value(note)
    expect(page.get_by_label("Prohibited")).to_be_checked()
    shot(page, "11-admin-cell-error", full_page=False)
    summary.get_by_role("link").first.click()
    assert page.url.endswith("#id_evidence")

    page.locator("#id_evidence input[type=checkbox]").first.check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("saved as prohibited")
    expect(grid.get_by_role("link", name="Model release, Dataset terms")).to_have_text("Prohibited")

    page.goto(f"{site}/datasets/hoi4d/")
    expect(page.locator("#use-model_release")).to_contain_text("Prohibited")
    page.locator("#use-model_release summary").click()
    expect(page.locator("#use-model_release")).to_contain_text("Changed through the grid")
    shot(page, "12-public-page-after-grid-edit")

    page.goto(f"{site}/search/?q=hoi4d")
    hit = page.locator(".search-hit").first
    expect(hit.locator("li", has_text="Model release")).to_contain_text("Prohibited")


def test_the_curation_queue_is_one_click_from_the_admin_index(page, site, django_user_model):
    django_user_model.objects.create_superuser("queue-curator", "q@example.org", "a-long-test-password")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{site}/admin/login/?next=/admin/")
    page.fill("#id_username", "queue-curator")
    page.fill("#id_password", "a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Curation queue").click()
    expect(page.locator("#queue-unclear h2")).to_contain_text("Unclear verdicts")
    assert page_width(page) <= 1366
