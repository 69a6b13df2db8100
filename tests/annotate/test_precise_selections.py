"""Snapping in the editor's writes: the knowledge base's names count as known, a precise
selection is not widened, and a selection drawn with Alt (exact=1) is taken as drawn."""
import pytest
from django.urls import reverse

from annotate import services
from annotate.models import Event, Span
from annotate.services import ANY_VERSION
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

HTMX = {"HTTP_HX_REQUEST": "true"}

# Made up for these tests: «حقان فيدان» appears only with a glued conjunction.
TEXT = "وصل إلى المدينة أمس وحقان فيدان رئيس البعثة، والتقى مسؤولين في المحافظة."


@pytest.fixture
def story(project, annotator):
    add_documents(project, [DocumentRecord(external_id="precise-1", title="بعثة", text=TEXT)])
    document = project.documents.get(external_id="precise-1")
    return services.own_set(document, annotator)


def at(text: str, inner: tuple[int, int] | None = None) -> tuple[int, int]:
    start = TEXT.index(text)
    a, b = inner or (0, len(text))
    return start + a, start + b


def marked(annotation_set, user, start: int, end: int) -> str:
    span = services.create_span(annotation_set, user, entity_type="PER", start=start, end=end, version=ANY_VERSION)
    return TEXT[span.start:span.end]


def test_without_evidence_a_whole_selection_keeps_the_glued_conjunction(story, annotator):
    assert marked(story, annotator, *at("وحقان فيدان")) == "وحقان فيدان"


def test_a_name_in_the_knowledge_base_is_evidence_for_the_cut(story, annotator, project):
    services.create_entity(project, annotator, entity_type="PER", name="حقان فيدان")
    assert marked(story, annotator, *at("وحقان فيدان")) == "حقان فيدان"


def test_an_alias_in_the_knowledge_base_counts_too(story, annotator, project):
    services.create_entity(project, annotator, entity_type="PER", name="هاكان فيدان", aliases=["حقان فيدان"])
    assert marked(story, annotator, *at("وحقان فيدان")) == "حقان فيدان"


def test_another_projects_knowledge_base_does_not_count(story, annotator):
    from corpus.presets import create_project_from_preset

    other = create_project_from_preset("مشروع آخر", slug="other-kb", preset="news-ar")
    services.create_entity(other, annotator, entity_type=other.entity_types.get(key="PER"), name="حقان فيدان")
    assert marked(story, annotator, *at("وحقان فيدان")) == "وحقان فيدان"


def test_a_selection_drawn_right_after_the_conjunction_is_not_widened(ann_client, story):
    start, end = at("وحقان فيدان", (1, len("وحقان فيدان")))
    response = ann_client.post(reverse("span_create", args=[story.pk]),
                               {"type": "PER", "start": start, "end": end, "version": 0}, **HTMX)
    assert response.status_code == 200
    span = Span.objects.get(set=story)
    assert TEXT[span.start:span.end] == "حقان فيدان"


def test_a_partial_word_is_still_completed(ann_client, story):
    start, end = at("المحافظة", (2, 5))
    ann_client.post(reverse("span_create", args=[story.pk]),
                    {"type": "GPE", "start": start, "end": end, "version": 0}, **HTMX)
    span = Span.objects.get(set=story)
    assert TEXT[span.start:span.end] == "المحافظة"


def test_a_selection_drawn_with_alt_is_taken_exactly_as_drawn(ann_client, story):
    start, end = at("المحافظة", (2, 5))
    response = ann_client.post(reverse("span_create", args=[story.pk]),
                               {"type": "GPE", "start": start, "end": end, "exact": "1", "version": 0}, **HTMX)
    assert response.status_code == 200
    span = Span.objects.get(set=story)
    assert TEXT[span.start:span.end] == "محا"


def test_an_event_trigger_and_a_role_filler_drawn_with_alt_are_taken_as_drawn(ann_client, story):
    start, end = at("والتقى")
    response = ann_client.post(reverse("event_create", args=[story.pk]),
                               {"type": "MEET", "start": start + 1, "end": end - 1, "exact": "1", "version": 0},
                               **HTMX)
    assert response.status_code == 200
    event = Event.objects.get(set=story)
    assert TEXT[event.trigger_start:event.trigger_end] == "التق"
    start, end = at("وحقان فيدان", (0, 5))
    response = ann_client.post(reverse("argument_add", args=[event.pk]),
                               {"role": "Participant", "type": "PER", "start": start, "end": end, "exact": "1",
                                "version": 1}, **HTMX)
    assert response.status_code == 200
    argument = event.arguments.get()
    assert TEXT[argument.span.start:argument.span.end] == "وحقان"
