"""Give the demo project three annotators' submitted sets on four documents, with the
kind of disagreements real annotators have (a boundary one word longer, another type
for a place, a missed mention, a different factuality), so the agreement page has
something to show. Everything goes through annotate.services, so history is recorded.
Safe to run again: submitted sets are left alone. Run `manage.py load_demo` first."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotate import services
from annotate.models import SetStatus
from corpus.models import Membership, Project, Role

SLUG = "demo"
NEW_ANNOTATOR = ("annotator3", "annotator3-demo")
ANNOTATORS = ("annotator1", "annotator2", "annotator3")

# Per document and annotator: spans as (type, text) or (type, text, occurrence), and
# events as (type, trigger text, factuality, [(role, entity type, text[, occurrence]), ...]).
SPANS = {
    "demo-01": {
        "annotator1": [("PER", "سمير داود"), ("PER", "كمال الحسيني"), ("GPE", "القاهرة"),
                       ("DATE", "الخميس ١٢ آذار/مارس 2026"), ("PER", "داود", 2), ("GPE", "عمّان")],
        "annotator2": [("PER", "سمير داود"), ("PER", "كمال الحسيني"), ("GPE", "القاهرة"),
                       ("DATE", "١٢ آذار/مارس 2026"), ("PER", "داود", 2), ("GPE", "عمّان")],
        "annotator3": [("PER", "سمير داود"), ("PER", "الحسيني"), ("LOC", "القاهرة"),
                       ("DATE", "الخميس ١٢ آذار/مارس 2026"), ("GPE", "عمّان")],
    },
    "demo-02": {
        "annotator1": [("GPE", "سلطنة عمان"), ("GPE", "مصر"), ("GPE", "السودان"), ("GPE", "مسقط"),
                       ("ORG", "وكالة الأنباء الوطنية"), ("GPE", "الخرطوم"), ("DATE", "مطلع كانون الثاني المقبل")],
        "annotator2": [("GPE", "سلطنة عمان"), ("GPE", "مصر"), ("GPE", "السودان"), ("GPE", "مسقط"),
                       ("ORG", "وكالة الأنباء الوطنية"), ("GPE", "الخرطوم"), ("DATE", "كانون الثاني المقبل")],
        "annotator3": [("GPE", "عمان"), ("GPE", "مصر"), ("GPE", "السودان"), ("GPE", "مسقط"),
                       ("ORG", "وكالة الأنباء"), ("GPE", "الخرطوم")],
    },
    "demo-03": {
        "annotator1": [("ORG", "وزارة الدفاع"), ("PER", "رامي الخطيب"), ("FAC", "مطار بيروت"), ("GPE", "بيروت"),
                       ("ORG", "The Daily Post"), ("DATE", "الإثنين")],
        "annotator2": [("ORG", "وزارة الدفاع"), ("PER", "رامي الخطيب"), ("FAC", "مطار بيروت"),
                       ("ORG", "صحيفة The Daily Post"), ("DATE", "يوم الإثنين")],
        "annotator3": [("ORG", "وزارة الدفاع"), ("PER", "العميد رامي الخطيب"), ("LOC", "مطار بيروت"),
                       ("GPE", "بيروت"), ("ORG", "The Daily Post")],
    },
    "demo-04": {
        "annotator1": [("ORG", "قيادة الجيش"), ("FAC", "معبر الريان"), ("GPE", "حلب"),
                       ("DATE", "السبت ٢٠ حزيران/يونيو ٢٠٢٦"), ("GPE", "حلب", 2), ("GPE", "إدلب")],
        "annotator2": [("ORG", "قيادة الجيش"), ("FAC", "معبر الريان الحدودي"), ("GPE", "مدينة حلب"),
                       ("DATE", "فجر السبت ٢٠ حزيران/يونيو ٢٠٢٦"), ("GPE", "حلب", 2), ("GPE", "إدلب")],
        "annotator3": [("ORG", "قيادة الجيش"), ("LOC", "معبر الريان"), ("GPE", "حلب"),
                       ("DATE", "السبت ٢٠ حزيران/يونيو ٢٠٢٦"), ("GPE", "إدلب")],
    },
}

EVENTS = {
    "demo-01": {
        "annotator1": [
            ("MEET", "التقى", "ASSERTED", [("Participant", "PER", "سمير داود"), ("Participant", "PER", "كمال الحسيني"),
                                           ("Place", "GPE", "القاهرة"), ("Time", "DATE", "الخميس ١٢ آذار/مارس 2026")]),
            ("STATEMENT", "قال", "ASSERTED", [("Speaker", "PER", "داود", 2)]),
        ],
        "annotator2": [
            ("MEET", "التقى", "ASSERTED", [("Participant", "PER", "سمير داود"), ("Participant", "PER", "كمال الحسيني"),
                                           ("Place", "GPE", "القاهرة")]),
            ("STATEMENT", "قال", "ASSERTED", [("Speaker", "PER", "داود", 2)]),
        ],
        "annotator3": [
            ("MEET", "التقى", "REPORTED", [("Participant", "PER", "سمير داود"), ("Participant", "PER", "الحسيني"),
                                           ("Place", "LOC", "القاهرة")]),
        ],
    },
    "demo-02": {
        "annotator1": [("MEET", "محادثات", "ASSERTED", [("Participant", "GPE", "مصر"), ("Participant", "GPE", "السودان"),
                                                        ("Place", "GPE", "مسقط"), ("Mediator", "GPE", "سلطنة عمان")])],
        "annotator2": [("MEET", "محادثات", "REPORTED", [("Participant", "GPE", "مصر"), ("Participant", "GPE", "السودان"),
                                                        ("Place", "GPE", "مسقط"), ("Mediator", "GPE", "سلطنة عمان")])],
        "annotator3": [("MEET", "محادثات", "REPORTED", [("Participant", "GPE", "مصر"), ("Participant", "GPE", "السودان"),
                                                        ("Place", "GPE", "مسقط")])],
    },
    "demo-03": {
        "annotator1": [("STATEMENT", "نفى", "ASSERTED", [("Speaker", "PER", "رامي الخطيب"), ("Source", "ORG", "وزارة الدفاع")])],
        "annotator2": [("STATEMENT", "نفى", "ASSERTED", [("Speaker", "PER", "رامي الخطيب")])],
        "annotator3": [("STATEMENT", "نفى", "ASSERTED", [("Speaker", "PER", "العميد رامي الخطيب")])],
    },
    "demo-04": {
        "annotator1": [("WITHDRAW", "انسحاب", "ASSERTED", [("Agent", "ORG", "قيادة الجيش"), ("Origin", "FAC", "معبر الريان"),
                                                          ("Destination", "GPE", "حلب")])],
        "annotator2": [("WITHDRAW", "انسحاب", "ASSERTED", [("Agent", "ORG", "قيادة الجيش"), ("Origin", "FAC", "معبر الريان الحدودي"),
                                                          ("Destination", "GPE", "مدينة حلب")])],
        "annotator3": [("WITHDRAW", "انسحاب", "REPORTED", [("Agent", "ORG", "قيادة الجيش"), ("Destination", "GPE", "حلب")])],
    },
}


def find(text: str, surface: str, occurrence: int = 1) -> tuple[int, int]:
    """Offsets of the n-th occurrence of `surface` in the text."""
    start = -1
    for _n in range(occurrence):
        start = text.find(surface, start + 1)
        if start < 0:
            raise CommandError(f"demo_annotations: «{surface}» (occurrence {occurrence}) is not in the document text")
    return start, start + len(surface)


class Command(BaseCommand):
    help = "Give the demo project three annotators' submitted sets on four documents (safe to run again)."

    @transaction.atomic
    def handle(self, **options):
        project = Project.objects.filter(slug=SLUG).first()
        if project is None:
            raise CommandError("demo_annotations: no demo project; run `manage.py load_demo` first")
        users = {name: self._annotator(project, name) for name in ANNOTATORS}
        documents = {d.external_id: d for d in project.documents.filter(external_id__in=SPANS)}
        submitted = 0
        for external_id, per_annotator in SPANS.items():
            if external_id not in documents:
                raise CommandError(f"demo_annotations: document {external_id} is missing; run `manage.py load_demo`")
            for name, spans in per_annotator.items():
                submitted += self._fill(documents[external_id], users[name], spans, EVENTS[external_id].get(name, []))
        self.stdout.write(f"Demo annotations: {submitted} sets submitted now; agreement at /projects/{SLUG}/agreement/")

    def _annotator(self, project, name):
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            if name != NEW_ANNOTATOR[0]:
                raise CommandError(f"demo_annotations: user {name} is missing; run `manage.py load_demo` first")
            user = get_user_model().objects.create_user(username=name, password=NEW_ANNOTATOR[1])
            self.stdout.write(f"  {name:<11} {NEW_ANNOTATOR[1]:<16} annotator (new)")
        Membership.objects.get_or_create(project=project, user=user, defaults={"role": Role.ANNOTATOR})
        return user

    def _fill(self, document, user, spans, events) -> int:
        annotation_set = services.own_set(document, user)
        if annotation_set.status in (SetStatus.SUBMITTED, SetStatus.ADJUDICATED):
            return 0
        text = document.text
        have = set(annotation_set.spans.values_list("entity_type__key", "start", "end"))
        for type_key, surface, *occurrence in spans:
            start, end = find(text, surface, *occurrence)
            if (type_key, start, end) not in have:
                services.create_span(annotation_set, user, entity_type=type_key, start=start, end=end,
                                     version=services.ANY_VERSION, snap_to_tokens=False, origin={"demo": True})
        for event_type, trigger, factuality, arguments in events:
            start, end = find(text, trigger)
            if annotation_set.events.filter(event_type__key=event_type, trigger_start=start, trigger_end=end).exists():
                continue
            event = services.create_event(
                annotation_set, user, event_type=event_type, trigger_start=start, trigger_end=end,
                version=services.ANY_VERSION, attributes={"factuality": factuality}, snap_to_tokens=False, origin={"demo": True},
            )
            for role, type_key, surface, *occurrence in arguments:
                s, e = find(text, surface, *occurrence)
                services.add_argument_from_selection(event, user, role=role, entity_type=type_key, start=s, end=e,
                                                     version=services.ANY_VERSION, snap_to_tokens=False)
        annotation_set.refresh_from_db()
        services.submit_set(annotation_set, user, version=annotation_set.version)
        return 1
