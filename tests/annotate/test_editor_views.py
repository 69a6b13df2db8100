"""The editor page and its span endpoints: access, services through htmx, conflicts, queries."""
import pytest
from django.urls import reverse

from annotate import services
from annotate.models import AnnotationSet, SetStatus, Span
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def own(document, annotator):
    return services.own_set(document, annotator)


@pytest.fixture
def ann_client(client, annotator):
    client.force_login(annotator)
    return client


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
    assert html.startswith('<div id="doc-text"') and f'data-select="{span.pk}"' in html
    assert 'id="span-panel"' in html and 'id="set-state"' in html and 'hx-swap-oob="true"' in html
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
    response = ann_client.post(reverse("span_create", args=[own.pk]), {"type": "GPE", "start": start, "end": end, "version": 0})
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
    response = ann_client.post(reverse("span_create", args=[own.pk]), {"type": "NOPE", "start": 0, "end": 5, "version": 0}, **HTMX)
    assert response.status_code == 422
    assert "NOPE" in response.content.decode()
    assert not Span.objects.filter(set=own).exists()


def test_malformed_offsets_get_400_naming_the_field(ann_client, own):
    response = ann_client.post(reverse("span_create", args=[own.pk]), {"type": "PER", "start": "x", "end": 5, "version": 0}, **HTMX)
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


@pytest.fixture
def long_document(project):
    text = ("التقى سمير داود في القاهرة يوم ١٢ آذار 2021 مع وفد من دمشق وبحلب. " * 320)[:20_000]
    add_documents(project, [DocumentRecord(external_id="long", title="طويل", text=text)])
    return project.documents.get(external_id="long")


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
def test_editor_query_count_does_not_grow_with_spans(ann_client, long_document, annotator, count, django_assert_max_num_queries):
    fill(long_document, annotator, count)
    # Events and relations (2) and the event and relation type palettes (4) included.
    with django_assert_max_num_queries(18):
        response = ann_client.get(editor_url(long_document))
    assert response.content.decode().count('class="span-item"') == count


def test_span_create_query_count_is_bounded(ann_client, long_document, annotator, django_assert_max_num_queries):
    annotation_set = fill(long_document, annotator, 300)
    start = long_document.text.index("القاهرة", 5000)
    # The service's own, then the editor's partials (schema, events and relations included).
    with django_assert_max_num_queries(18):
        response = ann_client.post(
            reverse("span_create", args=[annotation_set.pk]),
            {"type": "GPE", "start": start, "end": start + 7, "version": 0}, **HTMX,
        )
    assert response.status_code == 200
    assert Span.objects.filter(set=annotation_set).count() == 301


def test_document_text_stays_rtl_when_the_interface_is_english(ann_client, document):
    ann_client.cookies["django_language"] = "en"
    html = ann_client.get(editor_url(document)).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert '<div id="doc-text" class="doc-text" dir="rtl" lang="ar"' in html
    assert "Submit" in html


def test_interface_speaks_arabic_by_default(ann_client, document):
    html = ann_client.get(editor_url(document)).content.decode()
    assert '<html lang="ar" dir="rtl">' in html and "تسليم" in html
