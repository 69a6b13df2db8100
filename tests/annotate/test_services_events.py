"""annotate.services events: every schema constraint on events, arguments and
attributes, with the message the annotator reads; submit blocked by a missing role;
stale versions refused with nothing lost."""
from __future__ import annotations

import pytest

from annotate import services
from annotate.models import AnnotationSet, Argument, Event, SetStatus, Span
from tests.annotate.texts import MEETING


@pytest.fixture
def document(meeting_doc):
    """These tests annotate texts.MEETING; `own` (conftest) is the annotator's set on it."""
    return meeting_doc


def at(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def version(annotation_set: AnnotationSet) -> int:
    return AnnotationSet.objects.get(pk=annotation_set.pk).version


def span(own, user, key: str, word: str, nth: int = 0) -> Span:
    start, end = at(own.document.text, word, nth)
    return services.create_span(own, user, entity_type=key, start=start, end=end, version=version(own))


def event(own, user, key: str, trigger: str, **extra) -> Event:
    start, end = at(own.document.text, trigger)
    return services.create_event(
        own, user, event_type=key, trigger_start=start, trigger_end=end, version=version(own), **extra
    )


def argue(ev: Event, user, role: str, filler: Span) -> Argument:
    return services.add_argument(ev, user, role=role, span=filler, version=version(ev.set))


# --- events -----------------------------------------------------------------------------

def test_create_event_snaps_the_trigger_and_sets_default_attributes(own, annotator):
    start, end = at(MEETING, "التقى")
    ev = services.create_event(own, annotator, event_type="MEET", trigger_start=start + 1, trigger_end=end - 1,
                               version=0)
    assert (ev.trigger_start, ev.trigger_end) == (start, end)
    assert ev.attributes == {"factuality": "ASSERTED"}
    assert version(own) == 1 and AnnotationSet.objects.get(pk=own.pk).status == SetStatus.IN_PROGRESS


def test_unknown_event_type_is_named(own, annotator):
    with pytest.raises(services.Invalid, match="PARTY") as error:
        event(own, annotator, "PARTY", "التقى")
    assert error.value.field == "event_type"
    assert not Event.objects.filter(set=own).exists() and version(own) == 0


def test_trigger_outside_the_text_is_refused(own, annotator):
    with pytest.raises(services.Invalid) as error:
        services.create_event(own, annotator, event_type="MEET", trigger_start=3, trigger_end=len(MEETING) + 2,
                              version=0)
    assert error.value.field == "trigger_start"


def test_create_event_with_attributes_validates_them(own, annotator):
    with pytest.raises(services.Invalid, match="MAYBE") as error:
        event(own, annotator, "MEET", "التقى", attributes={"factuality": "MAYBE"})
    assert error.value.field == "attributes" and "asserted" in error.value.message
    ev = event(own, annotator, "MEET", "التقى", attributes={"factuality": "PLANNED"})
    assert ev.attributes == {"factuality": "PLANNED"}


def test_stale_version_on_create_event_is_refused_and_nothing_is_lost(own, annotator):
    kept = event(own, annotator, "MEET", "التقى")
    with pytest.raises(services.StaleVersion, match="version"):
        services.create_event(own, annotator, event_type="STATEMENT", trigger_start=0, trigger_end=5, version=0)
    assert list(Event.objects.filter(set=own)) == [kept] and version(own) == 1


# --- arguments ----------------------------------------------------------------------------

def test_a_date_cannot_be_a_participant(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    date = span(own, annotator, "DATE", "١٢ آذار 2021")
    with pytest.raises(services.Invalid) as error:
        argue(ev, annotator, "Participant", date)
    assert error.value.message == (
        "A Date cannot be the Participant of a Meeting event (allowed: Geo-political entity, Organisation, Person)."
    )
    assert error.value.field == "role"
    assert not ev.arguments.exists()


def test_speaker_takes_exactly_one(own, annotator):
    ev = event(own, annotator, "STATEMENT", "وقال")
    argue(ev, annotator, "Speaker", span(own, annotator, "PER", "سمير داود", nth=1))
    before = version(own)
    with pytest.raises(services.Invalid, match="Statement takes at most 1 Speaker; remove one first."):
        argue(ev, annotator, "Speaker", span(own, annotator, "PER", "نبيل حداد"))
    assert ev.arguments.count() == 1 and version(own) == before + 1  # only the span was added


def test_unknown_role_names_the_roles_of_the_event(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    with pytest.raises(services.Invalid) as error:
        argue(ev, annotator, "Speaker", span(own, annotator, "PER", "سمير داود"))
    assert "Meeting has no role «Speaker»" in error.value.message
    assert "Participant, Place, Time, Mediator, Source" in error.value.message
    assert error.value.field == "role"


def test_argument_from_another_set_is_refused(own, annotator, other_annotator, meeting_doc):
    ev = event(own, annotator, "MEET", "التقى")
    theirs = services.own_set(meeting_doc, other_annotator)
    foreign = span(theirs, other_annotator, "PER", "سمير داود")
    with pytest.raises(services.Invalid, match="same annotation set") as error:
        argue(ev, annotator, "Participant", foreign)
    assert error.value.field == "span" and not ev.arguments.exists()


def test_the_same_span_cannot_fill_a_role_twice(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    person = span(own, annotator, "PER", "سمير داود")
    argue(ev, annotator, "Participant", person)
    with pytest.raises(services.Invalid, match="already fills this role"):
        argue(ev, annotator, "Participant", person)
    assert ev.arguments.count() == 1


def test_argument_from_selection_creates_the_span_and_fills_the_role_in_one_version(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    start, end = at(MEETING, "دمشق")
    argument = services.add_argument_from_selection(
        ev, annotator, role="Place", entity_type="GPE", start=start + 1, end=end, version=1
    )
    assert (argument.span.start, argument.span.end, argument.span.entity_type.key) == (start, end, "GPE")
    assert argument.role.key == "Place" and version(own) == 2


def test_argument_from_selection_reuses_an_identical_span(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    person = span(own, annotator, "PER", "نبيل حداد")
    start, end = at(MEETING, "نبيل حداد")
    argument = services.add_argument_from_selection(
        ev, annotator, role="Participant", entity_type="PER", start=start, end=end, version=version(own)
    )
    assert argument.span == person and Span.objects.filter(set=own).count() == 1


def test_argument_from_selection_refused_creates_no_span(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    start, end = at(MEETING, "١٢ آذار 2021")
    with pytest.raises(services.Invalid, match="A Date cannot be the Place"):
        services.add_argument_from_selection(ev, annotator, role="Place", entity_type="DATE", start=start, end=end,
                                             version=1)
    assert not Span.objects.filter(set=own).exists() and version(own) == 1


def test_stale_version_on_add_argument_keeps_everything(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    person = span(own, annotator, "PER", "سمير داود")
    with pytest.raises(services.StaleVersion):
        services.add_argument(ev, annotator, role="Participant", span=person, version=1)
    assert not ev.arguments.exists() and Span.objects.filter(pk=person.pk).exists() and version(own) == 2


def test_remove_argument_keeps_the_span(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    person = span(own, annotator, "PER", "سمير داود")
    argument = argue(ev, annotator, "Participant", person)
    services.remove_argument(argument, annotator, version=version(own))
    assert not ev.arguments.exists() and Span.objects.filter(pk=person.pk).exists()


def test_delete_event_removes_arguments_but_not_their_spans(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    person = span(own, annotator, "PER", "سمير داود")
    argue(ev, annotator, "Participant", person)
    services.delete_event(ev, annotator, version=version(own))
    assert not Event.objects.filter(set=own).exists() and not Argument.objects.exists()
    assert Span.objects.filter(pk=person.pk).exists()


# --- changing the type ---------------------------------------------------------------------

def test_change_event_type_keeps_arguments_the_new_type_accepts(own, annotator):
    ev = event(own, annotator, "MEET", "التقى", attributes={"factuality": "DENIED"})
    argue(ev, annotator, "Place", span(own, annotator, "GPE", "دمشق"))
    argue(ev, annotator, "Time", span(own, annotator, "DATE", "١٢ آذار 2021"))
    services.change_event_type(ev, annotator, event_type="STATEMENT", version=version(own))
    ev.refresh_from_db()
    assert ev.event_type.key == "STATEMENT" and ev.attributes == {"factuality": "DENIED"}
    roles = sorted((a.role.event_type.key, a.role.key) for a in ev.arguments.select_related("role__event_type"))
    assert roles == [("STATEMENT", "Place"), ("STATEMENT", "Time")]


def test_change_event_type_refuses_to_drop_an_argument(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    argue(ev, annotator, "Participant", span(own, annotator, "PER", "سمير داود"))
    before = version(own)
    with pytest.raises(services.Invalid, match="Statement has no role «Participant»"):
        services.change_event_type(ev, annotator, event_type="STATEMENT", version=before)
    ev.refresh_from_db()
    assert ev.event_type.key == "MEET" and ev.arguments.get().role.key == "Participant" and version(own) == before


def test_change_event_type_refuses_a_filler_the_new_role_does_not_accept(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    argue(ev, annotator, "Source", span(own, annotator, "PER", "سمير داود"))
    argue(ev, annotator, "Mediator", span(own, annotator, "ORG", "منظمة الأمل"))
    with pytest.raises(services.Invalid, match="Statement has no role «Mediator»"):
        services.change_event_type(ev, annotator, event_type="STATEMENT", version=version(own))


# --- attributes -----------------------------------------------------------------------------

def test_set_attribute_to_a_schema_value(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    services.set_event_attribute(ev, annotator, key="factuality", value="REPORTED", version=1)
    assert Event.objects.get(pk=ev.pk).attributes == {"factuality": "REPORTED"}


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("factuality", "MAYBE",
         "«MAYBE» is not a value of Factuality (allowed: asserted, reported, denied, planned, hypothetical)."),
        ("colour", "red", "Meeting events have no attribute «colour»."),
    ],
)
def test_attribute_values_outside_the_schema_are_refused(own, annotator, key, value, message):
    ev = event(own, annotator, "MEET", "التقى")
    with pytest.raises(services.Invalid) as error:
        services.set_event_attribute(ev, annotator, key=key, value=value, version=1)
    assert error.value.message == message and error.value.field == "attributes"
    assert Event.objects.get(pk=ev.pk).attributes == {"factuality": "ASSERTED"} and version(own) == 1


def test_bool_and_text_attributes_check_their_kind(own, annotator, project):
    from corpus.models import AttributeType

    AttributeType.objects.create(project=project, key="violent", name_ar="عنيف", name_en="Violent", kind="bool")
    AttributeType.objects.create(project=project, key="note", name_ar="ملاحظة", name_en="Note", kind="text")
    project.forget_schema()
    own.document.project.forget_schema()
    ev = event(own, annotator, "MEET", "التقى")
    with pytest.raises(services.Invalid, match="Violent takes true or false."):
        services.set_event_attribute(ev, annotator, key="violent", value="yes", version=version(own))
    with pytest.raises(services.Invalid, match="Note takes text."):
        services.set_event_attribute(ev, annotator, key="note", value=3, version=version(own))
    services.set_event_attribute(ev, annotator, key="violent", value=False, version=version(own))
    services.set_event_attribute(ev, annotator, key="note", value="مصدر واحد", version=version(own))
    assert Event.objects.get(pk=ev.pk).attributes == {"factuality": "ASSERTED", "violent": False, "note": "مصدر واحد"}


def test_stale_version_on_attribute_keeps_the_old_value(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    with pytest.raises(services.StaleVersion):
        services.set_event_attribute(ev, annotator, key="factuality", value="DENIED", version=0)
    assert Event.objects.get(pk=ev.pk).attributes == {"factuality": "ASSERTED"}


# --- submit ---------------------------------------------------------------------------------

def test_missing_required_role_blocks_submit_naming_event_and_role(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    assert services.set_problems(own) == ["MEET «التقى» needs at least 1 Participant."]
    with pytest.raises(services.Invalid) as error:
        services.submit_set(own, annotator, version=version(own))
    assert "MEET «التقى» needs at least 1 Participant." in error.value.message and error.value.field == "events"
    assert AnnotationSet.objects.get(pk=own.pk).status == SetStatus.IN_PROGRESS
    argue(ev, annotator, "Participant", span(own, annotator, "PER", "سمير داود"))
    services.submit_set(own, annotator, version=version(own))
    assert AnnotationSet.objects.get(pk=own.pk).status == SetStatus.SUBMITTED


def test_work_in_progress_is_saved_despite_a_missing_role(own, annotator):
    ev = event(own, annotator, "STATEMENT", "وقال")
    services.set_event_attribute(ev, annotator, key="factuality", value="REPORTED", version=version(own))
    assert services.set_problems(own) == ["STATEMENT «وقال» needs at least 1 Speaker."]
    assert Event.objects.get(pk=ev.pk).attributes["factuality"] == "REPORTED"


def test_a_submitted_set_refuses_event_changes(own, annotator):
    ev = event(own, annotator, "MEET", "التقى")
    argue(ev, annotator, "Participant", span(own, annotator, "PER", "سمير داود"))
    services.submit_set(own, annotator, version=version(own))
    with pytest.raises(services.Invalid, match="reopen"):
        services.delete_event(ev, annotator, version=version(own))
    assert Event.objects.filter(pk=ev.pk).exists()
