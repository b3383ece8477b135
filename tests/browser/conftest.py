"""Browser tests: pytest-playwright driving Debian's chromium (no browser download) against a live
server. Screenshots go to artifacts/screenshots/ (kept by CI)."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from licensedb.models import Dataset
from tests.conftest import FIXTURES


ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session", autouse=True)
def _sync_database_access_beside_playwright():
    # Playwright's sync API runs an event loop in this thread, and the database set-up and the test
    # bodies use the database from it. Only for the browser tests, and undone after them.
    patch = pytest.MonkeyPatch()
    patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield
    patch.undo()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_FLAGS}


@pytest.fixture
def site(live_server, transactional_db):
    """The live server with the curated catalogue (transactional tests start from an emptied database)."""
    if not Dataset.objects.exists():
        call_command("loaddata", *FIXTURES, verbosity=0)
    return live_server.url


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = True):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)

    return take
