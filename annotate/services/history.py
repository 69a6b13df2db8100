"""Undo, redo and the readable history of a set, built on what django-pghistory records.

Every mutation runs inside `recorded()`, so all rows it touched (spans, events,
arguments, relations) share one pghistory context whose metadata names the user, the
action and the set: one context is one action. Undo reverts the rows of the user's
last action on the set (deleting what it inserted, re-inserting what it deleted with
the old ids, restoring what it updated); redo reverts that undo. Both are themselves
recorded actions ("undo"/"redo", with `reverts` = the context they revert) and bump
the set's version, so the stacks can be replayed from the history alone:

    a normal action  pushes itself on the done stack and clears the redo stack;
    an undo          pops the done stack and pushes itself on the redo stack;
    a redo           pops the redo stack and pushes itself on the done stack.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pghistory
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from pghistory.models import Context

from annotate.models import (
    AnnotationSet,
    Argument,
    ArgumentHistory,
    Event,
    EventHistory,
    KBEntity,
    KBEntityHistory,
    Relation,
    RelationHistory,
    Span,
    SpanHistory,
    SuggestionDecision,
)
from annotate.services.base import Invalid, bump_version, ensure_editable, recorded
from corpus.schema import ProjectSchema

# Parents before children: re-inserting goes in this order, deleting in reverse.
TRACKED: tuple[tuple[type[models.Model], type[models.Model]], ...] = (
    (Span, SpanHistory),
    (Event, EventHistory),
    (Argument, ArgumentHistory),
    (Relation, RelationHistory),
)
# How far back the stacks are replayed: deeper undo than this is not offered.
MAX_ACTIONS = 500
UNDO, REDO = "undo", "redo"


def _actions(annotation_set: AnnotationSet, user, limit: int = MAX_ACTIONS) -> list[Context]:
    """The user's recorded actions on this set that changed annotations, oldest first
    (submit and reopen only change the set's status: they are not undone)."""
    if annotation_set.pk is None:  # not created yet: nothing done
        return []
    contexts = list(
        Context.objects.filter(metadata__set=annotation_set.pk, metadata__user=user.pk).order_by("-created_at")[:limit]
    )
    ids = [context.id for context in contexts]
    touched: set = set()
    for _model, history in TRACKED:
        touched.update(
            history.objects.filter(pgh_context_id__in=ids).values_list("pgh_context_id", flat=True).distinct()
        )
    return [context for context in reversed(contexts) if context.id in touched]


def stacks(annotation_set: AnnotationSet, user) -> tuple[list[Context], list[Context]]:
    """(done, undone): what undo and redo would revert next, at the ends of the lists."""
    done: list[Context] = []
    undone: list[Context] = []
    for context in _actions(annotation_set, user):
        action = context.metadata.get("action")
        if action == UNDO:
            if done:
                done.pop()
            undone.append(context)
        elif action == REDO:
            if undone:
                undone.pop()
            done.append(context)
        else:
            done.append(context)
            undone.clear()
    return done, undone


def label_of(context: Context) -> str:
    """The original action an undo/redo chain stands for (e.g. "create_event")."""
    return context.metadata.get("label") or context.metadata.get("action") or ""


def undo(annotation_set: AnnotationSet, user, *, version: int | None) -> str:
    """Revert the user's last action on the set; returns that action's name."""
    done, _undone = stacks(annotation_set, user)
    if not done:
        raise Invalid(_("Nothing to undo."), "history")
    return _revert(annotation_set, user, done[-1], UNDO, version)


def redo(annotation_set: AnnotationSet, user, *, version: int | None) -> str:
    """Re-apply the action the user last undid; returns that action's name."""
    _done, undone = stacks(annotation_set, user)
    if not undone:
        raise Invalid(_("Nothing to redo."), "history")
    return _revert(annotation_set, user, undone[-1], REDO, version)


# --- reverting one context -------------------------------------------------------------

def _fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _changes(model, history, context: Context) -> dict[int, tuple[dict | None, dict | None]]:
    """{pk: (row before the action, row after it)}; None where the row did not exist."""
    names = _fields(model)
    rows = list(
        history.objects.filter(pgh_context_id=context.id).order_by("pgh_id").values("pgh_id", "pgh_label", *names)
    )
    first: dict[int, dict] = {}
    last: dict[int, dict] = {}
    for row in rows:
        first.setdefault(row["id"], row)
        last[row["id"]] = row
    updated = [pk for pk, row in first.items() if row["pgh_label"] == "update"]
    earlier = {}
    if updated:
        # The newest row of each object recorded before this action: its state before.
        earlier = {
            row["id"]: row
            for row in history.objects.filter(
                pgh_obj_id__in=updated, pgh_id__lt=min(first[pk]["pgh_id"] for pk in updated)
            ).order_by("pgh_obj_id", "-pgh_id").distinct("pgh_obj_id").values(*names)
        }
    changes = {}
    for pk, row in first.items():
        if row["pgh_label"] == "insert":
            before = None
        elif row["pgh_label"] == "delete":
            before = row
        elif pk in earlier:
            before = earlier[pk]
        else:
            raise Invalid(_("This change cannot be undone: the earlier state of a %(kind)s was not recorded.")
                          % {"kind": model._meta.model_name}, "history")
        after = None if last[pk]["pgh_label"] == "delete" else last[pk]
        if before is not None or after is not None:
            changes[pk] = (_state(before, names), _state(after, names))
    return changes


def _state(row: dict | None, names: list[str]) -> dict | None:
    return None if row is None else {name: row[name] for name in names}


def _check_unchanged_since(model, changes: dict) -> None:
    """Refuse to revert rows that were changed again after the action (by anyone)."""
    names = _fields(model)
    current = {row["id"]: row for row in model.objects.filter(pk__in=list(changes)).values(*names)}
    for pk, (_before, after) in changes.items():
        if current.get(pk) != after:
            raise Invalid(
                _("Cannot undo: a %(kind)s it touched has changed since. Nothing was changed.")
                % {"kind": model._meta.model_name},
                "history",
            )


def _revert(annotation_set: AnnotationSet, user, context: Context, action: str, version: int | None) -> str:
    return revert_context(annotation_set, user, context, action, version)


def revert_context(annotation_set: AnnotationSet, user, context: Context, action: str, version: int | None, *,
                   locked_too: bool = False) -> str:
    """Revert one recorded action as `action` (undo or redo). `locked_too`: also in a
    submitted set (undoing a schema merge, which changed those sets too)."""
    label = label_of(context)
    with recorded(user, action, annotation_set), pghistory.context(reverts=str(context.id), label=label):
        if not locked_too:
            ensure_editable(annotation_set)
        changes = [(model, _changes(model, history, context)) for model, history in TRACKED]
        for model, rows in changes:
            _check_unchanged_since(model, rows)
        bump_version(annotation_set, version)
        try:
            with transaction.atomic():
                _apply(changes)
        except IntegrityError:
            raise Invalid(_("Cannot undo: it would conflict with a later change. Nothing was changed."),
                          "history") from None
        if not locked_too:  # a merge's undo puts back the suggestions it moved itself, in one go
            _offers_follow_retyped_spans(annotation_set, changes)
        _spellings_follow(context)
    return label


def _spellings_follow(context: Context) -> None:
    """A link that taught its entry a new spelling (services.kb.link_span) recorded the
    entry's new aliases in the same context: taking the link back takes back the aliases
    it added, and redoing it (reverting that undo) puts them back. Aliases the entry had
    before the action, or that someone added since, are left alone. The entry is
    project-wide, so this follows the aliases rather than restoring a whole row."""
    try:
        rows = _changes(KBEntity, KBEntityHistory, context)
    except Invalid:  # an entry whose earlier aliases were never recorded: nothing to follow
        return
    for pk, (before, after) in rows.items():
        if before is None or after is None:
            continue
        added = [alias for alias in after["aliases"] if alias not in before["aliases"]]
        removed = [alias for alias in before["aliases"] if alias not in after["aliases"]]
        entity = KBEntity.objects.select_for_update().filter(pk=pk).first()
        if entity is None or not (added or removed):
            continue
        aliases = [alias for alias in entity.aliases if alias not in added]
        aliases += [alias for alias in removed if alias not in aliases and alias != entity.name]
        if aliases != entity.aliases:
            entity.aliases = aliases
            entity.save(update_fields=["aliases"])


def _offers_follow_retyped_spans(annotation_set: AnnotationSet, changes: list) -> None:
    """A type change taken back (or redone) takes its name's undecided offers back with it,
    as the change itself moved them (services.spans.change_span_type)."""
    from annotate.services.other_occurrences import retype_other_occurrences  # it imports the services

    rows = dict(changes)[Span]
    for pk, (before, after) in rows.items():
        if before and after and before["entity_type_id"] != after["entity_type_id"]:
            span = Span.objects.select_related("entity_type").get(pk=pk)
            retype_other_occurrences(annotation_set, span, after["entity_type_id"])


def _apply(changes: list) -> None:
    _forget_acceptances(changes)
    for model, rows in reversed(changes):  # children first: what the action inserted goes
        inserted = [pk for pk, (before, _after) in rows.items() if before is None]
        if inserted:
            model.objects.filter(pk__in=inserted).delete()
    for model, rows in changes:  # parents first: what it deleted comes back with its old id
        deleted = [model(**before) for before, after in rows.values() if before is not None and after is None]
        if deleted:
            model.objects.bulk_create(deleted)
        _restore_updated(model, rows)


def _forget_acceptances(changes: list) -> None:
    """Taking back an accept takes back its decision too, so the suggestion is offered
    again as before. Redo restores the span, which hides the suggestion again when it sits
    at the suggestion's own offsets; one moved by snapping (a cut proclitic) is offered
    beside it until decided again."""
    inserted = {model: [pk for pk, (before, _after) in rows.items() if before is None] for model, rows in changes}
    if inserted[Span] or inserted[Event]:
        SuggestionDecision.objects.filter(
            Q(span_id__in=inserted[Span]) | Q(event_id__in=inserted[Event]),
            decision=SuggestionDecision.Decision.ACCEPTED,
        ).delete()


def _restore_updated(model, rows: dict) -> None:
    """Put back the earlier values of the rows the action updated, in one UPDATE per
    model: a bulk action (e.g. linking every identical mention) costs no query per row."""
    restored = [
        model(**before) for before, after in rows.values()
        if before is not None and after is not None and before != after
    ]
    if restored:
        model.objects.bulk_update(restored, [name for name in _fields(model) if name != "id"])


# --- the readable history ----------------------------------------------------------------

@dataclass
class Change:
    kind: str  # span, event, argument, relation
    op: str  # insert, update, delete
    summary: str


@dataclass
class Action:
    when: datetime
    user: str
    action: str
    label: str
    changes: list[Change] = field(default_factory=list)


def set_history(annotation_set: AnnotationSet, limit: int = 100) -> list[Action]:
    """The set's last `limit` actions, newest first, each with who, when and what
    changed, in a constant number of queries (none for a set not created yet)."""
    if annotation_set.pk is None:
        return []
    contexts = list(Context.objects.filter(metadata__set=annotation_set.pk).order_by("-created_at")[:limit])
    ids = [context.id for context in contexts]
    rows: dict = {context.id: [] for context in contexts}
    for model, history in TRACKED:
        for row in history.objects.filter(pgh_context_id__in=ids).order_by("pgh_id").values():
            rows[row["pgh_context_id"]].append((model, row))
    user_ids = {c.metadata.get("user") for c in contexts}
    users = {u.pk: u.get_username() for u in get_user_model().objects.filter(pk__in=user_ids)}
    describe = _Describer(annotation_set, [row for batch in rows.values() for row in batch])
    return [
        Action(
            when=context.created_at, user=users.get(context.metadata.get("user"), "—"),
            action=context.metadata.get("action", ""), label=label_of(context),
            changes=[describe(model, row) for model, row in rows[context.id]],
        )
        for context in contexts
    ]


class _Describer:
    """One history row → a short line in the reader's language, with the schema's names
    and the words marked, never keys or ids: «شخص «سمير داود»», «مشارك: شخص «سمير داود» في
    لقاء «التقى»». A span or event a row points at is found among the rows listed (it
    may be deleted since) or else in the set as it is now: two queries at most."""

    def __init__(self, annotation_set: AnnotationSet, rows: list[tuple[type[models.Model], dict]]):
        self.schema = ProjectSchema.load(annotation_set.document.project)
        self.text = annotation_set.document.text
        self.entities = {t.pk: t.key for t in self.schema.entity_types.values()}
        self.events = {e.model.pk: e.key for e in self.schema.event_types.values()}
        self.roles = {r.model.pk: (e.key, r.key) for e in self.schema.event_types.values() for r in e.roles.values()}
        self.relations = {r.model.pk: r.key for r in self.schema.relation_types.values()}
        self.spans = {row["pgh_obj_id"]: row for model, row in rows if model is Span}
        self.event_rows = {row["pgh_obj_id"]: row for model, row in rows if model is Event}
        wanted_spans = {row[name] for model, row in rows for name in ("span_id", "source_id", "target_id")
                        if model in (Argument, Relation) and name in row} - set(self.spans)
        wanted_events = {row["event_id"] for model, row in rows if model is Argument} - set(self.event_rows)
        self.spans |= {row["id"]: row for row in Span.objects.filter(pk__in=wanted_spans).values(
            "id", "start", "end", "entity_type_id")}
        self.event_rows |= {row["id"]: row for row in Event.objects.filter(pk__in=wanted_events).values(
            "id", "trigger_start", "trigger_end", "event_type_id")}

    def __call__(self, model, row: dict) -> Change:
        kind = model._meta.model_name
        if model is Span:
            summary = self._span(row)
        elif model is Event:
            values = self._comma().join(
                f"{self.schema.attribute_label(k)}: {self.schema.attribute_value_label(k, v)}"
                for k, v in sorted(row["attributes"].items()))
            summary = f"{self._event(row)} {values}"
        elif model is Argument:
            event_key, role_key = self.roles.get(row["role_id"], ("", "?"))
            summary = _("%(role)s: %(filler)s in %(event)s") % {
                "role": self.schema.role_label(event_key, role_key),
                "filler": self._span(self.spans.get(row["span_id"])),
                "event": self._event(self.event_rows.get(row["event_id"])),
            }
        else:
            arrow = "←" if get_language_bidi() else "→"  # from source to target in the reading order
            summary = (f"{self.schema.relation_label(self.relations.get(row['relation_type_id'], '?'))}: "
                       f"{self._span(self.spans.get(row['source_id']))} {arrow} "
                       f"{self._span(self.spans.get(row['target_id']))}")
        return Change(kind, row["pgh_label"], summary.strip())

    def _span(self, row: dict | None) -> str:
        if row is None:
            return "—"
        key = self.entities.get(row["entity_type_id"], "?")
        return f"{self.schema.entity_label(key)} «{self._cut(row['start'], row['end'])}»"

    def _event(self, row: dict | None) -> str:
        if row is None:
            return "—"
        key = self.events.get(row["event_type_id"], "?")
        return f"{self.schema.event_label(key)} «{self._cut(row['trigger_start'], row['trigger_end'])}»"

    @staticmethod
    def _comma() -> str:
        return "، " if get_language_bidi() else ", "

    def _cut(self, start: int, end: int) -> str:
        words = self.text[start:end]
        return words if len(words) <= 40 else words[:39] + "…"
