"""The agreement page in a real browser: every chart has a visible caption that also names it."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.annotate.test_agreement_views import annotate_and_submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_charts_have_visible_titles_and_accessible_names(page, live_server, document, annotator,
                                                         other_annotator, reviewer, log_in):
    annotate_and_submit(document, annotator, [("PER", "سمير داود"), ("GPE", "القاهرة")])
    annotate_and_submit(document, other_annotator, [("PER", "سمير داود"), ("LOC", "القاهرة")])
    log_in("reviewer1", "pass-reviewer1")
    page.goto(live_server.url + reverse("agreement_document", args=[document.project.slug, document.pk]))
    figures = page.locator(".charts figure")
    assert figures.count() == 5
    for index in range(5):
        caption = figures.nth(index).locator("figcaption")
        assert caption.is_visible() and caption.bounding_box()["height"] > 8
    # The caption is the figure's accessible name (in Arabic, the page's language).
    named = page.get_by_role("figure", name="ألفا التقطيع حسب النوع")
    assert named.count() == 1 and named.locator("svg[role=img]").count() == 1
