"""The editor in a real browser (Playwright + Debian's chromium, headless), against the
production stack on loopback (`python -m tawsim.serve`, as the load benchmark starts it):

- key press to painted mark: the page timestamps the keydown (performance.now) and the
  first animation frame after the mark is in the text (the provisional mark, drawn
  before the server answers); one word after another, each confirmed before the next;
- key press to painted role fill: with an event's panel open (its Participant role
  active), a word selected and its entity key pressed: timed to the first frame after
  the provisional filler is in the panel (the mark made and put in the role in one step,
  drawn before the server answers); each confirmed before the next;
- click on a document link (the project page) to an interactive editor: the document
  has 300 marks in the user's set; "interactive" is the editor's start-up done
  (static/editor/main.js: the performance mark `tawsim:editor-ready`), timed from the
  click in the project page (both pages' performance.timeOrigin + performance.now); with
  its parts' medians (server, parsing, start-up: see click_to_editor).

Also the machine's load average while measuring: the machine may be shared."""
from __future__ import annotations

import os
import random
import re
import statistics
import sys
from urllib.parse import quote

from tests.bench.common import arabic_text, report, setup_django

MARKS = 50
FILLS = 30
LOADS = 10
SPANS = 300

# In the page: the key press's time, and the first frame after a mark appears under it.
WATCH_MARKS = """() => {
  window.markTimes = [];
  const text = () => document.getElementById("doc-text");
  let pressed = null;
  window.addEventListener("keydown", () => { pressed = performance.now(); }, true);
  const marked = () => text().querySelector("mark.ent.pending")
    || text().querySelectorAll("mark.ent").length > window.markCount;
  new MutationObserver(() => {
    if (pressed === null || !marked()) return;
    const at = pressed;
    pressed = null;
    requestAnimationFrame(() => window.markTimes.push(performance.now() - at));
  }).observe(document.getElementById("editor"), { childList: true, subtree: true });
}"""

# Select text[start:end] (code points; the generated text has no astral characters).
SELECT = """([start, end]) => {
  const runs = Array.from(document.querySelectorAll("#doc-text [data-o]"));
  const point = (at) => {
    for (const run of runs) {
      const o = Number(run.dataset.o), node = run.firstChild;
      if (node && at >= o && at <= o + node.data.length) return [node, at - o];
    }
    throw new Error("no run at " + at);
  };
  const range = document.createRange();
  range.setStart(...point(start));
  range.setEnd(...point(end));
  window.markCount = document.querySelectorAll("#doc-text mark.ent").length;
  window.getSelection().removeAllRanges();
  window.getSelection().addRange(range);
}"""

# In the page: the key press's time, and the first frame after a role's filler appears.
WATCH_FILLS = """() => {
  window.fillTimes = [];
  let pressed = null;
  window.addEventListener("keydown", () => { pressed = performance.now(); }, true);
  new MutationObserver(() => {
    if (pressed === null || !document.querySelector("#event-panel .filler.pending")) return;
    const at = pressed;
    pressed = null;
    requestAnimationFrame(() => window.fillTimes.push(performance.now() - at));
  }).observe(document.getElementById("editor"), { childList: true, subtree: true });
}"""

READY = "() => Boolean(document.documentElement && document.documentElement.dataset.editorReady)"
CLICK_TO_READY = """() => {
  const ready = performance.getEntriesByName("tawsim:editor-ready")[0].startTime;
  const started = performance.getEntriesByName("tawsim:editor-start")[0].startTime;
  const page = performance.getEntriesByType("navigation")[0];
  return {
    total: performance.timeOrigin + ready - Number(sessionStorage.getItem("clickAt")),
    server: page.responseStart - page.requestStart, parsed: page.domInteractive - page.responseEnd,
    startup: ready - started,
  };
}"""
REMEMBER_CLICK = """() => document.addEventListener("click", () => {
  sessionStorage.setItem("clickAt", String(performance.timeOrigin + performance.now()));
}, true)"""


def main() -> None:
    setup_django()
    from playwright.sync_api import sync_playwright

    from tests.bench.load import HOST, Server
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    world = build()
    server = Server(world["database_url"])
    figures = {}
    try:
        server.start()
        base = f"http://{HOST}:{Server.port}"
        load_before = os.getloadavg()[0]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context(locale="ar", viewport={"width": 1280, "height": 800})
            context.add_cookies([{"name": world["cookie"], "value": world["session"], "url": base}])
            page = context.new_page()
            page.set_default_timeout(30_000)
            marks = key_to_mark(page, base + world["marks_url"], world["words"])
            fills = key_to_fill(page, base + world["fills_url"], world["words"][MARKS:])
            parts = click_to_editor(page, base + world["project_url"], world["d300_url"])
            loads = [part["total"] for part in parts]
            browser.close()
        load_after = os.getloadavg()[0]
    finally:
        server.stop()
    print(f"key to mark, ms: {sorted(round(t) for t in marks)}", file=sys.stderr)
    print(f"key to role fill, ms: {sorted(round(t) for t in fills)}", file=sys.stderr)
    print(f"click to editor, ms: {sorted(round(t) for t in loads)}", file=sys.stderr)
    figures["browser_key_to_mark_p50"] = {"value": _p(marks, 50), "unit": "ms", "goal": ""}
    figures["browser_key_to_mark_p95"] = {"value": _p(marks, 95), "unit": "ms", "goal": "< 50"}
    figures["browser_key_to_role_fill_p50"] = {"value": _p(fills, 50), "unit": "ms", "goal": ""}
    figures["browser_key_to_role_fill_p95"] = {"value": _p(fills, 95), "unit": "ms", "goal": "< 50"}
    figures["browser_click_to_editor_300_spans_p50"] = {"value": _p(loads, 50), "unit": "ms", "goal": ""}
    figures["browser_click_to_editor_300_spans_p95"] = {"value": _p(loads, 95), "unit": "ms", "goal": "< 400 (idle)"}
    for name in ("server", "parsed", "startup"):
        figures[f"browser_click_to_editor_{name}_p50"] = {
            "value": _p([part[name] for part in parts], 50), "unit": "ms", "goal": ""}
    figures["browser_load_average"] = {"value": round((load_before + load_after) / 2, 2), "unit": "1-min",
                                       "goal": "(2 cores, shared)"}
    report(figures)


def _p(samples: list[float], percent: int) -> float:
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def key_to_mark(page, url: str, words: list[tuple[int, int]]) -> list[float]:
    page.goto(url)
    page.wait_for_function(READY)
    page.evaluate(WATCH_MARKS)
    version = lambda: int(page.locator("#set-state").get_attribute("data-version"))  # noqa: E731
    for start, end in words[:MARKS]:
        before = version()
        page.evaluate(SELECT, [start, end])
        page.keyboard.press("1")
        # Confirmed: the server's answer is in (each mark is timed alone, not behind another).
        page.wait_for_function("(v) => Number(document.getElementById('set-state').dataset.version) > v", arg=before)
        page.wait_for_function("() => !document.querySelector('#doc-text mark.pending')")
    times = page.evaluate("() => window.markTimes")
    if len(times) != min(MARKS, len(words)):
        raise RuntimeError(f"{len(times)} marks timed of {min(MARKS, len(words))}")
    return times


def key_to_fill(page, url: str, words: list[tuple[int, int]]) -> list[float]:
    page.goto(url)
    page.wait_for_function(READY)
    page.locator("#event-panel .slot.active").wait_for()
    page.evaluate(WATCH_FILLS)
    version = lambda: int(page.locator("#set-state").get_attribute("data-version"))  # noqa: E731
    for start, end in words[:FILLS]:
        before = version()
        page.evaluate(SELECT, [start, end])
        page.keyboard.press("1")
        page.wait_for_function("(v) => Number(document.getElementById('set-state').dataset.version) > v", arg=before)
        page.wait_for_function("() => !document.querySelector('#event-panel .filler.pending, #doc-text mark.pending')")
    times = page.evaluate("() => window.fillTimes")
    if len(times) != min(FILLS, len(words)):
        raise RuntimeError(f"{len(times)} role fills timed of {min(FILLS, len(words))}")
    return times


def click_to_editor(page, project_url: str, editor_url: str) -> list[dict]:
    """Each load's time from click to ready, with its parts: the server's answer (request
    to first byte), parsing the page (to domInteractive: the HTML and the classic
    scripts, the translation catalogue among them) and main.js's start-up."""
    samples = []
    for n in range(LOADS + 1):
        page.goto(project_url)
        page.evaluate(REMEMBER_CLICK)
        page.click(f'a[href="{editor_url}"]')
        page.wait_for_function(READY)
        if n:  # the first load fills the browser's cache, as any visit before it would
            samples.append(page.evaluate(CLICK_TO_READY))
    return samples


def build() -> dict:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.db import connection
    from django.urls import reverse

    from annotate import services
    from annotate.models import Span
    from corpus.formats.base import DocumentRecord
    from corpus.importing import add_documents
    from corpus.models import Membership, Role
    from corpus.presets import create_project_from_preset

    rng = random.Random(15)
    project = create_project_from_preset("bench browser", slug="bench-browser")
    user = get_user_model().objects.create_user("bench-browser", password="x")
    Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
    add_documents(project, [
        DocumentRecord(text=arabic_text(rng, 6000), external_id="d300", title="d300"),
        DocumentRecord(text=arabic_text(rng, 3000), external_id="marks", title="marks"),
    ])
    types = list(project.entity_types.all())
    d300 = project.documents.get(external_id="d300")
    own = services.own_set(d300, user)
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", d300.text)]
    Span.objects.bulk_create([
        Span(set=own, entity_type=rng.choice(types), start=s, end=e) for s, e in rng.sample(words, SPANS)
    ])
    marks = project.documents.get(external_id="marks")
    # Words kept as drawn (no clitic letter to snap away), every other one.
    free = [(m.start(), m.end()) for m in re.finditer(r"(?<!\S)[\u0621-\u064A]{3,}(?!\S)", marks.text)
            if marks.text[m.start()] not in "وفبلك"][::2]

    # A meeting in the same document, its panel opened by the URL: the fills' words follow the marks'.
    trigger = free.pop()
    meeting = services.create_event(services.own_set(marks, user), user, event_type="MEET", trigger_start=trigger[0],
                                    trigger_end=trigger[1], version=services.ANY_VERSION)

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                    HASH_SESSION_KEY: user.get_session_auth_hash()})
    session.save()
    db = connection.settings_dict
    host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
    return {
        "database_url": f"postgresql://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}",
        "cookie": settings.SESSION_COOKIE_NAME, "session": session.session_key,
        "project_url": reverse("project_detail", args=[project.slug]),
        "d300_url": reverse("editor", args=[project.slug, d300.pk]),
        "marks_url": reverse("editor", args=[project.slug, marks.pk]),
        "fills_url": reverse("editor", args=[project.slug, marks.pk]) + f"?event={meeting.pk}",
        "words": free,
    }


if __name__ == "__main__":
    main()
