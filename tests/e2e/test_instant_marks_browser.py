"""Instant marks, in a real browser: a type key draws the mark at once (a provisional
`mark.ent.pending` with the server's classes and attributes), the server's answer
replaces it with the stored mark, and a refusal of any kind takes it back, leaving the
text exactly as it was. Writes still go one at a time, each with the version the answer
before it brought. The server's answers are held back by the browser (page.route) to
look at the page in between."""
from __future__ import annotations

import json

import pytest

from annotate.models import AnnotationSet, Span
from tests.e2e.test_keyboard_browser import TEXT, editor_url, marked, start_of  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CREATE = "**/sets/*/spans/"


class Held:
    """Span writes held back until released; the rest goes through."""

    def __init__(self, page, pattern: str, count: int = 1):
        self.page, self.routes, self.count = page, [], count
        page.route(pattern, self._hold)

    def _hold(self, route) -> None:
        if route.request.method == "POST" and self.count > 0:
            self.count -= 1
            self.routes.append(route)
        else:
            route.continue_()

    def next(self):
        """The next held request (waits for it to reach the route)."""
        for _ in range(100):
            if self.routes:
                return self.routes.pop(0)
            self.page.wait_for_timeout(50)
        raise AssertionError("no request was held")

    def release(self) -> None:
        self.next().continue_()


@pytest.fixture
def editor(page, live_server, log_in, marked, annotator):  # noqa: F811
    log_in("ann1", "pass-ann1")
    document, _ = marked
    page.goto(editor_url(live_server, document))
    return document


def palette(page, key: str) -> dict:
    button = page.locator(f".type-btn[data-type={key}]")
    return {"label": button.locator(".name").inner_text().strip(), "colour": button.get_attribute("data-colour")}


def select_across(page, start: tuple[str, int], end: tuple[str, int]) -> None:
    """Select from `start` (word, UTF-16 offset in it) to `end`, in different text nodes."""
    page.evaluate(
        """([start, end]) => {
            const walker = document.createTreeWalker(document.getElementById("doc-text"), NodeFilter.SHOW_TEXT);
            const points = [];
            for (let node = walker.nextNode(); node && points.length < 2; node = walker.nextNode()) {
                const [word, at] = points.length ? end : start;
                const found = node.data.indexOf(word);
                if (found >= 0) points.push([node, found + at]);
            }
            const range = document.createRange();
            range.setStart(...points[0]);
            range.setEnd(...points[1]);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
        }""",
        [list(start), list(end)],
    )


def pending(page):
    return page.locator("#doc-text mark.ent.pending")


def test_a_mark_is_drawn_before_the_server_answers_then_confirmed(page, editor, select_in_text):
    held = Held(page, CREATE)
    before = page.locator("#doc-text").inner_text()
    select_in_text("صباح", 0, 4)
    page.keyboard.press("1")
    page.wait_for_function("document.querySelectorAll('#doc-text mark.ent.pending').length === 1", timeout=2000)
    assert Span.objects.count() == 2  # the two marks made beforehand: the new one is not stored yet
    mark = pending(page)
    assert mark.inner_text() == "صباح"
    assert mark.get_attribute("class").split() == ["ent", "pending", "last"]
    assert mark.get_attribute("data-t") == "PER"
    assert mark.get_attribute("data-label") == palette(page, "PER")["label"]
    colour = page.evaluate("getComputedStyle(document.querySelector('mark.pending')).getPropertyValue('--c').trim()")
    assert colour == palette(page, "PER")["colour"]
    # Offsets read from the page with the provisional mark in it are the text's own.
    assert page.locator("#doc-text").inner_text() == before
    offset = page.evaluate(
        "() => Number(document.querySelector('mark.pending [data-o]').dataset.o)"
    )
    assert offset == start_of("صباح")

    held.release()
    page.wait_for_selector("#doc-text mark.ent.pending", state="detached")
    span = Span.objects.get(start=start_of("صباح"))
    stored = page.locator(f'#doc-text mark.ent[data-id="{span.pk}"]')
    assert stored.inner_text() == "صباح"
    assert stored.get_attribute("data-t") == "PER"


REFUSED = {
    "stale": (409, {"tawsim:refused": {"message": "تغيّرت النسخة في مكان آخر.", "status": 409, "version": 9}}),
    "rule": (422, {"tawsim:refused": {"message": "لا يجوز هذا التحديد.", "status": 422}}),
    "server": (500, None),
    "network": (None, None),
}


@pytest.mark.parametrize("refusal", list(REFUSED))
@pytest.mark.parametrize("crossing", [False, True], ids=["plain", "crossing"])
def test_a_refused_mark_is_taken_back_leaving_the_text_as_it_was(page, editor, select_in_text, refusal, crossing):
    held = Held(page, CREATE)
    before = page.locator("#doc-text").inner_html()
    if crossing:  # from inside the PER mark «وليد منصور» to the end of the word after it
        select_across(page, ("منصور", 2), ("في", 2))
    else:
        select_in_text("صباح", 0, 4)
    chosen = page.evaluate("window.getSelection().toString()")
    page.keyboard.press("2")
    pending(page).first.wait_for(timeout=2000)
    assert page.locator("#doc-text").inner_html() != before
    if crossing:  # drawn in pieces, the last one labelled
        assert pending(page).count() == 2
        assert page.locator("#doc-text mark.ent.pending.last").count() == 1
    status, trigger = REFUSED[refusal]
    route = held.next()
    if status is None:
        route.abort()
    else:
        headers = {"Content-Type": "text/html"}
        if trigger:
            headers["HX-Trigger"] = json.dumps(trigger)
        route.fulfill(status=status, headers=headers, body="<p>not swapped</p>")
    page.wait_for_selector("#editor-messages.error")
    assert page.locator("#doc-text").inner_html() == before
    assert pending(page).count() == 0
    # The selection is given back, to be marked again.
    assert page.evaluate("window.getSelection().toString()") == chosen
    assert Span.objects.count() == 2


def test_two_quick_key_presses_are_both_stored_with_consecutive_versions(page, editor, select_in_text):
    document = editor
    sent = []
    page.on("request", lambda r: sent.append(r.post_data) if r.method == "POST" and "/spans/" in r.url else None)
    held = Held(page, CREATE)
    version = AnnotationSet.objects.get(document=document).version
    select_in_text("صباح", 0, 4)
    page.keyboard.press("1")
    select_in_text("شركة النور", 5, 10)
    page.keyboard.press("2")
    page.wait_for_function("document.querySelectorAll('#doc-text mark.ent.pending').length === 2", timeout=2000)
    first_request = held.next()
    page.wait_for_timeout(300)
    assert len(sent) == 1  # the second waits for the first's answer
    first_request.continue_()
    page.wait_for_selector("#doc-text mark.ent.pending", state="detached")
    page.wait_for_function("(v) => document.getElementById('set-state').dataset.version === String(v)", arg=version + 2)
    first = Span.objects.get(start=start_of("صباح"))
    second = Span.objects.get(start=start_of("النور"))
    assert (first.entity_type.key, second.entity_type.key) == ("PER", "ORG")
    assert [dict(p.split("=", 1) for p in body.split("&"))["version"] for body in sent] == [
        str(version), str(version + 1)
    ]
    assert AnnotationSet.objects.get(document=document).version == version + 2
    for span in (first, second):
        assert page.locator(f'#doc-text mark.ent[data-id="{span.pk}"]').count() == 1


def test_a_change_of_type_and_a_delete_show_at_once(page, editor):
    held = Held(page, "**/spans/*/*/", count=2)
    gpe = Span.objects.get(start=start_of("بيروت"))
    page.locator(f'#doc-text mark[data-id="{gpe.pk}"]').click()
    page.keyboard.press("4")
    mark = page.locator(f'#doc-text mark[data-id="{gpe.pk}"]')
    page.wait_for_function(
        "(id) => document.querySelector(`#doc-text mark[data-id=\"${id}\"]`).dataset.t === 'LOC'", arg=gpe.pk,
        timeout=2000,
    )
    assert mark.get_attribute("data-label") == palette(page, "LOC")["label"]
    assert "pending" in mark.get_attribute("class").split()
    held.release()
    page.wait_for_function(
        "(id) => { const m = document.querySelector(`#doc-text mark[data-id=\"${id}\"]`);"
        " return m && !m.classList.contains('pending'); }", arg=gpe.pk,
    )
    gpe.refresh_from_db()
    assert gpe.entity_type.key == "LOC"
    page.keyboard.press("Delete")
    page.wait_for_selector(f'#doc-text mark[data-id="{gpe.pk}"]', state="detached", timeout=2000)
    assert Span.objects.filter(pk=gpe.pk).exists()  # drawn before the server answered
    held.release()
    page.wait_for_function("(id) => !document.getElementById('sl-' + id)", arg=gpe.pk)
    assert not Span.objects.filter(pk=gpe.pk).exists()


def editor_took(page, code: str) -> None:
    """Wait until a keydown of `code` has reached the editor's handler (which prevents the
    browser's default for every key it acts on)."""
    page.wait_for_function("(code) => (window.keysTaken || []).includes(code)", arg=code, timeout=2000)


def test_an_undo_asked_for_while_a_mark_is_saved_undoes_that_mark_in_its_turn(page, editor, select_in_text):
    """Ctrl+Z pressed while the mark before it is still on its way waits for that mark's
    answer and undoes it, and a mark asked for after the undo is stored after it: three
    writes in the order asked, never the undo overtaking the mark or undoing the later one."""
    document = editor
    event_count = document.annotation_sets.get().events.count()
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.evaluate("""() => {
        window.keysTaken = [];
        window.addEventListener("keydown", (e) => { if (e.defaultPrevented) keysTaken.push(e.code); });
    }""")
    version = AnnotationSet.objects.get(document=document).version
    held = Held(page, CREATE)
    # The keys go where a user's would: to the text, focused, with the words selected in it.
    page.locator("#doc-text").focus()
    select_in_text("صباح", 0, 4)
    page.keyboard.press("1")
    editor_took(page, "Digit1")
    first = held.next()  # the mark is on its way, its answer held back
    page.keyboard.press("Control+z")
    editor_took(page, "KeyZ")
    select_in_text("شركة النور", 5, 10)
    page.keyboard.press("2")
    page.wait_for_function("() => document.querySelectorAll('#doc-text mark.ent.pending').length === 2", timeout=2000)
    assert len(sent) == 1  # the undo and the second mark wait for the first mark's answer
    first.continue_()
    page.wait_for_function(
        "(v) => document.getElementById('set-state').dataset.version === String(v)"
        " && !document.querySelector('#doc-text mark.ent.pending')", arg=version + 3, timeout=10000,
    )
    assert [url.rstrip("/").rsplit("/", 1)[-1] for url in sent] == ["spans", "undo", "spans"]
    assert not Span.objects.filter(start=start_of("صباح")).exists()  # the first mark, undone
    assert Span.objects.get(start=start_of("النور")).entity_type.key == "ORG"
    assert document.annotation_sets.get().events.count() == event_count  # nothing earlier undone
    assert page.locator("#doc-text mark.ent").count() == 3


def refuse(route, refusal: str) -> None:
    status, trigger = REFUSED[refusal]
    if status is None:
        route.abort()
        return
    headers = {"Content-Type": "text/html"}
    if trigger:
        headers["HX-Trigger"] = json.dumps(trigger)
    route.fulfill(status=status, headers=headers, body="<p>not swapped</p>")


@pytest.mark.parametrize("refusal", ["stale", "rule", "server"])
def test_a_refused_mark_takes_back_only_itself_and_the_next_mark_is_stored(page, editor, select_in_text, refusal):
    """A mark asked for after a refused one does not rest on it: it stays drawn and is
    stored (after the latest version is fetched, on a 409), and the refusal's message
    stays in view over its answer."""
    version = AnnotationSet.objects.get(document=editor).version
    held = Held(page, CREATE)
    select_in_text("صباح", 0, 4)
    page.keyboard.press("1")
    first = held.next()
    select_in_text("شركة النور", 5, 10)
    page.keyboard.press("2")
    page.wait_for_function("() => document.querySelectorAll('#doc-text mark.ent.pending').length === 2", timeout=2000)
    refuse(first, refusal)
    confirmed_version(page, version + 1)  # the second mark alone was stored
    second = Span.objects.get(start=start_of("النور"))
    assert second.entity_type.key == "ORG"
    assert not Span.objects.filter(start=start_of("صباح")).exists()
    page.locator(f'#doc-text mark.ent[data-id="{second.pk}"]').wait_for()
    assert page.locator('#doc-text mark.ent[data-t="PER"]').count() == 1  # «وليد منصور» alone
    message = page.locator("#editor-messages")
    assert "error" in message.get_attribute("class").split()
    assert page.locator("#editor-messages .taken-back").count() == 0  # nothing else was taken back


def test_without_the_server_every_queued_mark_is_taken_back_and_named(page, editor, select_in_text):
    held = Held(page, CREATE)
    before = page.locator("#doc-text").inner_html()
    select_in_text("صباح", 0, 4)
    page.keyboard.press("1")
    first = held.next()
    select_in_text("شركة النور", 5, 10)
    page.keyboard.press("2")
    page.wait_for_function("() => document.querySelectorAll('#doc-text mark.ent.pending').length === 2", timeout=2000)
    refuse(first, "network")
    page.locator("#editor-messages .taken-back").wait_for(timeout=5000)
    assert "«النور»" in page.locator("#editor-messages .taken-back").inner_text()
    assert page.locator("#doc-text").inner_html() == before
    assert Span.objects.count() == 2


def test_an_undo_asked_for_after_a_refused_mark_is_taken_back_and_named(page, editor, select_in_text):
    """The undo was meant for the refused mark: it is not done (it would undo an earlier
    change), and the message says so; a mark asked for after the undo is still stored."""
    document = editor
    events = document.annotation_sets.get().events.count()
    page.evaluate("""() => {
        window.keysTaken = [];
        window.addEventListener("keydown", (e) => { if (e.defaultPrevented) keysTaken.push(e.code); });
    }""")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    held = Held(page, CREATE)
    page.locator("#doc-text").focus()
    select_in_text("صباح", 0, 4)
    page.keyboard.press("1")
    first = held.next()
    page.keyboard.press("Control+z")
    editor_took(page, "KeyZ")
    select_in_text("شركة النور", 5, 10)
    page.keyboard.press("2")
    page.wait_for_function("() => document.querySelectorAll('#doc-text mark.ent.pending').length === 2", timeout=2000)
    version = AnnotationSet.objects.get(document=document).version
    refuse(first, "rule")
    confirmed_version(page, version + 1)
    assert Span.objects.filter(start=start_of("النور")).exists()
    assert not Span.objects.filter(start=start_of("صباح")).exists()
    assert document.annotation_sets.get().events.count() == events  # nothing undone
    assert not any(url.rstrip("/").endswith("undo") for url in sent)
    note = page.locator("#editor-messages .taken-back")
    assert note.count() == 1
    assert "تراجع" in note.inner_text() or "undo" in note.inner_text()


def quiet(page) -> None:
    """No request on its way and every answer settled (htmx's transient classes gone)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping, .htmx-added')")


def confirmed_version(page, version: int) -> None:
    page.wait_for_function(
        "(v) => document.getElementById('set-state').dataset.version === String(v)"
        " && !document.querySelector('#doc-text mark.pending')", arg=version, timeout=10000,
    )


def test_an_undo_and_a_redo_of_a_mark_show_at_once(page, editor, select_in_text):
    """The page made the mark itself and nothing changed since: Ctrl+Z takes it away
    before the server answers, Ctrl+Shift+Z draws it back, each answer confirming."""
    document = editor
    version = AnnotationSet.objects.get(document=document).version
    page.locator("#doc-text").focus()
    select_in_text("صباح", 0, 4)
    page.keyboard.press("1")
    confirmed_version(page, version + 1)
    span = Span.objects.get(start=start_of("صباح"))

    held = Held(page, "**/undo/")
    page.keyboard.press("Control+z")
    page.wait_for_selector(f'#doc-text mark[data-id="{span.pk}"]', state="detached", timeout=2000)
    assert Span.objects.filter(pk=span.pk).exists()  # drawn before the server answered
    held.release()
    confirmed_version(page, version + 2)
    assert not Span.objects.filter(pk=span.pk).exists()

    held = Held(page, "**/redo/")
    page.keyboard.press("Control+Shift+z")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#doc-text mark.ent.pending')].some((m) => m.textContent === 'صباح')",
        timeout=2000,
    )
    assert not Span.objects.filter(pk=span.pk).exists()
    held.release()
    confirmed_version(page, version + 3)
    page.locator(f'#doc-text mark.ent[data-id="{span.pk}"][data-t="PER"]').wait_for()


@pytest.mark.parametrize("refusal", ["rule", "network"])
def test_an_undo_of_a_change_of_type_shows_at_once_and_a_refusal_puts_the_page_back(page, editor, refusal):
    document = editor
    version = AnnotationSet.objects.get(document=document).version
    gpe = Span.objects.get(start=start_of("بيروت"))
    mark = page.locator(f'#doc-text mark[data-id="{gpe.pk}"]')
    mark.click()
    page.keyboard.press("4")
    confirmed_version(page, version + 1)
    assert mark.get_attribute("data-t") == "LOC"
    page.keyboard.press("Escape")
    quiet(page)
    before = page.locator("#doc-text").inner_html()
    held = Held(page, "**/undo/")
    page.keyboard.press("Control+z")
    page.wait_for_function(
        "(id) => document.querySelector(`#doc-text mark[data-id=\"${id}\"]`).dataset.t === 'GPE'", arg=gpe.pk,
        timeout=2000,
    )
    assert "pending" in mark.get_attribute("class").split()
    refuse(held.next(), refusal)
    page.wait_for_selector("#editor-messages.error")
    assert page.locator("#doc-text").inner_html() == before
    gpe.refresh_from_db()
    assert gpe.entity_type.key == "LOC"


def refusal_as_served(document, stale: bool):
    """The editor view's own refusal of a write (annotate.views.editor._refusal): its
    status, its headers (the tawsim:refused event, HX-Retarget #editor-messages, HX-Reswap
    outerHTML) and its body, the message box, which htmx swaps in and settles after the
    request has let go."""
    from django.test import RequestFactory
    from django_htmx.middleware import HtmxDetails

    from annotate import services
    from annotate.views.editor import _refusal

    request = RequestFactory().post("/", HTTP_HX_REQUEST="true")
    request.htmx = HtmxDetails(request)
    error = (services.StaleVersion if stale else services.Invalid)("لا يُقبل هذا التعديل الآن.")
    response = _refusal(request, AnnotationSet.objects.get(document=document), error)
    assert response["HX-Retarget"] == "#editor-messages" and response["HX-Reswap"] == "outerHTML"
    return {"status": response.status_code, "headers": dict(response.items()), "body": response.content.decode()}


@pytest.mark.parametrize("refusal", ["rule", "stale"])
def test_a_mark_sent_after_a_refused_one_is_kept_when_the_refusal_s_message_box_settles(
    page, editor, select_in_text, refusal
):
    """The server's refusal swaps its message box in, and htmx settles that box after the
    refused request has let go, when the mark queued behind it is already on its way: the
    settling box is about the refused mark alone. The second mark stays drawn, is stored
    once, and Ctrl+Z then undoes it at once (the page knows it made it)."""
    document = editor
    version = AnnotationSet.objects.get(document=document).version
    sent, refreshes = [], []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" and r.url.endswith("/spans/") else None)
    editor_path = page.evaluate("() => document.getElementById('editor').dataset.editorUrl")
    page.on("request", lambda r: refreshes.append(r.url) if r.method == "GET" and editor_path in r.url else None)
    held = Held(page, CREATE)
    page.locator("#doc-text").focus()
    select_in_text("صباح", 0, 4)
    page.keyboard.press("1")
    first = held.next()
    select_in_text("شركة النور", 5, 10)
    page.keyboard.press("2")
    page.wait_for_function("() => document.querySelectorAll('#doc-text mark.ent.pending').length === 2", timeout=2000)
    first.fulfill(**refusal_as_served(document, stale=refusal == "stale"))
    confirmed_version(page, version + 1)
    quiet(page)
    page.wait_for_timeout(300)  # long past the box's settle
    second = Span.objects.get(start=start_of("النور"))
    assert Span.objects.filter(start=start_of("النور")).count() == 1
    assert not Span.objects.filter(start=start_of("صباح")).exists()
    assert len(sent) == 2  # the refused mark and the second one, each once
    assert len(refreshes) == (1 if refusal == "stale" else 0)  # the latest version, fetched once on a conflict
    mark = page.locator(f'#doc-text mark.ent[data-id="{second.pk}"]')
    assert mark.count() == 1 and mark.get_attribute("data-t") == "ORG"
    assert page.evaluate("() => window.getSelection().toString()") != "النور"  # not given back
    assert page.locator("#editor-messages").get_attribute("class").split()[-1] == "error"
    assert page.locator("#editor-messages .taken-back").count() == 0

    held = Held(page, "**/undo/")
    page.keyboard.press("Control+z")
    page.wait_for_selector(f'#doc-text mark[data-id="{second.pk}"]', state="detached", timeout=2000)
    assert Span.objects.filter(pk=second.pk).exists()  # drawn before the server answered
    held.release()
    confirmed_version(page, version + 2)
    assert not Span.objects.filter(pk=second.pk).exists()
    assert AnnotationSet.objects.get(document=document).version == version + 2
