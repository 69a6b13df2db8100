"""Django admin for site staff, read-only: every change to annotations goes through
annotate.services (schema checks, the set's version, the history), which the admin's
forms would bypass. Useful to look something up when a page is missing."""
from django.contrib import admin

from annotate.models import (
    AdjudicationDecision,
    AnnotationSet,
    Argument,
    Assignment,
    Event,
    EventCluster,
    Job,
    KBEntity,
    Relation,
    Span,
    Suggestion,
)
from corpus.admin import ReadOnly


@admin.register(AnnotationSet)
class AnnotationSetAdmin(ReadOnly):
    list_display = ["document", "kind", "owner", "status", "version", "updated_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["document", "owner"]
    raw_id_fields = ["document"]


@admin.register(Span)
class SpanAdmin(ReadOnly):
    list_display = ["id", "set", "entity_type", "start", "end"]
    list_select_related = ["set__document", "set__owner", "entity_type"]
    raw_id_fields = ["set"]


@admin.register(Job)
class JobAdmin(ReadOnly):
    list_display = ["id", "project", "kind", "status", "done", "total", "created_at", "finished_at"]
    list_filter = ["status"]


for model in (Event, Argument, Relation, Suggestion, KBEntity, EventCluster, Assignment, AdjudicationDecision):
    admin.site.register(model, ReadOnly)
