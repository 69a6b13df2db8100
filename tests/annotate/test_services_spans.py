import pytest

from annotate import services
from annotate.models import SetStatus, Span, SpanHistory


def test_create_span_snaps_to_token_and_bumps_version(document, own, annotator):
    start = document.text.index("سمير")
    span = services.create_span(own, annotator, entity_type="PER", start=start + 1, end=start + 3, version=0)
    assert document.text[span.start:span.end] == "سمير"
    own.refresh_from_db()
    assert own.version == 1 and own.status == SetStatus.IN_PROGRESS


def test_stale_version_is_refused_and_nothing_is_lost(document, own, annotator):
    start = document.text.index("القاهرة")
    services.create_span(own, annotator, entity_type="GPE", start=start, end=start + 7, version=0)
    with pytest.raises(services.StaleVersion):
        services.create_span(own, annotator, entity_type="PER", start=0, end=5, version=0)
    assert list(Span.objects.filter(set=own).values_list("entity_type__key", flat=True)) == ["GPE"]


def test_offsets_outside_text_are_refused(document, own, annotator):
    with pytest.raises(services.Invalid) as error:
        services.create_span(own, annotator, entity_type="PER", start=5, end=len(document.text) + 1, version=0)
    assert error.value.field == "start"


def test_unknown_type_is_named(own, annotator):
    with pytest.raises(services.Invalid, match="NOPE"):
        services.create_span(own, annotator, entity_type="NOPE", start=0, end=5, version=0)


def test_every_change_is_recorded_with_its_author(document, own, annotator):
    start = document.text.index("القاهرة")
    span = services.create_span(own, annotator, entity_type="GPE", start=start, end=start + 7, version=0)
    services.change_span_type(span, annotator, entity_type="LOC", version=1)
    span_id = span.pk
    services.delete_span(span, annotator, version=2)
    history = list(SpanHistory.objects.filter(pgh_obj_id=span_id).order_by("pgh_id"))
    assert [h.pgh_label for h in history] == ["insert", "update", "delete"]
    assert all(h.pgh_context.metadata["user"] == annotator.pk for h in history)


def test_a_span_filling_a_role_cannot_take_a_type_the_role_refuses(document, own, annotator):
    trigger = document.text.index("التقى")
    event = services.create_event(own, annotator, event_type="MEET", trigger_start=trigger,
                                  trigger_end=trigger + 5, version=0)
    name = document.text.index("سمير داود")
    services.add_argument_from_selection(event, annotator, role="Participant", entity_type="PER",
                                         start=name, end=name + 9, version=1)
    span = own.spans.get()
    with pytest.raises(services.Invalid, match="Participant of a MEET"):
        services.change_span_type(span, annotator, entity_type="DATE", version=2)
    span.refresh_from_db()
    assert span.entity_type.key == "PER"


def test_changing_type_drops_a_link_to_an_entity_of_the_old_type(document, own, annotator):
    from annotate.models import KBEntity

    start = document.text.index("القاهرة")
    span = services.create_span(own, annotator, entity_type="GPE", start=start, end=start + 7, version=0)
    cairo = KBEntity.objects.create(project=document.project, name="القاهرة",
                                    entity_type=document.project.entity_types.get(key="GPE"))
    Span.objects.filter(pk=span.pk).update(kb_entity=cairo)
    span.refresh_from_db()
    services.change_span_type(span, annotator, entity_type="LOC", version=1)
    span.refresh_from_db()
    assert span.entity_type.key == "LOC" and span.kb_entity is None


def test_marking_the_same_text_twice_is_refused_and_changes_nothing(document, own, annotator):
    start = document.text.index("القاهرة")
    first = services.create_span(own, annotator, entity_type="GPE", start=start, end=start + 7, version=own.version)
    own.refresh_from_db()
    version = own.version
    # a sloppier selection of the same word snaps onto the same span
    with pytest.raises(services.Invalid, match="already marked"):
        services.create_span(own, annotator, entity_type="GPE", start=start + 1, end=start + 6, version=version)
    own.refresh_from_db()
    assert own.version == version
    assert list(own.spans.values_list("pk", flat=True)) == [first.pk]
    assert SpanHistory.objects.filter(pgh_obj_id=first.pk).count() == 1
    assert SpanHistory.objects.filter(set_id=own.pk).count() == 1
