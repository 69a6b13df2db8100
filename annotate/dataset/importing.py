"""Imports with annotations: a file's AnnotatedDocs into the database.

corpus.importing stores the documents (one transaction per file) and hands each batch to
an AnnotationSink, which validates the annotations against the schema
(annotate.services.bulk) and writes them into the chosen sets, or as suggestions.
Unknown types and refused items are collected over the whole file and reported together;
then the file is rolled back: nothing is half-imported.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from annotate.models import SetKind
from annotate.services import bulk
from corpus import importing
from corpus.formats.base import DocumentRecord
from corpus.models import KEY_PATTERN, EntityType, Membership, Project
from corpus.schema import ProjectSchema

_SPAN_KEY = itemgetter(0, 1, 2)  # a checked span's (entity type, start, end)
KEY_RE = re.compile(KEY_PATTERN)
KEY_MAX_LENGTH = EntityType._meta.get_field("key").max_length
MAX_MESSAGES = 50  # per file: enough to fix a file, not a flood


# --- targets and type maps ---------------------------------------------------------------

def parse_target(project: Project, spec: str) -> bulk.Target:
    """"gold", "suggestions" or "annotator:NAME" (a member of the project)."""
    spec = (spec or "gold").strip()
    if spec in ("gold", "suggestions"):
        return bulk.Target(spec)
    kind, _sep, name = spec.partition(":")
    if kind == "annotator" and name:
        user = get_user_model().objects.filter(username=name).first()
        if user is None or not Membership.objects.filter(project=project, user=user).exists():
            raise ValueError(_("«%(name)s» is not a member of this project") % {"name": name})
        return bulk.Target(SetKind.ANNOTATOR, user)
    raise ValueError(_("«%(spec)s»: choose gold, suggestions or annotator:NAME") % {"spec": spec})


def parse_map(items: Iterable[str]) -> dict[str, str]:
    """["Politician=PER", "Book="] -> {"Politician": "PER", "Book": ""} (empty: leave out)."""
    mapping = {}
    for item in items:
        for part in re.split(r"[,\n]", item):
            if not part.strip():
                continue
            source, sep, target = part.partition("=")
            if not sep or not source.strip():
                raise ValueError(_("«%(item)s»: write a mapping as SOURCE=TYPE (or SOURCE= to leave it out)")
                                 % {"item": part.strip()})
            mapping[source.strip()] = target.strip()
    return mapping


# --- import --------------------------------------------------------------------------------

@dataclass
class AnnotationSink:
    """Stores the annotations of one file's documents (see corpus.importing.Sink)."""

    # Analysed after a large import commits (corpus.importing.analyze_on_commit).
    tables = ("annotate_annotationset", "annotate_span", "annotate_event", "annotate_argument", "annotate_relation")

    project: Project
    target: bulk.Target
    user: object = None
    type_map: dict = field(default_factory=dict)
    create_types: bool = False
    source: str = ""
    create_kb: bool = False  # create the KB entries and clusters a file names and the project lacks
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown: Counter = field(default_factory=Counter)
    result: bulk.BulkResult = field(default_factory=bulk.BulkResult)
    seen: dict = field(default_factory=dict)  # document id -> what this file gave it

    def __post_init__(self) -> None:
        # cached on the project: prepare() runs in the reader thread, without the database
        ProjectSchema.load(self.project)

    @property
    def schema(self) -> ProjectSchema:
        return ProjectSchema.load(self.project)

    def prepare(self, text: str, record: DocumentRecord) -> bulk.CheckedDoc | None:
        """Validate in the reader thread (pure: the schema is loaded). With --create-types
        the check waits for add(), which creates the missing types first."""
        if self.create_types or not _worth_checking(record):
            return None
        return bulk.check(self.schema, None, text, record, self.type_map)

    def add(self, items: list[tuple[int, str, DocumentRecord, bulk.CheckedDoc | None]]) -> None:
        items = [item for item in items if _worth_checking(item[2])]
        if not items:
            return  # plain documents: nothing to do here
        if self.create_types:
            self._create_entity_types([record for _id, _text, record, _checked in items])
        checked = []
        for pk, text, record, prepared in items:
            doc = prepared or bulk.check(self.schema, pk, text, record, self.type_map)
            doc.document_id = pk
            self.errors.extend(doc.errors)
            self.unknown.update(doc.unknown)
            if self._repeated(doc):
                continue
            checked.append(doc)
        if self.target.kind != "suggestions":
            busy = bulk.non_empty_sets(self.project, self.target,
                                       [d.document_id for d in checked if d.spans or d.events or d.relations])
            for doc in checked:
                if doc.document_id in busy:
                    self.errors.append(
                        _("%(file)s, line %(line)s: the %(target)s set of document «%(doc)s» already has annotations; "
                          "import into another set (nothing is overwritten)")
                        % {"file": doc.record.source, "line": doc.record.line, "target": self.target.describe(),
                           "doc": doc.record.external_id or doc.document_id})
        if self.errors or self.unknown:
            return  # keep reading to report everything; the file will be rolled back
        self.result.add(bulk.insert(self.project, self.target, checked, self.user, source=self.source,
                                    create_kb=self.create_kb))
        for doc in checked:
            self.warnings.extend(doc.warnings)

    def _repeated(self, doc: bulk.CheckedDoc) -> bool:
        """The same text twice in one file is one document: the first annotations are
        kept, and a repeat with other annotations is named in the warnings."""
        # A hash keeps memory flat over a long file; (type, start, end) of each span, in C.
        fingerprint = (hash(tuple(map(_SPAN_KEY, doc.spans))), len(doc.events), len(doc.relations))
        if doc.document_id not in self.seen:
            self.seen[doc.document_id] = fingerprint
            return False
        if self.seen[doc.document_id] != fingerprint:
            self.warnings.append(_("%(file)s, line %(line)s: this text appears earlier in the file with other "
                                   "annotations; the first ones were kept")
                                 % {"file": doc.record.source, "line": doc.record.line})
        return True

    def _create_entity_types(self, records: list[DocumentRecord]) -> None:
        wanted = {self.type_map.get(s.type, s.type) for r in records for s in r.entities} - {""}
        missing = sorted(wanted - set(self.schema.entity_types))
        bad = [key for key in missing if len(key) > KEY_MAX_LENGTH or not KEY_RE.match(key)]
        for key in bad:
            self.errors.append(
                _("%(file)s: cannot create the entity type %(key)s: a key is a Latin letter, then Latin letters, "
                  "digits, _ or - (at most %(max)d)") % {
                    "file": self.source, "key": json.dumps(key, ensure_ascii=False), "max": KEY_MAX_LENGTH})
        if not missing or bad:
            return
        order = len(self.schema.entity_types)
        EntityType.objects.bulk_create([
            EntityType(project=self.project, key=key, name_ar=key, name_en=key, order=order + i)
            for i, key in enumerate(missing, 1)
        ])
        self.warnings.append(_("%(file)s: created entity types %(types)s")
                             % {"file": self.source, "types": ", ".join(missing)})
        self.project.forget_schema()

    def close(self) -> None:
        messages = [self._unknown_message(kind, key, count) for (kind, key), count in sorted(self.unknown.items())]
        messages += self.errors
        if messages:
            extra = len(messages) - MAX_MESSAGES
            messages = messages[:MAX_MESSAGES]
            if extra > 0:
                messages.append(ngettext("… and %(count)d more problem", "… and %(count)d more problems", extra)
                                % {"count": extra})
            raise importing.FileRejected(messages)

    def _unknown_message(self, kind: str, key: str, count: int) -> str:
        known = {"entity": self.schema.entity_types, "event": self.schema.event_types,
                 "relation": self.schema.relation_types}[kind]
        hint = _("map it (--map %(key)s=TYPE, or %(key)s= to leave it out)") % {"key": key}
        if kind == "entity":
            hint += _(" or create it (--create-types)")
        return ngettext("%(file)s: unknown %(kind)s type «%(key)s» (%(count)d time); %(hint)s. "
                        "Types of this project: %(known)s",
                        "%(file)s: unknown %(kind)s type «%(key)s» (%(count)d times); %(hint)s. "
                        "Types of this project: %(known)s", count) % {
            "file": self.source, "kind": kind, "key": key, "count": count, "hint": hint, "known": ", ".join(known)}

    def fill(self, report: importing.FileReport) -> None:
        if report.failed:
            return
        report.warnings.extend(self.warnings[:MAX_MESSAGES])
        if len(self.warnings) > MAX_MESSAGES:
            extra = len(self.warnings) - MAX_MESSAGES
            report.warnings.append(ngettext("… and %(count)d more warning", "… and %(count)d more warnings", extra)
                                   % {"count": extra})
        counts = vars(self.result)
        report.annotations = {name: n for name, n in counts.items() if n}


def _worth_checking(record: DocumentRecord) -> bool:
    return bool(record.has_annotations or record.status or record.warnings)


def sinks(project: Project, target: bulk.Target, *, user=None, type_map: dict | None = None,
          create_types: bool = False, create_kb: bool = False) -> Callable[[str], AnnotationSink]:
    """One fresh sink per file, for corpus.importing.import_paths / import_uploads. With
    `create_kb`, KB entries and clusters named in the file (Tawsim JSONL's kb_name, kb_type
    and cluster_name) that the project lacks are created, so their links are kept."""
    return lambda name: AnnotationSink(project, target, user, dict(type_map or {}), create_types, name,
                                       create_kb=create_kb)
