"""The project's knowledge base: canonical entities (name, type, aliases) and the links
from spans to them.

Two kinds of change, recorded differently:

* Entities themselves (create, edit, merge, delete) are project-level: no set version,
  a history context naming the user, the action and the project.
* Linking or unlinking a span changes that span's set: it takes the set's version,
  refuses a stale one (StaleVersion) and a submitted set, and bumps the version.

Merging and deleting entities move or clear links in many sets at once. They are
knowledge-base upkeep (the real-world identity is unchanged), so they neither need
nor bump those sets' versions; the history records every span they touch.
"""
from __future__ import annotations

import time
from contextlib import contextmanager

import pghistory
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from annotate.models import KBEntity, KBEntityHistory, Span
from annotate.services.base import (
    Invalid,
    bump_version,
    ensure_editable,
    ensure_writable,
    entity_type_for,
    recorded,
)
from corpus.models import Project
from corpus.text.name_matching import KBIndex, Match, name_key

NAME_MAX = KBEntity._meta.get_field("name").max_length


@contextmanager
def project_change(user, action: str, project: Project):
    """A transaction whose history rows say who did what in which project (never in an
    archived one)."""
    ensure_writable(project)
    with transaction.atomic(), pghistory.context(user=getattr(user, "pk", None), action=action, project=project.pk):
        yield


# --- validation ----------------------------------------------------------------------

def clean_name(name, field: str = "name") -> str:
    if not isinstance(name, str):
        raise Invalid(_("The field «%(field)s» must be text.") % {"field": field}, field)
    name = " ".join(name.split())
    if not name:
        raise Invalid(_("The field «%(field)s» is empty: give the entity a name.") % {"field": field}, field)
    if len(name) > NAME_MAX:
        raise Invalid(
            _("The field «%(field)s» is %(length)s characters long; at most %(max)s are allowed.")
            % {"field": field, "length": len(name), "max": NAME_MAX},
            field,
        )
    return name


def clean_aliases(aliases, name: str) -> list[str]:
    """Trimmed, without blanks and without spellings already present (the name's included)."""
    if aliases is None:
        return []
    if not isinstance(aliases, (list, tuple)):
        raise Invalid(_("The field «aliases» must be a list of names."), "aliases")
    seen = {name_key(name)}
    cleaned = []
    for i, alias in enumerate(aliases):
        if alias is None or (isinstance(alias, str) and not alias.strip()):
            continue
        alias = clean_name(alias, field=f"aliases[{i}]")
        key = name_key(alias)
        if key and key not in seen:
            seen.add(key)
            cleaned.append(alias)
    return cleaned


def _check_name_free(project: Project, entity_type, name: str, exclude: int | None = None) -> None:
    """One entity per name and type, however the name is spelled («أحمد» = «احمد»)."""
    key = name_key(name)
    taken = next(
        (e for e in kb_entities_named(project, key, entity_type.pk) if e.pk != exclude), None
    )
    if taken is not None:
        raise Invalid(
            _(
                "The knowledge base already has a %(type)s entity named «%(name)s» (#%(id)s): "
                "link to it, or add this spelling to its aliases."
            )
            % {"type": entity_type.key, "name": taken.name, "id": taken.pk},
            "name",
        )


def kb_entities_named(project: Project, key: str, type_id: int) -> list[KBEntity]:
    """Entities of the type whose name (not alias) has this normalised key."""
    ids = [m.entity_id for m in kb_index(project).search(key, type_id=type_id, limit=50) if m.exact]
    if not ids:
        return []
    return [e for e in KBEntity.objects.filter(pk__in=ids) if name_key(e.name) == key]


# --- entities ------------------------------------------------------------------------

def create_entity(
    project: Project, user, *, entity_type, name: str, aliases=None, description: str = ""
) -> KBEntity:
    etype = entity_type_for(project, entity_type)
    name = clean_name(name)
    aliases = clean_aliases(aliases, name)
    with project_change(user, "kb_create", project):
        _check_name_free(project, etype, name)
        return _insert(project, etype, name, aliases, description or "")


def _insert(project: Project, etype, name: str, aliases: list[str], description: str) -> KBEntity:
    try:
        with transaction.atomic():
            return KBEntity.objects.create(
                project=project, entity_type=etype, name=name, aliases=aliases, description=description
            )
    except IntegrityError:  # a concurrent create with the same spelling
        raise Invalid(
            _("The knowledge base already has a %(type)s entity named «%(name)s».") % {"type": etype.key, "name": name},
            "name",
        ) from None


def update_entity(entity: KBEntity, user, *, name: str | None = None, aliases=None,
                  description: str | None = None) -> KBEntity:
    """Change the name, the aliases (the whole list) or the description; None keeps it."""
    new_name = clean_name(name) if name is not None else entity.name
    new_aliases = clean_aliases(aliases if aliases is not None else entity.aliases, new_name)
    with project_change(user, "kb_update", entity.project):
        if name_key(new_name) != name_key(entity.name):
            _check_name_free(entity.project, entity.entity_type, new_name, exclude=entity.pk)
        entity.name, entity.aliases = new_name, new_aliases
        if description is not None:
            entity.description = description
        try:
            with transaction.atomic():
                entity.save(update_fields=["name", "aliases", "description"])
        except IntegrityError:
            raise Invalid(_("Another entity of this type is already named «%(name)s».") % {"name": new_name},
                          "name") from None
    return entity


def merge_entities(target: KBEntity, source: KBEntity, user) -> int:
    """Fold `source` into `target`: its mentions move to `target`, its name and aliases
    become aliases of `target`, then it is deleted. Returns the number of mentions moved."""
    if source.pk == target.pk:
        raise Invalid(_("An entity cannot be merged into itself."), "source")
    if source.project_id != target.project_id:
        raise Invalid(_("Only entities of the same project can be merged."), "source")
    if source.entity_type_id != target.entity_type_id:
        raise Invalid(
            _("«%(source)s» is %(source_type)s and «%(target)s» is %(target_type)s: only entities of one type can be merged.")  # noqa: E501 (one msgid)
            % {"source": source.name, "source_type": source.entity_type.key,
               "target": target.name, "target_type": target.entity_type.key},
            "source",
        )
    with project_change(user, "kb_merge", target.project):
        moved = Span.objects.filter(kb_entity=source).update(kb_entity=target)
        target.aliases = clean_aliases([*target.aliases, source.name, *source.aliases], target.name)
        if not target.description and source.description:
            target.description = source.description
        target.save(update_fields=["aliases", "description"])
        source.delete()
    return moved


def delete_entity(entity: KBEntity, user) -> int:
    """Delete the entity; its mentions stay as spans, unlinked. Returns how many."""
    with project_change(user, "kb_delete", entity.project):
        unlinked = Span.objects.filter(kb_entity=entity).update(kb_entity=None)
        entity.delete()
    return unlinked


# --- links ---------------------------------------------------------------------------

def check_type_linkable(entity_type) -> None:
    """Only types whose mentions name entries link (the schema's `kb_linkable`: not DATE)."""
    if not entity_type.kb_linkable:
        raise Invalid(
            _("%(type)s marks do not link to the knowledge base.") % {"type": entity_type.label}, "entity"
        )


def _check_linkable(span: Span, entity: KBEntity) -> None:
    check_type_linkable(span.entity_type)
    if entity.project_id != span.set.document.project_id:
        raise Invalid(_("That entity belongs to another project."), "entity")
    if entity.entity_type_id != span.entity_type_id:
        raise Invalid(
            _(
                "«%(text)s» is marked %(span_type)s but «%(name)s» is a %(entity_type)s entity: "
                "change the mark's type or choose a %(span_type)s entity."
            )
            % {"text": span.text, "span_type": span.entity_type.key, "name": entity.name,
               "entity_type": entity.entity_type.key},
            "entity",
        )


def link_span(span: Span, user, *, entity: KBEntity, version: int | None) -> Span:
    _check_linkable(span, entity)
    with recorded(user, "kb_link", span.set):
        ensure_editable(span.set)
        bump_version(span.set, version)
        span.kb_entity = entity
        span.save(update_fields=["kb_entity"])
        _learn_spelling(entity, span.text)
    return span


def _learn_spelling(entity: KBEntity, text: str) -> None:
    """A mention spelled in a way the entry does not know yet becomes one of its aliases,
    so the next mention spelled so is found (recorded in the caller's history context)."""
    aliases = clean_aliases([*entity.aliases, text], entity.name)
    if len(aliases) > len(entity.aliases):
        entity.aliases = aliases
        entity.save(update_fields=["aliases"])


def unlink_span(span: Span, user, *, version: int | None) -> Span:
    with recorded(user, "kb_unlink", span.set):
        ensure_editable(span.set)
        bump_version(span.set, version)
        span.kb_entity = None
        span.save(update_fields=["kb_entity"])
    return span


def create_entity_from_span(span: Span, user, *, version: int | None, name: str | None = None,
                            aliases=None, description: str = "") -> KBEntity:
    """A new entity named after the span's text (or `name`) and of its type, linked to
    the span: one action, one version."""
    annotation_set = span.set
    project = annotation_set.document.project
    check_type_linkable(span.entity_type)
    name = clean_name(name if name is not None else span.text)
    aliases = clean_aliases([*clean_aliases(aliases, name), span.text], name)
    with recorded(user, "kb_create_from_span", annotation_set):
        ensure_editable(annotation_set)
        _check_name_free(project, span.entity_type, name)
        bump_version(annotation_set, version)
        entity = _insert(project, span.entity_type, name, aliases, description)
        span.kb_entity = entity
        span.save(update_fields=["kb_entity"])
    return entity


def identical_mentions(span: Span) -> list[int]:
    """Ids of the unlinked spans of the same set and type whose text is a spelling of
    this span's text. Spans linked to some entity are left alone (never overwritten)."""
    text = span.set.document.text
    key = name_key(span.text)
    rows = (
        Span.objects.filter(set_id=span.set_id, entity_type_id=span.entity_type_id, kb_entity__isnull=True)
        .exclude(pk=span.pk)
        .values_list("pk", "start", "end")
    )
    return [pk for pk, start, end in rows if name_key(text[start:end]) == key]


def link_identical_mentions(span: Span, user, *, version: int | None) -> int:
    """Link every unlinked mention in this document (this set) spelled like `span`, of
    its type, to `span`'s entity: one action, one version bump. Returns how many."""
    if span.kb_entity_id is None:
        raise Invalid(
            _("«%(text)s» is not linked to an entity yet: link it first.") % {"text": span.text}, "span"
        )
    with recorded(user, "kb_link_identical", span.set):
        ensure_editable(span.set)
        bump_version(span.set, version)
        ids = identical_mentions(span)
        return Span.objects.filter(pk__in=ids).update(kb_entity_id=span.kb_entity_id)


# --- search --------------------------------------------------------------------------

# One search index per project and process, rebuilt when the knowledge base changes
# (any new history row or a different entity count) and at least every INDEX_TTL
# seconds: the history id alone could miss a slow transaction committing late. It is
# a cache, derived from the database: no process depends on another's.
INDEX_TTL = 60.0
_indexes: dict[int, tuple[tuple, float, KBIndex]] = {}


def kb_index(project: Project) -> KBIndex:
    fingerprint = (
        KBEntityHistory.objects.aggregate(last=Max("pgh_id"))["last"],
        KBEntity.objects.filter(project=project).aggregate(n=Count("pk"))["n"],
    )
    cached = _indexes.get(project.pk)
    if cached is not None and cached[0] == fingerprint and time.monotonic() - cached[1] < INDEX_TTL:
        return cached[2]
    rows = KBEntity.objects.filter(project=project).values_list("pk", "entity_type_id", "name", "aliases")
    index = KBIndex(rows.iterator(chunk_size=5000))
    _indexes[project.pk] = (fingerprint, time.monotonic(), index)
    return index


def search_entities(project: Project, query: str, *, entity_type=None, limit: int = 20) -> list[tuple[KBEntity, Match]]:
    """Entities whose name or an alias matches `query` across spelling variation, best
    first (see corpus.text.name_matching), optionally of one type (a key or an EntityType)."""
    type_id = entity_type_for(project, entity_type).pk if entity_type else None
    matches = kb_index(project).search(query, type_id=type_id, limit=limit)
    entities = KBEntity.objects.select_related("entity_type").in_bulk([m.entity_id for m in matches])
    return [(entities[m.entity_id], m) for m in matches if m.entity_id in entities]
