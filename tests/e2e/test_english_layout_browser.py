"""The English interface lays out its chrome left to right, but the Arabic document keeps
its own layout: right to left, in the Arabic font, its column standing at the right of
the text pane (where its lines start) beside the side panel, as in the Arabic interface."""
from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MEASURE = """() => {
  const text = document.querySelector('#doc-text'), pane = text.closest('.doc-pane');
  const side = document.querySelector('.editor-body > .side, .editor-body > aside');
  const t = text.getBoundingClientRect(), p = pane.getBoundingClientRect(), s = side.getBoundingClientRect();
  const style = getComputedStyle(text), padding = getComputedStyle(pane);
  return {
    html: document.documentElement.dir, direction: style.direction, font: style.fontFamily,
    gapRight: p.right - parseFloat(padding.paddingRight) - parseFloat(padding.borderRightWidth) - t.right,
    gapLeft: t.left - p.left - parseFloat(padding.paddingLeft) - parseFloat(padding.borderLeftWidth),
    sideOnRight: s.left > p.left,
  };
}"""


@pytest.mark.parametrize("language, html, side_on_right", [("en", "ltr", True), ("ar", "rtl", False)])
def test_the_arabic_text_column_keeps_its_place_in_either_interface(
        page, live_server, document, annotator, log_in, language, html, side_on_right):
    log_in("ann1", "pass-ann1")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(live_server.url + reverse("editor", args=[document.project.slug, document.pk]))
    found = page.evaluate(MEASURE)
    assert found["html"] == html and found["direction"] == "rtl"
    assert found["font"].startswith('"Noto Naskh Arabic"')
    # The column (narrower than the pane at this width) touches the pane's right edge.
    assert abs(found["gapRight"]) <= 1 and found["gapLeft"] > 50, found
    assert found["sideOnRight"] is side_on_right
