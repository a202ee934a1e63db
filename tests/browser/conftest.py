"""Browser tests: Playwright (Python) driving Debian's Chromium against
pytest-django's live server.

Chromium comes from Debian's packages (``make browser``, run by ``make test``
and CI), never from ``playwright install``. Where it is missing, these tests
are skipped with the reason; under CI (``CI=true``) they fail instead, so a CI
run can never pass without them.

Screenshots go to ``var/screenshots/`` (git-ignored): ``screenshot(page, name)``.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
# The flags of a closed machine: no sandbox (root in a container), no GPU, and
# none of Chromium's calls home, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test's thread; Django then
# refuses ORM calls from it (SynchronousOnlyOperation) although they are
# synchronous. The tests and the live server are plain threads: allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    reason = f"no browser at {CHROMIUM}: install Debian's chromium (make browser)"
    if os.environ.get("CI"):
        # Every browser test fails, loudly, rather than CI passing without them.
        mark = pytest.mark.usefixtures("_browser_required_in_ci")
    else:
        mark = pytest.mark.skip(reason=reason)
    for item in items:
        if str(item.path).startswith(str(Path(__file__).parent)):
            item.add_marker(mark)


@pytest.fixture
def _browser_required_in_ci():
    pytest.fail(f"CI needs Chromium at {CHROMIUM} for the browser tests (make browser)")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A new browser context (its own cookies) at a phone-or-laptop width,
    with the live server as its base URL; five seconds at most per wait."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US"
    )
    context.set_default_timeout(5_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Write the whole page to var/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, email: str, password: str, next_path: str = "/backoffice/") -> None:
    """Log in through the back office's login page, as a person does."""
    page.goto(next_path)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector(".topbar")
