"""What every mutation shares: refusals, the history context, the optimistic lock,
getting a set, and checking offsets and types against the document and schema.

Each mutation takes the set version the caller last saw. The set row is bumped with
`UPDATE ... WHERE version = seen`; if nothing matched, somebody else wrote first and
the caller gets a StaleVersion instead of silently overwriting their work.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

import pghistory
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from annotate.models import AnnotationSet, KBEntity, SetKind, SetStatus, Span
from corpus import projects
from corpus.models import Document, EntityType
from corpus.schema import SchemaError
from corpus.text.arabic import SnapError, snap
from corpus.text.offsets import valid_span, whole_numbers


class ServiceError(Exception):
    """A refused change, with a message for the person who asked (and the field at fault)."""

    def __init__(self, message: str, field: str = ""):
        self.message, self.field = message, field
        super().__init__(message)


class Invalid(ServiceError):
    pass


class StaleVersion(ServiceError):
    pass


LOCKED_STATUSES = (SetStatus.SUBMITTED, SetStatus.ADJUDICATED)

# The action of the write in progress (recorded()), so that the writes it is made of keep its name.
_current_action: ContextVar[str | None] = ContextVar("current_action", default=None)


@contextmanager
def from_schema():
    """Turn the schema's refusals (corpus.schema.SchemaError) into Invalid."""
    try:
        yield
    except SchemaError as error:
        raise Invalid(error.message, error.field) from None


def ensure_writable(project) -> None:
    """Refuse any write to an archived project (corpus.projects.ensure_writable) as Invalid."""
    try:
        projects.ensure_writable(project)
    except projects.ProjectArchived as error:
        raise Invalid(error.message, error.field) from None


@contextmanager
def recorded(user, action: str, annotation_set: AnnotationSet):
    """A transaction whose history rows say who did what to which set. Every write to a
    set passes here, so this is where an archived project refuses them. A write made of
    others (accepting a suggestion into a role adds a span and fills the role) is named
    by the outermost one: the inner ones join its context without renaming it."""
    ensure_writable(annotation_set.document.project)
    created = annotation_set.pk is None
    outer = _current_action.get()
    token = _current_action.set(outer or action)
    try:
        with transaction.atomic():
            if created:
                _create(annotation_set)
            with pghistory.context(user=getattr(user, "pk", None), action=outer or action, set=annotation_set.pk):
                yield
    except BaseException:
        if created:  # rolled back: the set is unsaved again
            annotation_set.pk, annotation_set._state.adding = None, True
        raise
    finally:
        _current_action.reset(token)


def _create(annotation_set: AnnotationSet) -> None:
    """Create on first write: the editor shows an annotator's set before it exists
    (own_set_or_new), and the first change saves it inside its own transaction. If the
    set appeared meanwhile (another tab's first write), the write goes to that one, and
    the version check (bump_version) decides whether the page saw it."""
    try:
        with transaction.atomic():
            annotation_set.save()
    except IntegrityError:
        existing = AnnotationSet.objects.get(
            document=annotation_set.document_id, owner=annotation_set.owner_id, kind=annotation_set.kind)
        annotation_set.pk, annotation_set._state.adding = existing.pk, False
        annotation_set.version, annotation_set.status = existing.version, existing.status


class _AnyVersion:
    """The explicit opt-out of the optimistic lock, for internal callers only (demo
    loaders, adjudication writing its own gold, suggestions accepted into a set the
    service just locked). Every HTTP write passes the version its page or client saw."""

    def __repr__(self) -> str:
        return "ANY_VERSION"


ANY_VERSION = _AnyVersion()


def bump_version(annotation_set: AnnotationSet, seen_version: int | _AnyVersion) -> None:
    """Claim the next version of the set, or raise StaleVersion if `seen_version` is stale.
    A missing version (None) is refused: skipping the check takes ANY_VERSION, by name."""
    if seen_version is None:
        raise Invalid(_("The version of the set you saw is missing: reload the page and redo your change."), "version")
    check = seen_version is not ANY_VERSION
    rows = AnnotationSet.objects.filter(pk=annotation_set.pk)
    if check:
        rows = rows.filter(version=seen_version)
    updates = {"version": F("version") + 1}
    if annotation_set.status == SetStatus.NOT_STARTED:
        updates["status"] = SetStatus.IN_PROGRESS
    if rows.update(**updates) == 0:
        current = AnnotationSet.objects.filter(pk=annotation_set.pk).values_list("version", flat=True).first()
        raise StaleVersion(
            _(
                "This document was changed elsewhere (now version %(current)s, your page had %(seen)s). "
                "Nothing was overwritten: reload to see the latest and redo your change."
            )
            % {"current": current, "seen": seen_version}
        )
    annotation_set.version = (seen_version if check else annotation_set.version) + 1
    if "status" in updates:
        annotation_set.status = SetStatus.IN_PROGRESS


def ensure_editable(annotation_set: AnnotationSet) -> None:
    if annotation_set.status in LOCKED_STATUSES:
        raise Invalid(_("This set is %(status)s; reopen it to make changes.")
                      % {"status": annotation_set.get_status_display()})


def own_set(document: Document, user) -> AnnotationSet:
    """The annotator's set for this document, created on first access."""
    annotation_set, _created = AnnotationSet.objects.get_or_create(
        document=document, owner=user, kind=SetKind.ANNOTATOR
    )
    return annotation_set


def own_set_or_new(document: Document, user) -> AnnotationSet:
    """The annotator's set for this document, or a new one not saved yet (version 0, no
    annotations): reading writes nothing, the first write creates it (recorded)."""
    found = AnnotationSet.objects.filter(document=document, owner=user, kind=SetKind.ANNOTATOR).first()
    return found or AnnotationSet(document=document, owner=user, kind=SetKind.ANNOTATOR)


def gold_set(document: Document) -> AnnotationSet:
    annotation_set, _created = AnnotationSet.objects.get_or_create(document=document, kind=SetKind.GOLD)
    return annotation_set


def entity_type_for(project, key_or_type) -> EntityType:
    if isinstance(key_or_type, EntityType):
        if key_or_type.project_id != project.pk:
            raise Invalid(_("Entity type %(key)s belongs to another project.") % {"key": key_or_type.key},
                          "entity_type")
        return key_or_type
    found = next((t for t in entity_types(project) if t.key == key_or_type), None)
    if found is None:
        raise Invalid(_("Unknown entity type «%(key)s» in this project.") % {"key": key_or_type}, "entity_type")
    return found


def entity_types(project) -> list[EntityType]:
    """The project's entity types, loaded once per project instance."""
    return project.entity_type_list


def check_offsets(text: str, start, end, field: str = "start") -> tuple[int, int]:
    """Offsets are code points into the text (corpus.text.offsets.valid_span)."""
    if not whole_numbers(start, end):
        raise Invalid(_("Offsets must be whole numbers."), field)
    if not valid_span(text, start, end):
        raise Invalid(
            _("Offsets %(start)s–%(end)s are outside the text (0–%(length)s) or empty.")
            % {"start": start, "end": end, "length": len(text)},
            field,
        )
    return start, end


def snapped(document: Document, start: int, end: int, known_names=None) -> tuple[int, int]:
    """Snap to words; names already marked in this document (by anyone) and the names
    of the project's knowledge base count as evidence that a glued proclitic may be cut
    off («وبحلب» → «حلب»). A caller snapping many spans passes `known_names` (see
    names_known_to) to look them up once."""
    text = document.text
    if known_names is None:
        known_names = partial(names_known_to, document)
    try:
        return snap(text, start, end, known_names=known_names)
    except SnapError as error:
        raise Invalid(str(error), "start") from None


def names_known_to(document: Document) -> frozenset[str]:
    """The texts marked as spans in this document, in any set, and the names and aliases
    of its project's knowledge base."""
    text = document.text
    marked = Span.objects.filter(set__document=document).values_list("start", "end").distinct()
    names = {text[s:e] for s, e in marked}
    for name, aliases in KBEntity.objects.filter(project_id=document.project_id).values_list("name", "aliases"):
        names.add(name)
        names.update(alias for alias in aliases or () if isinstance(alias, str))
    return frozenset(names)
