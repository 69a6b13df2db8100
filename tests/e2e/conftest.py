"""Real-browser fixtures: Playwright's sync API driving Debian's chromium (headless).

No browser is downloaded: `make test` installs Debian's chromium (`make browser`);
without it these tests are skipped with the reason.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from
# a thread with a running loop unless told it is safe (it is: the calls are synchronous).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser) to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # An Arabic browser: the interface comes up in Arabic, right to left.
    context = browser.new_context(locale="ar", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def log_in(page, live_server):
    """Log in through the login form: log_in("ann1", "pass-ann1") (members' passwords: tests/conftest.py)."""

    def log_in(username: str, password: str) -> None:
        page.goto(live_server.url + reverse("login"))
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + reverse("home"))

    return log_in


@pytest.fixture
def select_in_text(page):
    """select_in_text(word, start, end) selects word[start:end] inside the first occurrence
    of `word` in the document text, as a mouse drag would (a DOM range; offsets here are
    the browser's UTF-16 units)."""

    def select(word: str, start: int, end: int) -> None:
        page.evaluate(
            """([word, start, end]) => {
                const walker = document.createTreeWalker(document.getElementById("doc-text"), NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const at = node.data.indexOf(word);
                    if (at < 0) continue;
                    const range = document.createRange();
                    range.setStart(node, at + start);
                    range.setEnd(node, at + end);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    return;
                }
                throw new Error("word not found: " + word);
            }""",
            [word, start, end],
        )

    return select
