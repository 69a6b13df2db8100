"""The editor and the adjudication page under a strict Content-Security-Policy (no
'unsafe-inline', no 'unsafe-eval'), as the pages will be served once the header is set:
the scripts are modules and files, the data comes in data- attributes and json_script,
and they work. The browser adds the header here (page.route), so this holds whatever
the server sends today.

Known exception, owned by the server's renderers: the marks and list items built in
Python (annotate/editor/rendering.py, annotate/views/review.py) still carry style="--c:…";
the scripts already read data-colour / data-height should they carry those instead."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from annotate.models import Span
from tests.e2e.test_adjudication_browser import disputed  # noqa: F401 (fixture)
from tests.e2e.test_keyboard_browser import TEXT, marked  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'"
# (directive, element, nearest id): style attributes written by the Python renderers.
RENDERED_IN_PYTHON = {
    ("style-src-attr", "MARK"), ("style-src-attr", "LI:span-list"), ("style-src-attr", "LI:gold-list"),
}
# The same in htmx's answers (their violations name no element): a mark, a span-list
# item (annotate/editor/rendering.py), a gold-list item (annotate/views/review.py).
STYLED_IN_PYTHON = re.compile(r'<mark [^>]*style=|<li id="sl-\d+" data-id="\d+" style=|<li style=')


def serve_with_csp(page) -> None:
    def add_header(route):
        if route.request.resource_type != "document":
            return route.continue_()
        response = route.fetch()
        return route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    page.route("**/*", add_header)
    page.add_init_script(
        """window.violations = [];
           document.addEventListener("securitypolicyviolation", (e) => {
             const el = e.target && e.target.nodeType === 1 ? e.target : null;
             const list = el && el.nodeName === "LI" ? ":" + (el.parentElement.closest("[id]") || {}).id : "";
             const where = el ? el.nodeName + list : String(e.blockedURI);
             window.violations.push([e.violatedDirective, where]);
           });"""
    )


def record_answers(page) -> list:
    answers = []
    page.on("response", lambda r: answers.append(r) if r.request.headers.get("hx-request") else None)
    return answers


def unexpected_violations(page, answers: list) -> list:
    """The page's violations, less those of the Python renderers' style attributes (in the
    page, or in htmx's answers, where every style attribute must be one of theirs)."""
    texts = [answer.text() for answer in answers if answer.status != 204]
    styled = sum(len(STYLED_IN_PYTHON.findall(text)) for text in texts)
    assert styled == sum(text.count(' style="') for text in texts), "a style attribute outside the renderers"
    violations = [v for v in page.evaluate("() => window.violations") if tuple(v) not in RENDERED_IN_PYTHON]
    swapped = [v for v in violations if v == ["style-src-attr", "inline"]]
    extra = ["more than the answers' style attributes"] if len(swapped) > styled else []
    return [v for v in violations if v not in swapped] + extra


def test_the_editor_works_under_a_strict_content_security_policy(
    page, live_server, marked, annotator, log_in, select_in_text  # noqa: F811
):
    document, event = marked
    log_in("ann1", "pass-ann1")
    serve_with_csp(page)
    answers = record_answers(page)
    page.goto(live_server.url + reverse("editor", args=[document.project.slug, document.pk]) + f"?event={event.pk}")
    page.locator("#event-panel .slot.active").wait_for()  # the modules ran
    assert page.locator(".type-btn").first.evaluate("b => getComputedStyle(b).getPropertyValue('--c')").strip()
    page.keyboard.press("Escape")
    select_in_text("صباح", 0, 4)
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("1")
    page.locator('#doc-text mark[data-t="PER"]', has_text="صباح").wait_for()
    assert Span.objects.filter(start=TEXT.index("صباح")).exists()
    page.locator('#doc-text mark[data-t="GPE"]').click()
    page.locator("#span-detail .span-detail-inner").wait_for()
    page.locator(".htmx-request, .htmx-settling, .htmx-swapping").first.wait_for(state="detached")
    assert unexpected_violations(page, answers) == []


def test_the_adjudication_page_works_under_a_strict_content_security_policy(
    page, live_server, disputed, reviewer, log_in  # noqa: F811
):
    log_in("reviewer1", "pass-reviewer1")
    serve_with_csp(page)
    answers = record_answers(page)
    page.goto(live_server.url + reverse("adjudicate", args=[disputed.project.slug, disputed.pk]))
    assert page.locator(".adj-body").evaluate("b => getComputedStyle(b).display") == "grid"  # its stylesheet
    page.locator("#doc-text").click()
    page.keyboard.press("2")  # the module's keys
    expect(page.locator("#conflict-count")).to_have_text("1")  # (wait_for_function would need eval)
    assert unexpected_violations(page, answers) == []
