"""The editor page and its span endpoints: access, services through htmx, conflicts, queries;
a span write answered with only the blocks and list items it changed."""
import json
import re
from html import unescape

import pytest
from django.urls import reverse

from annotate import services
from annotate.models import AnnotationSet, SetStatus, Span, Suggestion
from annotate.pretagging import PretagSettings, save_settings
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

HTMX = {"HTTP_HX_REQUEST": "true"}


def editor_url(document):
    return reverse("editor", args=[document.project.slug, document.pk])


def word(document, text):
    start = document.text.index(text)
    return start, start + len(text)


def make_span(own, annotator, key, text):
    start, end = word(own.document, text)
    own.refresh_from_db()
    return services.create_span(own, annotator, entity_type=key, start=start, end=end, version=own.version)


def test_editor_shows_the_text_rtl_with_the_users_spans(ann_client, document, own, annotator):
    make_span(own, annotator, "PER", "سمير")
    response = ann_client.get(editor_url(document))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="doc-text"' in html and 'dir="rtl" lang="ar"' in html
    assert 'data-t="PER"' in html
    assert f'data-version="{AnnotationSet.objects.get(pk=own.pk).version}"' in html
    assert "HX-Request" in response["Vary"]


def test_editor_does_not_show_another_annotators_spans(client, document, own, annotator, other_annotator):
    make_span(own, annotator, "PER", "سمير")
    client.force_login(other_annotator)
    html = client.get(editor_url(document)).content.decode()
    assert "<mark" not in html


def test_annotator_creates_a_span_through_htmx(ann_client, document, own):
    start, end = word(document, "القاهرة")
    response = ann_client.post(
        reverse("span_create", args=[own.pk]), {"type": "GPE", "start": start + 2, "end": end - 1, "version": 0}, **HTMX
    )
    assert response.status_code == 200
    span = Span.objects.get(set=own)
    assert (span.entity_type.key, span.start, span.end) == ("GPE", start, end)  # snapped to the word
    html = response.content.decode()
    # The answer's main swap names the span to select; the rest comes out of band.
    assert html.startswith(f'<div id="editor-change" hidden data-select="{span.pk}"></div>')
    assert response["HX-Retarget"] == "#editor-change" and response["HX-Reswap"] == "outerHTML"
    assert f'<li id="sl-{span.pk}" data-id="{span.pk}"' in html and 'id="set-state"' in html
    assert 'data-version="1"' in html
    assert "HX-Request" in response["Vary"]


def test_annotator_changes_and_deletes_a_span(ann_client, own, annotator):
    span = make_span(own, annotator, "PER", "القاهرة")
    response = ann_client.post(reverse("span_change_type", args=[span.pk]), {"type": "GPE", "version": 1}, **HTMX)
    assert response.status_code == 200
    assert Span.objects.get(pk=span.pk).entity_type.key == "GPE"
    response = ann_client.post(reverse("span_delete", args=[span.pk]), {"version": 2}, **HTMX)
    assert response.status_code == 200
    assert not Span.objects.filter(pk=span.pk).exists()
    assert 'data-version="3"' in response.content.decode()


def test_plain_form_post_redirects_back_to_the_editor(ann_client, document, own):
    start, end = word(document, "القاهرة")
    response = ann_client.post(reverse("span_create", args=[own.pk]),
                               {"type": "GPE", "start": start, "end": end, "version": 0})
    assert response.status_code == 302 and response["Location"] == editor_url(document)
    assert Span.objects.filter(set=own).count() == 1


def test_stale_version_gets_409_and_nothing_changes(ann_client, own, annotator):
    span = make_span(own, annotator, "PER", "القاهرة")
    response = ann_client.post(reverse("span_change_type", args=[span.pk]), {"type": "GPE", "version": 0}, **HTMX)
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#editor-messages"
    html = response.content.decode()
    assert "reload" in html.lower() or "أعد" in html
    assert Span.objects.get(pk=span.pk).entity_type.key == "PER"
    assert AnnotationSet.objects.get(pk=own.pk).version == 1


def test_invalid_change_gets_422_with_the_reason(ann_client, own):
    response = ann_client.post(reverse("span_create", args=[own.pk]),
                               {"type": "NOPE", "start": 0, "end": 5, "version": 0}, **HTMX)
    assert response.status_code == 422
    assert "NOPE" in response.content.decode()
    assert not Span.objects.filter(set=own).exists()


def test_malformed_offsets_get_400_naming_the_field(ann_client, own):
    response = ann_client.post(reverse("span_create", args=[own.pk]),
                               {"type": "PER", "start": "x", "end": 5, "version": 0}, **HTMX)
    assert response.status_code == 400
    assert "start" in response.content.decode()


def test_submit_locks_the_set_and_reopen_unlocks_it(ann_client, document, own, annotator):
    span = make_span(own, annotator, "PER", "سمير")
    response = ann_client.post(reverse("set_submit", args=[own.pk]), {"version": 1}, **HTMX)
    assert response.status_code == 200 and 'id="reopen-button"' in response.content.decode()
    assert AnnotationSet.objects.get(pk=own.pk).status == SetStatus.SUBMITTED
    response = ann_client.post(reverse("span_delete", args=[span.pk]), {"version": 2}, **HTMX)
    assert response.status_code == 422 and Span.objects.filter(pk=span.pk).exists()
    response = ann_client.post(reverse("set_reopen", args=[own.pk]), {"version": 2}, **HTMX)
    assert response.status_code == 200 and 'id="submit-button"' in response.content.decode()
    assert AnnotationSet.objects.get(pk=own.pk).status == SetStatus.IN_PROGRESS


@pytest.mark.parametrize(
    "endpoint, target, data",
    [
        ("span_create", "set", {"type": "PER", "start": 0, "end": 5, "version": 1}),
        ("set_submit", "set", {"version": 1}),
        ("set_reopen", "set", {"version": 1}),
        ("span_change_type", "span", {"type": "GPE", "version": 1}),
        ("span_delete", "span", {"version": 1}),
    ],
)
def test_another_annotator_gets_404_on_every_endpoint(client, own, annotator, other_annotator, endpoint, target, data):
    span = make_span(own, annotator, "PER", "سمير")
    client.force_login(other_annotator)
    response = client.post(reverse(endpoint, args=[own.pk if target == "set" else span.pk]), data, **HTMX)
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.version == 1 and own.status == SetStatus.IN_PROGRESS
    assert list(Span.objects.filter(set=own).values_list("entity_type__key", flat=True)) == ["PER"]


def test_outsider_gets_404_on_the_editor(client, document, outsider):
    client.force_login(outsider)
    assert client.get(editor_url(document)).status_code == 404


def test_endpoints_refuse_get(ann_client, own):
    assert ann_client.get(reverse("span_create", args=[own.pk])).status_code == 405


def test_htmx_get_of_the_editor_returns_the_partials(ann_client, document):
    response = ann_client.get(editor_url(document), **HTMX)
    html = response.content.decode()
    assert html.startswith('<div id="doc-text"') and "<html" not in html


def fill(document, annotator, count):
    """`count` spans straight through bulk_create: this is test set-up, not a view write."""
    annotation_set = services.own_set(document, annotator)
    types = list(document.project.entity_types.all())
    Span.objects.bulk_create(
        Span(set=annotation_set, entity_type=types[i % len(types)], start=i * 13, end=i * 13 + 4 + i % 9)
        for i in range(count)
    )
    return annotation_set


@pytest.mark.parametrize("count", [10, 1500])
def test_editor_query_count_does_not_grow_with_spans(ann_client, long_document, annotator, count,
                                                     django_assert_max_num_queries):
    fill(long_document, annotator, count)
    # Events and relations (2) and the event and relation type palettes (2) included.
    with django_assert_max_num_queries(18):
        response = ann_client.get(editor_url(long_document))
    assert response.content.decode().count('class="span-item"') == count


@pytest.mark.parametrize("count", [10, 300])
@pytest.mark.parametrize("offers", [False, True])
def test_span_create_query_count_is_bounded(ann_client, long_document, annotator, count, offers,
                                            django_assert_max_num_queries):
    annotation_set = fill(long_document, annotator, count)
    start = long_document.text.index("القاهرة", 5000)
    if not offers:
        save_settings(long_document.project, PretagSettings(taggers=["dates", "gazetteer"]))
    # Session and user (2), the set and the membership (2), the service's own (entity
    # types, snapping, the duplicate check, the insert, the version: 5, in a savepoint:
    # 2), then one for the answer (_read_around). Offering the name's other occurrences
    # (annotate.services.other_occurrences: 4) redraws the whole editor (6 more).
    with django_assert_max_num_queries(22 if offers else 12):
        response = ann_client.post(
            reverse("span_create", args=[annotation_set.pk]),
            {"type": "GPE", "start": start, "end": start + 7, "version": 0}, **HTMX,
        )
    assert response.status_code == 200
    # Without offers the answer is the span's own change; with them, the whole editor.
    assert response.get("HX-Retarget") == (None if offers else "#editor-change")
    assert Span.objects.filter(set=annotation_set).count() == count + 1


def test_the_link_chooser_knows_which_types_each_relation_joins(ann_client, document):
    html = ann_client.get(editor_url(document)).content.decode()
    raw = re.search(r'<script id="relation-types" type="application/json">(.*?)</script>', html).group(1)
    chooser = {r["key"]: (r["sources"], r["targets"]) for r in json.loads(raw)}
    assert chooser == {"AFFILIATION": (["PER"], ["GPE", "ORG"]), "LOCATED_IN": (["FAC", "GPE", "LOC"], ["GPE", "LOC"])}
    relation_type = document.project.relation_types.get(key="AFFILIATION")
    relation_type.target_types.clear()  # a relation type nothing may end at offers no targets
    html = ann_client.get(editor_url(document)).content.decode()
    raw = re.search(r'<script id="relation-types" type="application/json">(.*?)</script>', html).group(1)
    assert {r["key"]: r["targets"] for r in json.loads(raw)}["AFFILIATION"] == []


def test_document_text_stays_rtl_when_the_interface_is_english(ann_client, document):
    ann_client.cookies["django_language"] = "en"
    html = ann_client.get(editor_url(document)).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert '<div id="doc-text" class="doc-text" dir="rtl" lang="ar"' in html
    assert "Submit" in html


def test_interface_speaks_arabic_by_default(ann_client, document):
    html = ann_client.get(editor_url(document)).content.decode()
    assert '<html lang="ar" dir="rtl">' in html and "تسليم" in html


# --- a span write's answer: only what changed ------------------------------------------------

# Three blocks: each sentence, the second ending with the line.
STORY = "التقى سمير داود نظيره في القاهرة. ثم زار الوفد دمشق وحلب.\nوقال المتحدث إن الزيارة كانت مثمرة."
BLOCK_TAG = re.compile(r'<span class="blk" id="(blk-\d+)"([^>]*)>')


def blocks(html: str) -> dict[str, tuple[str, str]]:
    """Each block element in the HTML by id: (its other attributes, its inner HTML). A
    block closes where the depth of <span> elements opened inside it comes back to zero."""
    out = {}
    for opening in BLOCK_TAG.finditer(html):
        depth, at = 1, opening.end()
        for tag in re.finditer(r"<(/?)span\b[^>]*>", html[at:]):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                out[opening.group(1)] = (opening.group(2), html[at:at + tag.start()])
                break
    return out


@pytest.fixture
def story(project):
    add_documents(project, [DocumentRecord(external_id="story", title="زيارة", text=STORY)])
    return project.documents.get(external_id="story")


@pytest.fixture
def story_set(story, annotator):
    return services.own_set(story, annotator)


def post_span(client, name, pk, data):
    return client.post(reverse(name, args=[pk]), data, **HTMX)


def test_span_create_answers_with_the_block_it_touched_and_the_new_version(ann_client, story, story_set, annotator):
    cairo = make_span(story_set, annotator, "GPE", "القاهرة")
    aleppo = make_span(story_set, annotator, "GPE", "وحلب")  # snapped to «حلب»
    start, end = word(story, "دمشق")
    response = post_span(ann_client, "span_create", story_set.pk,
                         {"type": "GPE", "start": start, "end": end, "version": 2})
    assert response.status_code == 200
    damascus = Span.objects.get(set=story_set, start=start)
    html = response.content.decode()
    second = f"blk-{story.text.index('ثم')}"
    assert list(blocks(html)) == [second]  # only the sentence with the new span
    attributes, inner = blocks(html)[second]
    assert 'hx-swap-oob="true"' in attributes
    assert f'data-id="{damascus.pk}"' in inner and f'data-id="{aleppo.pk}"' in inner
    assert "القاهرة" not in html and "المتحدث" not in html and f'data-id="{cairo.pk}"' not in html
    # Into the list before the span that follows it in the text; the count; the version.
    assert f'<ol hx-swap-oob="beforebegin:#sl-{aleppo.pk}"><li id="sl-{damascus.pk}"' in html
    assert '<span class="count" id="span-count" hx-swap-oob="true">3</span>' in html
    assert re.search(r'<div id="set-state"[^>]* data-version="3"[^>]* hx-swap-oob="true"', html)
    assert 'value="3"' in html  # the submit form's version
    assert "دمشق" in unescape(re.search(r'id="editor-messages"[^>]*>(.*?)</div>', html).group(1))


def test_a_span_over_a_sentence_end_redraws_both_sentences(ann_client, story, story_set):
    start, end = story.text.index("القاهرة"), story.text.index("ثم") + 2  # «القاهرة. ثم»
    response = post_span(ann_client, "span_create", story_set.pk,
                         {"type": "LOC", "start": start, "end": end, "version": 0})
    span = Span.objects.get(set=story_set)
    written = blocks(response.content.decode())
    assert list(written) == ["blk-0", f"blk-{story.text.index('ثم')}"]
    assert all(f'data-id="{span.pk}"' in inner for _attributes, inner in written.values())


def test_the_last_span_in_the_text_goes_at_the_end_of_the_list(ann_client, story, story_set, annotator):
    make_span(story_set, annotator, "GPE", "القاهرة")
    start, end = word(story, "المتحدث")
    response = post_span(ann_client, "span_create", story_set.pk,
                         {"type": "PER", "start": start, "end": end, "version": 1})
    assert '<ol hx-swap-oob="beforeend:#span-list"><li id="sl-' in response.content.decode()


def test_a_written_block_is_the_block_the_whole_page_shows(ann_client, story, story_set, annotator):
    ev = services.create_event(story_set, annotator, event_type="MEET", trigger_start=0, trigger_end=5, version=0)
    start, end = word(story, "سمير داود")
    response = post_span(ann_client, "span_create", story_set.pk,
                         {"type": "PER", "start": start, "end": end, "version": 1})
    written = blocks(response.content.decode())
    page = blocks(ann_client.get(editor_url(story)).content.decode())
    assert len(page) == 3 and list(written) == ["blk-0"]
    assert written["blk-0"][1] == page["blk-0"][1]
    assert f'data-ev="{ev.pk}"' in written["blk-0"][1] and 'class="trg incomplete' in written["blk-0"][1]


def test_change_type_replaces_the_list_item_and_delete_removes_it(ann_client, story, story_set, annotator):
    span = make_span(story_set, annotator, "PER", "دمشق")
    response = post_span(ann_client, "span_change_type", span.pk, {"type": "GPE", "version": 1})
    html = response.content.decode()
    assert html.startswith(f'<div id="editor-change" hidden data-select="{span.pk}">')
    colour = span.set.document.project.entity_types.get(key="GPE").colour
    assert f'<li id="sl-{span.pk}" data-id="{span.pk}" data-colour="{colour}" hx-swap-oob="true">' in html
    assert 'data-t="GPE"' in html and 'data-version="2"' in html

    response = post_span(ann_client, "span_delete", span.pk, {"version": 2})
    html = response.content.decode()
    assert html.startswith('<div id="editor-change" hidden></div>')  # nothing left to select
    assert f'<li id="sl-{span.pk}" hx-swap-oob="delete"></li>' in html
    assert "<mark" not in html and f"blk-{story.text.index('ثم')}" in html
    assert 'id="span-count" hx-swap-oob="true">0<' in html and 'data-version="3"' in html


def annotations(html: str) -> dict:
    raw = re.search(r'<div id="ann-data" hidden data-json="([^"]*)"', html).group(1)
    return json.loads(unescape(raw))


def test_deleting_a_role_filler_redraws_the_whole_editor(ann_client, story, story_set, annotator):
    ev = services.create_event(story_set, annotator, event_type="MEET", trigger_start=0, trigger_end=5, version=0)
    person = make_span(story_set, annotator, "PER", "سمير داود")
    story_set.refresh_from_db()
    services.add_argument(ev, annotator, role="Participant", span=person, version=story_set.version)
    response = post_span(ann_client, "span_delete", person.pk, {"version": 3, "event": ev.pk})
    html = response.content.decode()
    assert html.startswith('<div id="doc-text"')  # the event panel and its arcs change too
    assert annotations(html)["events"][0]["args"] == []
    assert 'class="slot missing" data-role="Participant"' in html


def test_deleting_a_link_end_redraws_the_whole_editor(ann_client, story, story_set, annotator):
    person = make_span(story_set, annotator, "PER", "سمير داود")
    delegation = make_span(story_set, annotator, "ORG", "الوفد")
    story_set.refresh_from_db()
    services.create_relation(story_set, annotator, relation_type="AFFILIATION", source=person, target=delegation,
                             version=story_set.version)
    response = post_span(ann_client, "span_delete", delegation.pk, {"version": 3})
    html = response.content.decode()
    assert html.startswith('<div id="doc-text"') and annotations(html)["relations"] == []


def test_marking_a_suggestions_place_redraws_the_whole_editor(ann_client, story, story_set):
    start, end = word(story, "دمشق")
    gpe = story.project.entity_types.get(key="GPE")
    Suggestion.objects.create(document=story, tagger="gazetteer", score=0.9, start=start, end=end, entity_type=gpe)
    response = post_span(ann_client, "span_create", story_set.pk,
                         {"type": "GPE", "start": start, "end": end, "version": 0})
    html = response.content.decode()
    assert html.startswith('<div id="doc-text"') and annotations(html)["suggestions"] == []
    assert 'id="sug-count">0<' in html


def test_a_suggestion_elsewhere_stays_in_the_written_block(ann_client, story, story_set):
    start, end = word(story, "حلب")
    gpe = story.project.entity_types.get(key="GPE")
    aleppo = Suggestion.objects.create(document=story, tagger="gazetteer", score=0.9, start=start, end=end,
                                       entity_type=gpe)
    start, end = word(story, "دمشق")
    response = post_span(ann_client, "span_create", story_set.pk,
                         {"type": "GPE", "start": start, "end": end, "version": 0})
    html = response.content.decode()
    assert html.startswith('<div id="editor-change"')
    assert re.search(rf'<mark class="sug[^"]*" data-sug="{aleppo.pk}"', html)


def test_a_stale_span_write_changes_nothing_on_the_page(ann_client, story, story_set, annotator):
    make_span(story_set, annotator, "PER", "دمشق")
    start, end = word(story, "القاهرة")
    response = post_span(ann_client, "span_create", story_set.pk,
                         {"type": "GPE", "start": start, "end": end, "version": 0})
    assert response.status_code == 409 and response["HX-Retarget"] == "#editor-messages"
    assert "blk-" not in response.content.decode() and Span.objects.filter(set=story_set).count() == 1
    refused = json.loads(response["HX-Trigger"])["tawsim:refused"]
    assert refused["status"] == 409 and refused["version"] == 1 and refused["message"] in response.content.decode()
