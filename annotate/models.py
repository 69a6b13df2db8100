"""The annotation store: one set per annotator and document (plus the gold set),
and the spans, events, arguments and relations inside it.

Rules the database can hold are constraints or triggers here; rules that need the
project schema live in annotate.services, which every writer goes through.
Every change is recorded by django-pghistory (who, when, the row before and after).
"""
from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from corpus.models import Document, EntityType, EventType, RelationType, RoleType

# Reverse accessor `history` on every tracked model (pghistory's default, `events`, would clash).
HISTORY = pghistory.ObjForeignKey(related_name="history")


def tracked(model_name: str):
    """Record inserts, updates and deletes; trackers are made fresh per model
    because pghistory binds each tracker instance to one model."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
        model_name=model_name, obj_field=HISTORY,
    )


def _offsets_within_text(name: str, start: str, end: str, set_column: str = "set_id") -> pgtrigger.Trigger:
    """A trigger refusing offsets past the end of the document's text (code points)."""
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update,
        func=f"""
            IF NEW."{end}" > (
                SELECT char_length(d.text) FROM annotate_annotationset s
                JOIN corpus_document d ON d.id = s.document_id WHERE s.id = NEW.{set_column}
            ) THEN
                RAISE EXCEPTION 'offsets %-% lie outside the document text', NEW."{start}", NEW."{end}"
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        """,
    )


class SetStatus(models.TextChoices):
    NOT_STARTED = "not_started", "not started"
    IN_PROGRESS = "in_progress", "in progress"
    SUBMITTED = "submitted", "submitted"
    ADJUDICATED = "adjudicated", "adjudicated"


class SetKind(models.TextChoices):
    ANNOTATOR = "annotator", "annotator"
    GOLD = "gold", "gold"


# Version bumps on every write are not history; status changes (submit, adjudicate) are.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(condition=pghistory.AnyChange("status")),
    model_name="AnnotationSetHistory",
    obj_field=HISTORY,
)
class AnnotationSet(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="annotation_sets")
    kind = models.CharField(max_length=20, choices=SetKind.choices, default=SetKind.ANNOTATOR)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="annotation_sets"
    )
    status = models.CharField(max_length=20, choices=SetStatus.choices, default=SetStatus.NOT_STARTED)
    # Optimistic lock: every write names the version it was based on and bumps it.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "owner"], condition=Q(kind="annotator"), name="one_set_per_annotator"
            ),
            models.UniqueConstraint(fields=["document"], condition=Q(kind="gold"), name="one_gold_set"),
            models.CheckConstraint(
                condition=Q(kind="gold") | Q(owner__isnull=False), name="annotator_set_has_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} / {self.owner or 'gold'}"


@tracked("SpanHistory")
class Span(models.Model):
    set = models.ForeignKey(AnnotationSet, on_delete=models.CASCADE, related_name="spans")
    entity_type = models.ForeignKey(EntityType, on_delete=models.PROTECT, related_name="spans")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # Where it came from when not typed by hand: {"suggestion": id, "tagger": "..."} or {"import": "..."}.
    origin = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["start", "-end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0) & Q(start__lt=F("end")), name="span_offsets_ordered"),
            models.UniqueConstraint(fields=["set", "entity_type", "start", "end"], name="span_unique_in_set"),
        ]
        triggers = [_offsets_within_text("span_within_text", "start", "end")]

    def __str__(self) -> str:
        return f"{self.entity_type_id}[{self.start}:{self.end}]"


@tracked("EventHistory")
class Event(models.Model):
    """An event mention: a trigger (its own offsets: a trigger is not an entity),
    a type, attribute values keyed by attribute type, and arguments."""

    set = models.ForeignKey(AnnotationSet, on_delete=models.CASCADE, related_name="events")
    event_type = models.ForeignKey(EventType, on_delete=models.PROTECT, related_name="events")
    trigger_start = models.PositiveIntegerField()
    trigger_end = models.PositiveIntegerField()
    attributes = models.JSONField(default=dict, blank=True)
    origin = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["trigger_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(trigger_start__gte=0) & Q(trigger_start__lt=F("trigger_end")),
                name="event_trigger_offsets_ordered",
            ),
        ]
        triggers = [_offsets_within_text("event_trigger_within_text", "trigger_start", "trigger_end")]


@tracked("ArgumentHistory")
class Argument(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="arguments")
    role = models.ForeignKey(RoleType, on_delete=models.PROTECT, related_name="+")
    span = models.ForeignKey(Span, on_delete=models.CASCADE, related_name="arguments")

    class Meta:
        ordering = ["event", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "role", "span"], name="argument_unique")]
        triggers = [
            pgtrigger.Trigger(
                name="argument_same_set",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func="""
                    IF (SELECT set_id FROM annotate_span WHERE id = NEW.span_id)
                       IS DISTINCT FROM (SELECT set_id FROM annotate_event WHERE id = NEW.event_id) THEN
                        RAISE EXCEPTION 'an argument must point at a span of its event''s set'
                            USING ERRCODE = 'check_violation';
                    END IF;
                    RETURN NEW;
                """,
            )
        ]


@tracked("RelationHistory")
class Relation(models.Model):
    set = models.ForeignKey(AnnotationSet, on_delete=models.CASCADE, related_name="relations")
    relation_type = models.ForeignKey(RelationType, on_delete=models.PROTECT, related_name="relations")
    source = models.ForeignKey(Span, on_delete=models.CASCADE, related_name="outgoing_relations")
    target = models.ForeignKey(Span, on_delete=models.CASCADE, related_name="incoming_relations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["set", "relation_type", "source", "target"], name="relation_unique"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="relation_not_reflexive"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="relation_same_set",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func="""
                    IF (SELECT set_id FROM annotate_span WHERE id = NEW.source_id) IS DISTINCT FROM NEW.set_id
                       OR (SELECT set_id FROM annotate_span WHERE id = NEW.target_id) IS DISTINCT FROM NEW.set_id THEN
                        RAISE EXCEPTION 'a relation may only link spans of its own set'
                            USING ERRCODE = 'check_violation';
                    END IF;
                    RETURN NEW;
                """,
            )
        ]
