"""Writing a project archive: each member streamed from the database in chunks (server-side
cursors), so memory stays flat however large the project."""
from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from annotate.archive import CHUNK, FORMAT, VERSION, portable_settings
from annotate.jobs import Progress
from annotate.models import (
    AdjudicationDecision,
    AnnotationSet,
    Argument,
    Assignment,
    Event,
    EventCluster,
    KBEntity,
    Relation,
    Span,
    Suggestion,
    SuggestionDecision,
    TaggerModel,
)
from corpus.formats._json import dumps_line
from corpus.models import Project
from corpus.presets import schema_of


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _rows(queryset, fields: tuple[str, ...]) -> Iterator[dict]:
    """Rows in id order as dicts named by the archive's field names: `fields` pairs
    archive names with ORM lookups as "name=lookup" (or just "name")."""
    names = [f.split("=")[0] for f in fields]
    lookups = [f.split("=")[-1] for f in fields]
    for values in queryset.order_by("pk").values_list(*lookups).iterator(chunk_size=CHUNK):
        yield {name: _time(v) if isinstance(v, datetime) else v for name, v in zip(names, values, strict=True)}



def members(project: Project) -> Iterator[tuple[str, Iterator[dict]]]:
    """(member name, its rows), in MEMBERS order."""
    sets = AnnotationSet.objects.filter(document__project=project)
    users = get_user_model().objects.filter(
        Q(pk__in=project.memberships.values("user"))
        | Q(pk__in=sets.values("owner"))
        | Q(pk__in=Assignment.objects.filter(document__project=project).values("user"))
        | Q(pk__in=SuggestionDecision.objects.filter(suggestion__document__project=project).values("user"))
        | Q(pk__in=Suggestion.objects.filter(document__project=project, user__isnull=False).values("user"))
        | Q(pk__in=AdjudicationDecision.objects.filter(gold_set__document__project=project).values("reviewer"))
    )
    yield "users.jsonl", _rows(users, ("username", "email", "first_name", "last_name"))
    yield "members.jsonl", _rows(project.memberships.all(), ("user=user__username", "role"))
    yield "documents.jsonl", _rows(project.documents.order_by("order"),
                                   ("id", "external_id", "title", "text", "meta", "order", "created_at"))
    yield "kb_entities.jsonl", _rows(KBEntity.objects.filter(project=project),
                                     ("id", "type=entity_type__key", "name", "aliases", "description", "created_at"))
    yield "clusters.jsonl", _rows(EventCluster.objects.filter(project=project),
                                  ("id", "name", "description", "created_at"))
    yield "suggestions.jsonl", _rows(
        Suggestion.objects.filter(document__project=project),
        ("id", "document=document_id", "kind", "tagger", "entity_type=entity_type__key",
         "event_type=event_type__key", "start", "end", "score", "value", "arguments", "kb=kb_entity_id",
         "user=user__username", "created_at"))
    yield "sets.jsonl", _rows(sets, ("id", "document=document_id", "kind", "owner=owner__username", "status",
                                     "version", "updated_at"))
    yield "spans.jsonl", _rows(Span.objects.filter(set__in=sets),
                               ("id", "set=set_id", "type=entity_type__key", "start", "end", "kb=kb_entity_id",
                                "origin"))
    yield "events.jsonl", _rows(Event.objects.filter(set__in=sets),
                                ("id", "set=set_id", "type=event_type__key", "trigger_start", "trigger_end",
                                 "attributes", "cluster=cluster_id", "origin"))
    yield "arguments.jsonl", _rows(Argument.objects.filter(event__set__in=sets),
                                   ("event=event_id", "role=role__key", "span=span_id"))
    yield "relations.jsonl", _rows(Relation.objects.filter(set__in=sets),
                                   ("set=set_id", "type=relation_type__key", "source=source_id", "target=target_id"))
    yield "suggestion_decisions.jsonl", _rows(
        SuggestionDecision.objects.filter(suggestion__document__project=project),
        ("suggestion=suggestion_id", "user=user__username", "decision", "span=span_id", "event=event_id",
         "decided_at"))
    yield "assignments.jsonl", _rows(Assignment.objects.filter(document__project=project),
                                     ("document=document_id", "user=user__username", "source", "assigned_at"))
    yield "adjudication_decisions.jsonl", _rows(
        AdjudicationDecision.objects.filter(gold_set__document__project=project),
        ("set=gold_set_id", "reviewer=reviewer__username", "action", "item", "variant", "created_at"))
    yield "tagger_models.jsonl", _rows(TaggerModel.objects.filter(project=project),
                                       ("id", "tagger", "metrics", "trained_on", "trained_at"))


def counts(project: Project) -> int:
    """Rows of the larger members (for progress)."""
    sets = AnnotationSet.objects.filter(document__project=project)
    return sum(q.count() for q in (
        project.documents.all(), Suggestion.objects.filter(document__project=project), sets,
        Span.objects.filter(set__in=sets), Event.objects.filter(set__in=sets),
        Argument.objects.filter(event__set__in=sets), Relation.objects.filter(set__in=sets),
    ))


def export_project(project: Project, path: Path, progress: Progress | None = None) -> dict[str, int]:
    """Write the archive to `path`; returns the number of rows of each member. The members
    are read in one repeatable-read transaction: one snapshot, so a span never names a set
    created after the sets were written, however long the export takes."""
    with transaction.atomic(durable=False):
        if connection.in_atomic_block and not connection.savepoint_ids:  # outermost: a fresh transaction
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _write(project, path, progress)


def _write(project: Project, path: Path, progress: Progress | None) -> dict[str, int]:
    total, done, written = counts(project), 0, {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        project_data = {
            "name": project.name, "slug": project.slug, "language": project.language,
            "direction": project.direction, "description": project.description, "guidelines": project.guidelines,
            "settings": portable_settings(project.settings), "archived_at": _time(project.archived_at),
            "created_at": _time(project.created_at), "schema": schema_of(project),
        }
        archive.writestr("project.json", json.dumps(project_data, ensure_ascii=False, indent=1))
        for name, rows in members(project):
            n = 0
            with archive.open(name, "w", force_zip64=True) as out:
                for row in rows:
                    out.write(dumps_line(row))
                    n += 1
                    if n % CHUNK == 0:
                        done += CHUNK
                        if progress:
                            progress(min(done, total), total)
            done += n % CHUNK
            written[name] = n
        models = TaggerModel.objects.filter(project=project).order_by("pk").values_list("pk", "data")
        for pk, data in models.iterator(chunk_size=1):  # one trained model in memory at a time
            archive.writestr(f"tagger_models/{pk}.bin", bytes(data))
        manifest = {"format": FORMAT, "version": VERSION, "project": project.slug,
                    "exported_at": timezone.now().isoformat(), "rows": written}
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    if progress:
        progress(total, total)
    return written
