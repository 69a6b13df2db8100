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
from django.utils.translation import gettext_lazy as _

from corpus.deferred_text import shown
from corpus.models import Document, EntityType, EventType, Project, RelationType, RoleType

# Reverse accessor `history` on every tracked model (pghistory's default, `events`, would clash).
# History is looked up by object and by context only, so only these two are indexed
# (settings.PGHISTORY_FOREIGN_KEY_FIELD leaves the copied foreign keys unindexed).
HISTORY = pghistory.ObjForeignKey(related_name="history", db_index=True)


def tracked(model_name: str):
    """Record inserts, updates and deletes; trackers are made fresh per model
    because pghistory binds each tracker instance to one model. Statement-level
    triggers (transition tables): a bulk insert attaches its history context once,
    not once per row."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
        model_name=model_name, obj_field=HISTORY, level=pghistory.Statement,
    )


def _statement_checks(name: str, refused_rows: str, message: str) -> list[pgtrigger.Trigger]:
    """Triggers that refuse a whole INSERT or UPDATE statement when `refused_rows`
    (a query over the statement's rows, `new_rows`) finds any. Statement level with a
    transition table: one query per statement, so a bulk import pays once, not per row.
    (PostgreSQL allows a transition table on one event per trigger: two triggers.)"""
    func = f"""
        IF EXISTS ({refused_rows}) THEN
            RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    """
    return [
        pgtrigger.Trigger(
            name=f"{name}_{operation_name}",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=operation,
            referencing=pgtrigger.Referencing(new="new_rows"),
            func=func,
        )
        for operation_name, operation in (("ins", pgtrigger.Insert), ("upd", pgtrigger.Update))
    ]


def _offsets_within_text(name: str, end: str) -> list[pgtrigger.Trigger]:
    """Refuse offsets past the end of the document's text (code points, as Python)."""
    return _statement_checks(
        name,
        f"""SELECT 1 FROM (SELECT set_id, max("{end}") AS last FROM new_rows GROUP BY set_id) n
            JOIN annotate_annotationset s ON s.id = n.set_id
            JOIN corpus_document d ON d.id = s.document_id
            WHERE n.last > char_length(d.text)""",
        "offsets lie outside the document text",
    )


class SetStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    SUBMITTED = "submitted", _("submitted")
    ADJUDICATED = "adjudicated", _("adjudicated")


class SetKind(models.TextChoices):
    ANNOTATOR = "annotator", "annotator"
    GOLD = "gold", "gold"


# Version bumps on every write are not history; status changes (submit, adjudicate) are.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(condition=pghistory.AnyChange("status")),
    model_name="AnnotationSetHistory",
    obj_field=HISTORY,
    level=pghistory.Statement,
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


@tracked("KBEntityHistory")
class KBEntity(models.Model):
    """A canonical entity of the project's knowledge base: one real person, place or
    organisation, however many ways outlets spell it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="kb_entities")
    entity_type = models.ForeignKey(EntityType, on_delete=models.PROTECT, related_name="kb_entities")
    name = models.CharField(max_length=300)
    aliases = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "entity_type", "name"], name="kb_entity_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


@tracked("EventClusterHistory")
class EventCluster(models.Model):
    """Event mentions (in one document or many) that refer to the same real-world event."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="event_clusters")
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


@tracked("SpanHistory")
class Span(models.Model):
    # indexed by span_unique_in_set, which starts with set
    set = models.ForeignKey(AnnotationSet, on_delete=models.CASCADE, related_name="spans", db_index=False)
    entity_type = models.ForeignKey(EntityType, on_delete=models.PROTECT, related_name="spans")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # indexed only where set (span_kb_entity_linked): most spans link nothing, and a
    # full index would take an entry per span on every import
    kb_entity = models.ForeignKey(
        KBEntity, on_delete=models.SET_NULL, null=True, blank=True, related_name="mentions", db_index=False
    )
    # Where it came from when not typed by hand: {"suggestion": id, "tagger": "..."} or {"import": "..."}.
    origin = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["start", "-end", "id"]
        indexes = [
            models.Index(fields=["kb_entity"], condition=Q(kb_entity__isnull=False), name="span_kb_entity_linked"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0) & Q(start__lt=F("end")), name="span_offsets_ordered"),
            models.UniqueConstraint(fields=["set", "entity_type", "start", "end"], name="span_unique_in_set"),
        ]
        triggers = _offsets_within_text("span_within_text", "end")

    def __str__(self) -> str:
        return f"{self.entity_type_id}[{self.start}:{self.end}]"

    @property
    def text(self) -> str:
        """The text the span covers (through set.document: load them with the span)."""
        return self.set.document.text[self.start:self.end]


@tracked("EventHistory")
class Event(models.Model):
    """An event mention: a trigger (its own offsets: a trigger is not an entity),
    a type, attribute values keyed by attribute type, and arguments."""

    set = models.ForeignKey(AnnotationSet, on_delete=models.CASCADE, related_name="events")
    event_type = models.ForeignKey(EventType, on_delete=models.PROTECT, related_name="events")
    trigger_start = models.PositiveIntegerField()
    trigger_end = models.PositiveIntegerField()
    attributes = models.JSONField(default=dict, blank=True)
    # indexed only where set (event_cluster_linked), like Span.kb_entity
    cluster = models.ForeignKey(
        EventCluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="mentions", db_index=False
    )
    origin = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["trigger_start", "id"]
        indexes = [
            models.Index(fields=["cluster"], condition=Q(cluster__isnull=False), name="event_cluster_linked"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(trigger_start__gte=0) & Q(trigger_start__lt=F("trigger_end")),
                name="event_trigger_offsets_ordered",
            ),
        ]
        triggers = _offsets_within_text("event_trigger_within_text", "trigger_end")

    @property
    def trigger_text(self) -> str:
        """The trigger's text (through set.document: load them with the event)."""
        return self.set.document.text[self.trigger_start:self.trigger_end]


@tracked("ArgumentHistory")
class Argument(models.Model):
    # indexed by argument_unique, which starts with event
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="arguments", db_index=False)
    role = models.ForeignKey(RoleType, on_delete=models.PROTECT, related_name="+")
    span = models.ForeignKey(Span, on_delete=models.CASCADE, related_name="arguments")

    class Meta:
        ordering = ["event", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "role", "span"], name="argument_unique")]
        triggers = _statement_checks(
            "argument_same_set",
            """SELECT 1 FROM new_rows n JOIN annotate_span sp ON sp.id = n.span_id
               JOIN annotate_event e ON e.id = n.event_id WHERE sp.set_id <> e.set_id""",
            "an argument must point at a span of its event''s set",
        )


@tracked("RelationHistory")
class Relation(models.Model):
    # indexed by relation_unique, which starts with set
    set = models.ForeignKey(AnnotationSet, on_delete=models.CASCADE, related_name="relations", db_index=False)
    relation_type = models.ForeignKey(RelationType, on_delete=models.PROTECT, related_name="relations")
    source = models.ForeignKey(Span, on_delete=models.CASCADE, related_name="outgoing_relations")
    target = models.ForeignKey(Span, on_delete=models.CASCADE, related_name="incoming_relations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["set", "relation_type", "source", "target"], name="relation_unique"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="relation_not_reflexive"),
        ]
        triggers = _statement_checks(
            "relation_same_set",
            """SELECT 1 FROM new_rows n JOIN annotate_span a ON a.id = n.source_id
               JOIN annotate_span b ON b.id = n.target_id WHERE a.set_id <> n.set_id OR b.set_id <> n.set_id""",
            "a relation may only link spans of its own set",
        )


class Suggestion(models.Model):
    """Machine output for a document, kept apart from every human set (shown to
    everyone, or to `user` alone). An entity suggestion has a type and offsets; an
    event suggestion has an event type, its trigger offsets, and proposed arguments
    [{"role": key, "type": entity key, "start": s, "end": e}, ...]."""

    class Kind(models.TextChoices):
        ENTITY = "entity"
        EVENT = "event"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="suggestions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ENTITY)
    tagger = models.CharField(max_length=50)
    entity_type = models.ForeignKey(EntityType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    event_type = models.ForeignKey(EventType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    score = models.FloatField(default=1.0)
    value = models.CharField(max_length=100, blank=True, help_text="normalised value, e.g. an ISO date")
    arguments = models.JSONField(default=list, blank=True)
    # The knowledge-base entity the proposed name links to (the string matcher carries the
    # link of the name it found), set on the span when the suggestion is accepted.
    kb_entity = models.ForeignKey(KBEntity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Meant for this user alone (a name only they have marked so far); None: for everyone.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "start", "-end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="suggestion_offsets_ordered"),
            models.CheckConstraint(
                condition=(Q(kind="entity") & Q(entity_type__isnull=False))
                | (Q(kind="event") & Q(event_type__isnull=False)),
                name="suggestion_has_its_type",
            ),
        ]
        indexes = [models.Index(fields=["document", "kind"])]


class SuggestionDecision(models.Model):
    """An annotator's accept or reject of a suggestion (each annotator decides for
    their own set); an accepted one points at what it created."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted"
        REJECTED = "rejected"

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="decisions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    span = models.ForeignKey(Span, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["suggestion", "user"], name="one_decision_per_user")]


class TaggerModel(models.Model):
    """A learned tagger's trained model for a project (e.g. the CRF), with its
    cross-validated quality."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tagger_models")
    tagger = models.CharField(max_length=50)
    data = models.BinaryField()
    metrics = models.JSONField(default=dict, blank=True)
    trained_on = models.PositiveIntegerField(default=0, help_text="documents")
    trained_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-trained_at"]
        get_latest_by = "trained_at"


class Job(models.Model):
    """A long-running piece of work (import, pre-tagging, export, agreement) with the
    progress a page can poll. The work itself runs in a django-tasks worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    # Empty only for a project archive's import until it has made its project.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="jobs", null=True, blank=True)
    kind = models.CharField(max_length=200, help_text="name of the work in annotate.jobs.KINDS")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    params = models.JSONField(default=dict, blank=True)
    messages = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A worker running the job holds a lease it keeps renewing (annotate.workers); a job
    # whose lease ran out lost its worker and is retried or marked failed.
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=64, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    # Messages and result texts are stored as message ids and parameters (corpus.deferred_text)
    # and read through these, in the language active for the reader; jobs stored before hold
    # plain strings, shown as they are.
    @property
    def shown_messages(self) -> list[str]:
        return [str(message) for message in shown(self.messages or [])]

    @property
    def shown_result(self) -> dict:
        return shown(self.result or {})


class WorkerHeartbeat(models.Model):
    """One row per background worker process, renewed while it lives, even when idle:
    what /healthz reads and what tells a running job from an orphaned one."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class Assignment(models.Model):
    """A document given to an annotator, by an admin or pulled from the queue."""

    class Source(models.TextChoices):
        ADMIN = "admin"
        QUEUE = "queue"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ADMIN)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "user"], name="one_assignment_per_user")]
        # Stale queue pulls are looked up on every pull: a few rows, not every assignment.
        indexes = [models.Index(fields=["assigned_at"], condition=Q(source="queue"), name="assignment_queue_pulled")]


class AdjudicationDecision(models.Model):
    """A reviewer's decision on one item while adjudicating a document into gold:
    which variant (and whose) was accepted, edited or rejected; also reopening."""

    gold_set = models.ForeignKey(AnnotationSet, on_delete=models.CASCADE, related_name="adjudication_decisions")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)
    item = models.JSONField(default=dict)
    variant = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


# --- counts kept by the database ---------------------------------------------------
# Triggers (migration 0008, SQL in annotate/progress_sql.py) keep these in step with
# assignments, documents and sets, so the workflow page, the progress lines and the
# queue read a handful of rows however many documents a project holds. No foreign-key
# constraints: rows are written by triggers while Django deletes a project's rows in
# its own order; deleting a project or a document removes its counts.


class WorkloadCount(models.Model):
    """Per project and annotator: documents assigned, and among them the annotator's
    sets in progress and done (submitted or adjudicated)."""

    project = models.ForeignKey(Project, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    assigned = models.IntegerField(default=0)
    in_progress = models.IntegerField(default=0)
    done = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="workload_count_unique")]


class CoverageCount(models.Model):
    """Per project: how many documents have exactly `assignments` assignments."""

    project = models.ForeignKey(Project, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    assignments = models.IntegerField()
    documents = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "assignments"], name="coverage_count_unique")]


class DocumentLoad(models.Model):
    """How many assignments each document has, one row per document (with its project and
    import order copied): the queue takes the first document of a bucket through the
    (project, assignments, order) index instead of walking past every full document.
    Incremented, never recounted, so concurrent assignments cannot miscount a move.

    `tagger_confidence` is how sure the CRF was of the document when pre-tagging last ran
    (annotate.pretagging.running); with the workflow option "uncertain_first" the queue
    takes the least sure first through the (project, assignments, tagger_confidence, order)
    index. PostgreSQL sorts NULL last in ascending order: unscored documents come after."""

    document = models.OneToOneField(
        Document, on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True, related_name="+"
    )
    project = models.ForeignKey(
        Project, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    order = models.PositiveIntegerField()
    assignments = models.IntegerField(default=0)
    tagger_confidence = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["project", "assignments", "order"], name="document_load_queue"),
            models.Index(fields=["project", "assignments", "tagger_confidence", "order"],
                         name="document_load_least_sure"),
        ]
