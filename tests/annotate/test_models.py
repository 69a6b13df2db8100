"""Behaviour on the annotation models: the text a span or a trigger covers, and set
statuses labelled in the active language."""
from __future__ import annotations

from django.utils import translation

from annotate import services
from annotate.models import Event, SetStatus, Span


def test_a_span_and_a_trigger_read_their_text_off_the_document(document, annotator):
    own = services.own_set(document, annotator)
    place = document.text.index("القاهرة")
    met = document.text.index("التقى")
    span = services.create_span(own, annotator, entity_type="GPE", start=place, end=place + len("القاهرة"), version=0)
    event = services.create_event(own, annotator, event_type="MEET", trigger_start=met, trigger_end=met + 5, version=1)

    assert Span.objects.select_related("set__document").get(pk=span.pk).text == "القاهرة"
    assert Event.objects.select_related("set__document").get(pk=event.pk).trigger_text == "التقى"


def test_set_statuses_are_labelled_in_arabic_from_the_catalogue(document, annotator):
    own = services.own_set(document, annotator)
    with translation.override("ar"):
        assert own.get_status_display() == "لم يبدأ"
        assert str(SetStatus.SUBMITTED.label) == "مُسلَّم"
    with translation.override("en"):
        assert own.get_status_display() == "not started"
