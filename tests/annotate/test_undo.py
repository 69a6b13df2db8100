"""Undo and redo (annotate.services.history) on spans, events with arguments and
relations. Actions are ordered by their transaction's time, so these tests commit
each action (transaction=True), as the editor's requests do."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotate import services
from annotate.models import Argument, Event, Relation, Span, Suggestion
from annotate.services import history, kb
from annotate.services.suggestions import accept_all_suggestions, pending_suggestions
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from tests.annotate.test_services_events import argue, event, span, version

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def document(meeting_doc):
    """These tests annotate texts.MEETING; `own` (conftest) is the annotator's set on it."""
    return meeting_doc


def undo(own, user):
    return history.undo(own, user, version=version(own))


def redo(own, user):
    return history.redo(own, user, version=version(own))


def spans(own):
    return sorted(Span.objects.filter(set=own).values_list("id", "entity_type__key", "start", "end"))


def test_undo_and_redo_a_created_span(own, annotator):
    created = span(own, annotator, "PER", "نبيل حداد")
    assert undo(own, annotator) == "create_span"
    assert spans(own) == [] and version(own) == 2
    assert redo(own, annotator) == "create_span"
    assert spans(own) == [(created.pk, "PER", created.start, created.end)]  # the same id comes back
    assert version(own) == 3


def test_undo_a_type_change_and_a_delete(own, annotator):
    created = span(own, annotator, "PER", "دمشق")
    pk = created.pk
    services.change_span_type(created, annotator, entity_type="GPE", version=version(own))
    services.delete_span(created, annotator, version=version(own))
    undo(own, annotator)
    assert spans(own) == [(pk, "GPE", created.start, created.end)]
    undo(own, annotator)
    assert spans(own) == [(pk, "PER", created.start, created.end)]
    redo(own, annotator)
    assert spans(own)[0][1] == "GPE"


def test_undo_steps_back_through_an_event_with_its_arguments(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    argue(ev, annotator, "Participant", span(own, annotator, "PER", "سمير داود"))
    services.add_argument_from_selection(
        ev, annotator, role="Place", entity_type="GPE", start=MEETING_AT("دمشق")[0], end=MEETING_AT("دمشق")[1],
        version=version(own),
    )
    assert undo(own, annotator) == "add_argument"  # the place and its span go in one step
    assert list(ev.arguments.values_list("role__key", flat=True)) == ["Participant"]
    assert [s[1] for s in spans(own)] == ["PER"]
    undo(own, annotator)
    undo(own, annotator)
    assert not ev.arguments.exists() and spans(own) == []
    assert undo(own, annotator) == "create_event"
    assert not Event.objects.filter(set=own).exists()
    for _ in range(4):
        redo(own, annotator)
    ev = Event.objects.get(set=own)
    assert sorted(ev.arguments.values_list("role__key", flat=True)) == ["Participant", "Place"]
    with pytest.raises(services.Invalid, match="Nothing to redo"):
        redo(own, annotator)


def MEETING_AT(word):
    from tests.annotate.test_services_events import at
    from tests.annotate.texts import MEETING

    return at(MEETING, word)


def test_undo_a_deleted_event_brings_back_its_arguments(own, annotator):
    ev = event(own, annotator, "MEET", "التقى", attributes={"factuality": "REPORTED"})
    first = argue(ev, annotator, "Participant", span(own, annotator, "PER", "سمير داود"))
    second = argue(ev, annotator, "Participant", span(own, annotator, "PER", "نبيل حداد"))
    event_id = ev.pk
    services.delete_event(ev, annotator, version=version(own))
    assert undo(own, annotator) == "delete_event"
    back = Event.objects.get(pk=event_id)
    assert back.attributes == {"factuality": "REPORTED"}
    assert sorted(back.arguments.values_list("pk", flat=True)) == sorted([first.pk, second.pk])


def test_undo_an_attribute_change(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    services.set_event_attribute(ev, annotator, key="factuality", value="DENIED", version=version(own))
    undo(own, annotator)
    assert Event.objects.get(pk=ev.pk).attributes == {"factuality": "ASSERTED"}


def test_undo_relation_create_and_delete(own, annotator):
    person, org = span(own, annotator, "PER", "نبيل حداد"), span(own, annotator, "ORG", "منظمة الأمل")
    relation = services.create_relation(own, annotator, relation_type="AFFILIATION", source=person, target=org,
                                        version=version(own))
    relation_id = relation.pk
    services.delete_relation(relation, annotator, version=version(own))
    undo(own, annotator)
    assert Relation.objects.filter(pk=relation_id, source=person, target=org).exists()
    undo(own, annotator)
    assert not Relation.objects.exists()
    redo(own, annotator)
    assert Relation.objects.filter(pk=relation_id).exists()


def test_undo_deleted_span_restores_its_arguments_and_relations(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    person, org = span(own, annotator, "PER", "نبيل حداد"), span(own, annotator, "ORG", "منظمة الأمل")
    argue(ev, annotator, "Participant", person)
    services.create_relation(own, annotator, relation_type="AFFILIATION", source=person, target=org,
                             version=version(own))
    person_id = person.pk
    services.delete_span(person, annotator, version=version(own))
    assert not Argument.objects.exists() and not Relation.objects.exists()
    undo(own, annotator)
    assert Argument.objects.get().span_id == person_id and Relation.objects.get().source_id == person_id


def test_a_new_action_clears_the_redo_stack(own, annotator):
    span(own, annotator, "PER", "نبيل حداد")
    undo(own, annotator)
    span(own, annotator, "GPE", "دمشق")
    with pytest.raises(services.Invalid, match="Nothing to redo"):
        redo(own, annotator)
    undo(own, annotator)
    assert spans(own) == []
    with pytest.raises(services.Invalid, match="Nothing to undo"):
        undo(own, annotator)


def test_undo_is_per_user_and_per_set(own, annotator, other_annotator, meeting_doc):
    span(own, annotator, "PER", "نبيل حداد")
    theirs = services.own_set(meeting_doc, other_annotator)
    with pytest.raises(services.Invalid, match="Nothing to undo"):
        history.undo(theirs, other_annotator, version=version(theirs))
    assert len(spans(own)) == 1


def test_undo_with_a_stale_version_is_refused_and_nothing_is_lost(own, annotator):
    span(own, annotator, "PER", "نبيل حداد")
    with pytest.raises(services.StaleVersion):
        history.undo(own, annotator, version=0)
    assert len(spans(own)) == 1 and version(own) == 1


def test_undo_refuses_when_a_row_changed_since(own, annotator):
    created = span(own, annotator, "PER", "دمشق")
    # Someone edits the row outside the user's own actions (e.g. a reviewer's tool).
    Span.objects.filter(pk=created.pk).update(end=created.end - 1)
    with pytest.raises(services.Invalid, match="changed since"):
        undo(own, annotator)
    assert Span.objects.filter(pk=created.pk).exists()


def test_submit_is_not_undone_and_a_submitted_set_refuses_undo(own, annotator):
    created = span(own, annotator, "PER", "نبيل حداد")
    argue(event(own, annotator, "MEET", "التقى"), annotator, "Participant", created)
    services.submit_set(own, annotator, version=version(own))
    with pytest.raises(services.Invalid, match="reopen"):
        undo(own, annotator)
    services.reopen_set(own, annotator, version=version(own))
    assert undo(own, annotator) == "add_argument"
    assert not Argument.objects.exists() and Span.objects.filter(pk=created.pk).exists()


def test_history_lists_who_did_what(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    argue(ev, annotator, "Participant", span(own, annotator, "PER", "سمير داود"))
    undo(own, annotator)
    actions = history.set_history(own)
    assert [a.action for a in actions] == ["undo", "add_argument", "create_span", "create_event"]
    assert {a.user for a in actions} == {"ann1"}
    assert actions[3].changes[0].summary.startswith("Meeting «التقى»")
    assert actions[2].changes[0].summary == "Person «سمير داود»"
    assert actions[0].label == "add_argument" and actions[0].changes[0].op == "delete"


def fidan_set(project, user, count):
    """A set marking «هاكان فيدان» `count` times, all linked to one entity by "link all
    identical mentions" (a bulk update) as its last action."""
    add_documents(project, [
        DocumentRecord(external_id=f"fidan-{count}", text="قال هاكان فيدان إن الوفد وصل. " * count),
    ])
    own = services.own_set(project.documents.get(external_id=f"fidan-{count}"), user)
    first = [span(own, user, "PER", "هاكان فيدان", nth) for nth in range(count)][0]
    kb.create_entity_from_span(first, user, version=version(own), name=f"هاكان فيدان {count}")
    assert kb.link_identical_mentions(Span.objects.get(pk=first.pk), user, version=version(own)) == count - 1
    return own


def test_undo_and_redo_of_a_bulk_update_take_as_many_queries_for_30_rows_as_for_3(project, annotator):
    queries = {}
    for count in (3, 30):
        own = fidan_set(project, annotator, count)
        with CaptureQueriesContext(connection) as undone:
            assert undo(own, annotator) == "kb_link_identical"
        assert Span.objects.filter(set=own, kb_entity__isnull=False).count() == 1
        with CaptureQueriesContext(connection) as redone:
            assert redo(own, annotator) == "kb_link_identical"
        assert Span.objects.filter(set=own, kb_entity__isnull=False).count() == count
        queries[count] = (len(undone), len(redone))
    assert queries[30] == queries[3]


def test_undo_and_redo_accept_all_suggestions(own, annotator, meeting_doc):
    per = meeting_doc.project.entity_types.get(key="PER")
    for name in ("سمير داود", "نبيل حداد"):
        start, end = MEETING_AT(name)
        Suggestion.objects.create(document=meeting_doc, tagger="gazetteer", start=start, end=end, entity_type=per)
    assert accept_all_suggestions(own, annotator, entity_type="PER", version=0) == 2
    accepted = spans(own)
    assert pending_suggestions(own) == []
    assert undo(own, annotator) == "accept_all_suggestions"
    assert spans(own) == []
    assert len(pending_suggestions(own)) == 2  # offered again, as before the accept
    assert redo(own, annotator) == "accept_all_suggestions"
    assert spans(own) == accepted
    assert pending_suggestions(own) == []  # their places are taken again
