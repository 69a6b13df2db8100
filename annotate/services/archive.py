"""Restoring a project archive (annotate.archive) as a new project, in one transaction:
a bad archive changes nothing and the error names the member, the line and the field.

Members are read line by line and written with COPY in chunks, so memory holds one chunk
plus the maps from archive ids to new ids (a few dozen bytes a row), never the texts.
Users are matched by username; one the site lacks becomes an inactive placeholder account
of that name (no password, no login) that keeps their sets, decisions and assignments: an
administrator activates it for the person, or reassigns its work (reassign_member).
The archive is trusted to fit its own schema (it was written from it); the database still
refuses offsets outside a text, references across sets and duplicates.
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pghistory
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from annotate.archive import CHUNK, FORMAT, MEMBERS, VERSION, portable_settings
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
from annotate.progress_sql import recount_workload
from annotate.services.base import Invalid
from annotate.services.bulk import _allocate, _copy
from corpus.deferred_text import gettext_deferred
from corpus.formats._json import loads
from corpus.models import Document, Membership, Project, Role, RoleType
from corpus.presets import apply_schema
from corpus.projects import ensure_writable


class ArchiveError(ValueError):
    """What is wrong with an archive, and where: member, line, field."""

    def __init__(self, member: str, message: str, *, line: int | None = None, field_name: str = ""):
        where = member
        if line is not None:
            where = gettext_deferred("%(member)s, line %(line)d", member=member, line=line)
        if field_name:
            where = gettext_deferred("%(where)s, field «%(field)s»", where=where, field=field_name)
        # Deferred: an import job stores the error and each reader sees it in their language.
        super().__init__(gettext_deferred("%(where)s: %(message)s", where=where, message=message))
        self.member, self.line, self.field = member, line, field_name


@dataclass
class ImportReport:
    project: Project | None = None
    rows: dict[str, int] = field(default_factory=dict)
    placeholders: list[str] = field(default_factory=list)  # usernames created as inactive placeholder accounts


class _Reader:
    """Line-by-line access to one member, with the place of every error."""

    def __init__(self, archive: zipfile.ZipFile, member: str):
        self.archive, self.member, self.line = archive, member, 0

    def rows(self) -> Iterator[dict]:
        try:
            raw = self.archive.open(self.member)
        except KeyError:
            raise ArchiveError(self.member, gettext_deferred("missing from the archive")) from None
        with raw, io.TextIOWrapper(raw, encoding="utf-8") as text:
            for self.line, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                try:
                    row = loads(line)
                except ValueError as error:
                    raise self.error(gettext_deferred("malformed JSON: %(error)s", error=error)) from None
                if not isinstance(row, dict):
                    raise self.error(gettext_deferred("each line must be a JSON object"))
                yield row

    def error(self, message: str, field_name: str = "") -> ArchiveError:
        return ArchiveError(self.member, message, line=self.line, field_name=field_name)

    def need(self, row: dict, name: str, kind: type | tuple = (str, int, float, bool, dict, list)):
        if name not in row:
            raise self.error(gettext_deferred("missing"), name)
        value = row[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(gettext_deferred("wrong kind of value: %(value)s", value=json.dumps(value)[:80]), name)
        return value

    def ref(self, row: dict, name: str, known: dict, *, optional: bool = False):
        value = row.get(name)
        if value is None and optional:
            return None
        if value not in known:
            raise self.error(gettext_deferred("refers to %(value)s, which the archive does not define",
                                              value=json.dumps(value)[:80]), name)
        return known[value]

    def time(self, row: dict, name: str) -> datetime:
        value = row.get(name)
        if value is None:
            return timezone.now()
        try:
            return datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise self.error(gettext_deferred("not a date and time: %(value)s", value=json.dumps(value)[:80]),
                             name) from None


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError:
        raise ArchiveError("manifest.json", gettext_deferred("missing: this is not a Tawsim project archive")) from None
    except ValueError as error:
        raise ArchiveError("manifest.json", gettext_deferred("malformed JSON: %(error)s", error=error)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("manifest.json", gettext_deferred("this is not a Tawsim project archive"))
    if manifest.get("version") != VERSION:
        raise ArchiveError("manifest.json", gettext_deferred(
            "archive version %(found)s; this Tawsim reads version %(known)s", found=manifest.get("version"),
            known=VERSION), field_name="version")
    return manifest


def open_archive(path: Path | str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(Path(path).name, gettext_deferred("not a zip file: %(error)s", error=error)) from None


def import_project(path: Path | str, *, slug: str | None = None, user=None,
                   progress: Progress | None = None) -> ImportReport:
    """Create a new project from the archive at `path` (under `slug`, else the archive's).
    `user` (who imports) becomes an admin of the new project when the archive does not
    make them a member."""
    with open_archive(path) as archive:
        manifest = read_manifest(archive)
        total = sum(v for v in (manifest.get("rows") or {}).values() if isinstance(v, int))
        with transaction.atomic(), pghistory.context(user=getattr(user, "pk", None), action="import archive"):
            restorer = _Restorer(archive, total, progress)
            report = restorer.run(slug)
            if user is not None and not Membership.objects.filter(project=report.project, user=user).exists():
                Membership.objects.create(project=report.project, user=user, role="admin")
    return report


class _Restorer:
    def __init__(self, archive: zipfile.ZipFile, total: int, progress: Progress | None):
        self.archive, self.total, self.done, self.progress = archive, total, 0, progress
        self.report = ImportReport()
        self.ids: dict[str, dict] = {}  # member -> archive id -> new id

    def run(self, slug: str | None) -> ImportReport:
        self.project = self._project(slug)
        self.report.project = self.project
        self.entity_types = dict(self.project.entity_types.values_list("key", "pk"))
        self.event_types = dict(self.project.event_types.values_list("key", "pk"))
        self.relation_types = dict(self.project.relation_types.values_list("key", "pk"))
        self.roles = {(event, key): pk for event, key, pk in RoleType.objects.filter(
            event_type__project=self.project).values_list("event_type_id", "key", "pk")}
        for member in MEMBERS:
            getattr(self, "_" + member.split(".")[0])(_Reader(self.archive, member))
        if self.progress:
            self.progress(self.total, self.total)
        return self.report

    def _project(self, slug: str | None) -> Project:
        member = "project.json"
        try:
            data = json.loads(self.archive.read(member))
        except KeyError:
            raise ArchiveError(member, gettext_deferred("missing from the archive")) from None
        except ValueError as error:
            raise ArchiveError(member, gettext_deferred("malformed JSON: %(error)s", error=error)) from None
        slug = slug or data.get("slug")
        if not slug or Project.objects.filter(slug=slug).exists():
            raise ArchiveError(member, gettext_deferred(
                "a project with the slug «%(slug)s» exists already; choose another slug", slug=slug), field_name="slug")
        try:
            project = Project.objects.create(
                name=data["name"], slug=slug, language=data.get("language", "ar"),
                direction=data.get("direction", "rtl"), description=data.get("description") or "",
                guidelines=data.get("guidelines", ""), settings=portable_settings(data.get("settings")),
                archived_at=datetime.fromisoformat(data["archived_at"]) if data.get("archived_at") else None,
            )
            apply_schema(project, data.get("schema") or {})
        except KeyError as error:
            raise ArchiveError(member, gettext_deferred("missing"), field_name=str(error.args[0])) from None
        except (DatabaseError, TypeError, ValueError) as error:
            raise ArchiveError(member, gettext_deferred("the schema cannot be stored: %(error)s", error=error),
                               field_name="schema") from None
        return project

    # Members, in MEMBERS order. Each turns rows into tuples of columns and writes them
    # with _write, which keeps the map from archive ids to new ids.

    def _write(self, reader: _Reader, model, columns: tuple[str, ...], convert, *, keyed: bool = True) -> None:
        known = self.ids.setdefault(reader.member, {})
        chunk: list[tuple] = []
        first, count = 1, 0

        def flush():
            nonlocal chunk, first
            if not chunk:
                return
            new_ids = _allocate(model, len(chunk))
            rows = []
            for pk, (archive_id, values) in zip(new_ids, chunk, strict=True):
                if keyed:
                    known[archive_id] = pk
                rows.append((pk, *values))
            try:
                with transaction.atomic():
                    _copy(model, ("id", *columns), rows)
            except DatabaseError as error:
                message = str(error).splitlines()[0]
                raise ArchiveError(reader.member, gettext_deferred(
                    "lines %(first)d to %(last)d cannot be stored: %(error)s", first=first, last=reader.line,
                    error=message)) from None
            self.done += len(chunk)
            if self.progress:
                self.progress(min(self.done, self.total), self.total)
            chunk, first = [], reader.line + 1

        for row in reader.rows():
            archive_id = None
            if keyed:
                archive_id = reader.need(row, "id", int)
                if archive_id in known:
                    raise reader.error(gettext_deferred("the id %(id)d appears twice", id=archive_id), "id")
            chunk.append((archive_id, convert(reader, row)))
            count += 1
            if len(chunk) >= CHUNK:
                flush()
        flush()
        self.report.rows[reader.member] = count

    def _users(self, reader: _Reader) -> None:
        users = get_user_model()
        self.users = {}
        for row in reader.rows():
            username = reader.need(row, "username", str)
            user = users.objects.filter(username=username).first()
            if user is None:
                user = users.objects.create_user(username=username, email=row.get("email") or "", password=None,
                                                 first_name=row.get("first_name") or "",
                                                 last_name=row.get("last_name") or "", is_active=False)
                self.report.placeholders.append(username)
            self.users[username] = user.pk
        self.report.rows[reader.member] = len(self.users)

    def _members(self, reader: _Reader) -> None:
        count = 0
        for row in reader.rows():
            user = reader.ref(row, "user", self.users)
            role = reader.need(row, "role", str)
            if role not in {"admin", "reviewer", "annotator"}:
                raise reader.error(gettext_deferred("unknown role %(role)s", role=role), "role")
            Membership.objects.create(project=self.project, user_id=user, role=role)
            count += 1
        self.report.rows[reader.member] = count

    def _documents(self, reader: _Reader) -> None:
        def convert(r, row):
            text = r.need(row, "text", str)
            return (self.project.pk, r.need(row, "external_id", str), row.get("title") or "", text,
                    _json(row.get("meta") or {}), hashlib.sha256(text.encode("utf-8")).hexdigest(),
                    r.need(row, "order", int), r.time(row, "created_at"))
        self._write(reader, Document, ("project", "external_id", "title", "text", "meta", "sha256", "order",
                                       "created_at"), convert)

    def _kb_entities(self, reader: _Reader) -> None:
        def convert(r, row):
            return (self.project.pk, r.ref(row, "type", self.entity_types), r.need(row, "name", str),
                    _json(row.get("aliases") or []), row.get("description") or "", r.time(row, "created_at"))
        self._write(reader, KBEntity, ("project", "entity_type", "name", "aliases", "description", "created_at"),
                    convert)

    def _clusters(self, reader: _Reader) -> None:
        def convert(r, row):
            return (self.project.pk, r.need(row, "name", str), row.get("description") or "", r.time(row, "created_at"))
        self._write(reader, EventCluster, ("project", "name", "description", "created_at"), convert)

    def _suggestions(self, reader: _Reader) -> None:
        documents, kb = self.ids["documents.jsonl"], self.ids["kb_entities.jsonl"]

        def convert(r, row):
            return (r.ref(row, "document", documents), r.need(row, "kind", str), r.need(row, "tagger", str),
                    r.ref(row, "entity_type", self.entity_types, optional=True),
                    r.ref(row, "event_type", self.event_types, optional=True),
                    r.need(row, "start", int), r.need(row, "end", int), r.need(row, "score", (int, float)),
                    row.get("value") or "", _json(row.get("arguments") or []), r.ref(row, "kb", kb, optional=True),
                    r.ref(row, "user", self.users, optional=True), r.time(row, "created_at"))
        self._write(reader, Suggestion, ("document", "kind", "tagger", "entity_type", "event_type", "start", "end",
                                         "score", "value", "arguments", "kb_entity", "user", "created_at"), convert)

    def _sets(self, reader: _Reader) -> None:
        documents = self.ids["documents.jsonl"]

        def convert(r, row):
            return (r.ref(row, "document", documents), r.need(row, "kind", str),
                    r.ref(row, "owner", self.users, optional=True), r.need(row, "status", str),
                    r.need(row, "version", int), r.time(row, "updated_at"))
        self._write(reader, AnnotationSet, ("document", "kind", "owner", "status", "version", "updated_at"), convert)

    def _origin(self, r: _Reader, row: dict) -> str:
        """Origins name the suggestion they came from: its new id."""
        origin = row.get("origin") or {}
        if not isinstance(origin, dict):
            raise r.error(gettext_deferred("wrong kind of value: %(value)s", value=json.dumps(origin)[:80]), "origin")
        if origin.get("suggestion") is not None:
            origin = {**origin, "suggestion": self.ids["suggestions.jsonl"].get(origin["suggestion"])}
        return _json(origin)

    def _spans(self, reader: _Reader) -> None:
        sets, kb = self.ids["sets.jsonl"], self.ids["kb_entities.jsonl"]

        def convert(r, row):
            return (r.ref(row, "set", sets), r.ref(row, "type", self.entity_types), r.need(row, "start", int),
                    r.need(row, "end", int), r.ref(row, "kb", kb, optional=True), self._origin(r, row))
        self._write(reader, Span, ("set", "entity_type", "start", "end", "kb_entity", "origin"), convert)

    def _events(self, reader: _Reader) -> None:
        sets, clusters = self.ids["sets.jsonl"], self.ids["clusters.jsonl"]
        self.event_type_of = {}

        def convert(r, row):
            event_type = r.ref(row, "type", self.event_types)
            self.event_type_of[row["id"]] = event_type
            return (r.ref(row, "set", sets), event_type, r.need(row, "trigger_start", int),
                    r.need(row, "trigger_end", int), _json(row.get("attributes") or {}),
                    r.ref(row, "cluster", clusters, optional=True), self._origin(r, row))
        self._write(reader, Event, ("set", "event_type", "trigger_start", "trigger_end", "attributes", "cluster",
                                    "origin"), convert)

    def _arguments(self, reader: _Reader) -> None:
        events, spans = self.ids["events.jsonl"], self.ids["spans.jsonl"]

        def convert(r, row):
            event = r.ref(row, "event", events)
            role = (self.event_type_of[row["event"]], r.need(row, "role", str))
            return (event, r.ref({"role": role}, "role", self.roles), r.ref(row, "span", spans))
        self._write(reader, Argument, ("event", "role", "span"), convert, keyed=False)
        del self.event_type_of

    def _relations(self, reader: _Reader) -> None:
        sets, spans = self.ids["sets.jsonl"], self.ids["spans.jsonl"]

        def convert(r, row):
            return (r.ref(row, "set", sets), r.ref(row, "type", self.relation_types), r.ref(row, "source", spans),
                    r.ref(row, "target", spans))
        self._write(reader, Relation, ("set", "relation_type", "source", "target"), convert, keyed=False)

    def _suggestion_decisions(self, reader: _Reader) -> None:
        suggestions, spans, events = (self.ids[m] for m in ("suggestions.jsonl", "spans.jsonl", "events.jsonl"))

        def convert(r, row):
            return (r.ref(row, "suggestion", suggestions), r.ref(row, "user", self.users),
                    r.need(row, "decision", str), r.ref(row, "span", spans, optional=True),
                    r.ref(row, "event", events, optional=True), r.time(row, "decided_at"))
        self._write(reader, SuggestionDecision, ("suggestion", "user", "decision", "span", "event", "decided_at"),
                    convert, keyed=False)

    def _assignments(self, reader: _Reader) -> None:
        documents = self.ids["documents.jsonl"]

        def convert(r, row):
            return (r.ref(row, "document", documents), r.ref(row, "user", self.users), r.need(row, "source", str),
                    r.time(row, "assigned_at"))
        self._write(reader, Assignment, ("document", "user", "source", "assigned_at"), convert, keyed=False)

    def _adjudication_decisions(self, reader: _Reader) -> None:
        sets = self.ids["sets.jsonl"]

        def convert(r, row):
            return (r.ref(row, "set", sets), r.ref(row, "reviewer", self.users), r.need(row, "action", str),
                    _json(row.get("item") or {}), _json(row.get("variant") or {}), r.time(row, "created_at"))
        self._write(reader, AdjudicationDecision, ("gold_set", "reviewer", "action", "item", "variant",
                                                   "created_at"), convert, keyed=False)

    def _tagger_models(self, reader: _Reader) -> None:
        count = 0
        for row in reader.rows():
            archive_id = reader.need(row, "id", int)
            try:
                data = self.archive.read(f"tagger_models/{archive_id}.bin")
            except KeyError:
                raise reader.error(gettext_deferred(
                    "its model file tagger_models/%(id)d.bin is missing", id=archive_id), "id") from None
            metrics = row.get("metrics") or {}
            if isinstance(metrics, dict) and isinstance(metrics.get("documents"), list):
                # The documents a model saw, by their new ids (the retraining reads them); one
                # not in the archive is dropped.
                documents = self.ids.get("documents.jsonl", {})
                metrics = {**metrics, "documents": [documents[pk] for pk in metrics["documents"]
                                                    if isinstance(pk, int) and pk in documents]}
            model = TaggerModel.objects.create(
                project=self.project, tagger=reader.need(row, "tagger", str), data=data,
                metrics=metrics, trained_on=row.get("trained_on") or 0,
            )
            TaggerModel.objects.filter(pk=model.pk).update(trained_at=reader.time(row, "trained_at"))
            count += 1
        self.report.rows[reader.member] = count


class ReassignError(Invalid):
    pass


def reassign_work(project: Project, source, target, *, by=None) -> dict[str, int]:
    """Give `target` everything `source` (typically an archive import's placeholder) holds in
    the project: their sets, assignments, private suggestions, suggestion decisions,
    adjudication decisions and their membership (target keeps their own role if they
    already have one). `source` must be an inactive account (a placeholder, someone who
    left): an active member's sets would otherwise reach another annotator, which a blind
    project forbids. `target` must be an active account other than `source`.

    Nothing is ever merged: when target already has their own set, an assignment or a
    decision on the same document or suggestion, the whole reassignment is refused with
    the count and the documents (at most three named), and nothing changes. The admin
    then gives the work to another account (e.g. a new one made for the person)."""
    if source.is_active:
        raise ReassignError(_("%(source)s is an active account: only the work of an inactive member (an archive "
                              "placeholder, someone whose account was deactivated) can be given to another account.")
                            % {"source": source.get_username()}, "user")
    if not target.is_active:
        raise ReassignError(_("%(target)s is not an active account: give the work to a person who can log in.")
                            % {"target": target.get_username()}, "to")
    if target.pk == source.pk:
        raise ReassignError(_("Choose another account than %(source)s.") % {"source": source.get_username()}, "to")
    with transaction.atomic(), pghistory.context(user=getattr(by, "pk", None), action="reassign_work"):
        ensure_writable(Project.objects.select_for_update().get(pk=project.pk))
        _refuse_clashes(project, source, target)
        _keep_an_admin(project, source, target)
        moved = {
            "sets": AnnotationSet.objects.filter(document__project=project, owner=source).update(owner=target),
            "assignments": Assignment.objects.filter(document__project=project, user=source).update(user=target),
            "suggestions": Suggestion.objects.filter(document__project=project, user=source).update(user=target),
            "suggestion_decisions": SuggestionDecision.objects.filter(
                suggestion__document__project=project, user=source).update(user=target),
            "adjudication_decisions": AdjudicationDecision.objects.filter(
                gold_set__document__project=project, reviewer=source).update(reviewer=target),
        }
        membership = Membership.objects.filter(project=project, user=source).first()
        if membership is not None:
            if Membership.objects.filter(project=project, user=target).exists():
                membership.delete()
            else:
                membership.user = target
                membership.save(update_fields=["user"])
        recount_workload(project.pk, [source.pk, target.pk])
    return moved


def _refuse_clashes(project: Project, source, target) -> None:
    """Refuse when target already holds work on one of source's documents or suggestions."""
    in_project = {"document__project": project}
    source_documents = (set(AnnotationSet.objects.filter(owner=source, kind="annotator", **in_project)
                            .values_list("document", flat=True))
                        | set(Assignment.objects.filter(user=source, **in_project).values_list("document", flat=True)))
    clashes = set(AnnotationSet.objects.filter(owner=target, kind="annotator", document__in=source_documents)
                  .values_list("document", flat=True))
    clashes |= set(Assignment.objects.filter(user=target, document__in=source_documents)
                   .values_list("document", flat=True))
    clashes |= set(SuggestionDecision.objects.filter(
        user=target, suggestion__in=SuggestionDecision.objects.filter(
            user=source, suggestion__document__project=project).values("suggestion"))
        .values_list("suggestion__document", flat=True))
    if clashes:
        titles = [d.title or d.external_id for d in Document.objects.filter(pk__in=clashes).order_by("order", "pk")[:3]]
        raise ReassignError(ngettext(
            "%(target)s already has their own work on %(count)d of the same documents (%(titles)s); nothing was "
            "changed. Give the work to another account.",
            "%(target)s already has their own work on %(count)d of the same documents (%(titles)s); nothing was "
            "changed. Give the work to another account.", len(clashes))
            % {"target": target.get_username(), "count": len(clashes), "titles": ", ".join(titles)}, "to")


def _keep_an_admin(project: Project, source, target) -> None:
    """Source's admin membership goes when target is already a member: not the last admin."""
    roles = dict(Membership.objects.filter(project=project, user__in=[source, target]).values_list("user", "role"))
    if roles.get(source.pk) != Role.ADMIN or target.pk not in roles or roles[target.pk] == Role.ADMIN:
        return
    if not Membership.objects.filter(project=project, role=Role.ADMIN).exclude(user=source).exists():
        raise ReassignError(_("%(source)s is the project's last admin: make %(target)s admin first.")
                            % {"source": source.get_username(), "target": target.get_username()}, "to")
