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
        log_in_on(page, live_server.url, username, password)

    return log_in


def log_in_on(page, url: str, username: str, password: str) -> None:
    """Log in through the login form of the site at `url`, in the given page."""
    page.goto(url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(url + reverse("home"))


def create_site_user(page, username: str, email: str) -> str:
    """On the site users page: create a user; returns the one-time set-password link shown."""
    page.fill("#id_username", username)
    page.fill("#id_email", email)
    page.click("form.setup-form button[type=submit]")
    return page.locator("#set-password-link").input_value()


def choose_password(page, link: str, password: str) -> None:
    """Follow a set-password link and choose the password (ends on the login page)."""
    page.goto(link)
    page.fill("#id_new_password1", password)
    page.fill("#id_new_password2", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: url.endswith(reverse("login")))


@pytest.fixture
def select_in_text(page):
    """select_in_text(word, start, end) selects word[start:end] inside the first occurrence
    of `word` in the document text, as a mouse drag would (a DOM range; offsets here are
    the browser's UTF-16 units)."""

    def select(word: str, start: int, end: int) -> None:
        select_in(page, word, start, end)

    return select


def select_in(page, word: str, start: int, end: int) -> None:
    """select_in_text, in the given page."""
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


def add_entity_type(page, key: str, name_ar: str, name_en: str, colour: str, shortcut: str) -> None:
    """On the schema editor: add an entity type (the preview shows its palette button while typed)."""
    page.click("#add-entity summary")
    form = page.locator("#add-entity form")
    form.locator("input[name=key]").fill(key)
    form.locator("input[name=name_ar]").fill(name_ar)
    form.locator("input[name=name_en]").fill(name_en)
    form.locator("input[name=colour]").fill(colour)
    form.locator("input[name=shortcut]").fill(shortcut)
    page.wait_for_selector(f"#schema-preview .type-btn[data-type={key}]:has-text('{name_ar}')")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li.success")


def add_event_type(page, key: str, name_ar: str, name_en: str, triggers: str) -> None:
    """On the schema editor: add an event type with its trigger words (one a line)."""
    page.click("#add-event summary")
    form = page.locator("#add-event form")
    form.locator("input[name=key]").fill(key)
    form.locator("input[name=name_ar]").fill(name_ar)
    form.locator("input[name=name_en]").fill(name_en)
    form.locator("textarea[name=triggers]").fill(triggers)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li.success")


def add_role(page, schema_url: str, event_pk: int, key: str, name_ar: str, allowed: list[str]) -> None:
    """On the schema editor: add a role to an event type (the preview's event panel shows it while typed)."""
    page.goto(schema_url)
    page.click(f"#event-{event_pk} > summary")
    add = page.locator(f"#event-{event_pk} details.add.role")
    add.locator("summary").click()
    form = add.locator("form")
    form.locator("input[name=key]").fill(key)
    form.locator("input[name=name_ar]").fill(name_ar)
    form.locator("input[name=name_en]").fill(key)
    for entity_key in allowed:
        form.locator(f"label.check:has-text('{entity_key}') input").first.check()
    page.wait_for_selector(f"#schema-preview .slot[data-role={key}]")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li.success")
