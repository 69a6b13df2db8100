"""Machine suggestions meet the annotator: what is still pending for a set, and
accepting or rejecting it.

Accepting copies the suggestion into the set through the span and event services
(same validation, snapping, version check and history) with its origin recorded
in `origin` ({"suggestion": id, "tagger": name, "score": s}); every decision is stored
as a SuggestionDecision (who, when, accepted or rejected, what it created). A decision
also hides the other taggers' identical suggestions (same kind, type and offsets), so
a rejected name does not come back from a second tagger.

A suggestion may be meant for one user (Suggestion.user: the string matcher offers a
name only its annotator has marked to that annotator alone); the others never see it.
An entity suggestion, for everyone or for the user alone, from any tagger, is also hidden
where the set marks the same extent with another type: the annotator has already said what
that text is. Hidden means hidden everywhere pending_suggestions is read: the editor's
marks and its count and navigation, the API's list, accept-all and the undecided count
asked about at submission.
"""
from __future__ import annotations

from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from annotate.models import AnnotationSet, Argument, Event, Span, Suggestion, SuggestionDecision
from annotate.services.base import (
    ANY_VERSION,
    Invalid,
    bump_version,
    check_offsets,
    ensure_editable,
    entity_type_for,
    names_known_to,
    recorded,
    snapped,
)
from annotate.services.events import add_argument, add_argument_from_selection, create_event
from annotate.services.spans import add_span, insert_spans
from corpus.pretag import DEFAULT_PRIORITY, merge
from corpus.pretag.base import EntityProposal

Decision = SuggestionDecision.Decision


def _place(kind: str, type_id: int, start: int, end: int) -> tuple:
    """What makes two suggestions (or a suggestion and an annotation) the same thing."""
    return (kind, type_id, start, end)


def offered_to(user_id: int | None) -> Q:
    """Suggestions meant for everyone, or for this user alone."""
    return Q(user__isnull=True) | Q(user_id=user_id)


def pending_suggestions(annotation_set: AnnotationSet, user=None) -> list[Suggestion]:
    """The suggestions to show in this set: for its document, not decided by `user`
    (default: the set's owner) nor identical to a decided one, not already in the set
    (same type and offsets), no entity suggestion where the set marks the same extent
    with another type, merged so that no two overlap. Two queries: the
    suggestions, and the places already taken (decided, or annotated in the set).

    Entity suggestions are merged among themselves and event triggers among themselves
    (a trigger is not an entity); the result is in text order.
    """
    user_id = getattr(user, "pk", None) or annotation_set.owner_id
    rows = list(
        Suggestion.objects.filter(offered_to(user_id), document_id=annotation_set.document_id)
        .select_related("entity_type", "event_type").order_by()
    )
    if not rows:
        return []
    taken, marked = _taken(annotation_set, user_id)
    rows = [
        r for r in rows
        if _place(r.kind, r.entity_type_id or r.event_type_id, r.start, r.end) not in taken
        and not (r.kind == Suggestion.Kind.ENTITY and (r.start, r.end) in marked)
    ]
    kept = _merged([r for r in rows if r.kind == Suggestion.Kind.ENTITY]) + _merged(
        [r for r in rows if r.kind == Suggestion.Kind.EVENT])
    return sorted(kept, key=lambda r: (r.start, -r.end, r.pk))


_MARKED = "marked"  # the kind of a place the set's spans take (an entity suggestion's place)


def _taken(annotation_set: AnnotationSet, user_id: int | None) -> tuple[set[tuple], set[tuple[int, int]]]:
    """The places taken (_place) and the extents the set marks, in one query."""
    places = list(_taken_places(annotation_set, user_id))
    marked = {(start, end) for kind, _type, start, end in places if kind == _MARKED}
    taken = {_place(Suggestion.Kind.ENTITY if kind == _MARKED else kind, *rest) for kind, *rest in places}
    return taken, marked


def _taken_places(annotation_set: AnnotationSet, user_id: int | None):
    """(kind, type id, start, end) of the set's spans (kind _MARKED) and events and of the
    suggestions the user decided on, in one UNION query."""
    spans = Span.objects.filter(set_id=annotation_set.pk).annotate(k=Value(_MARKED)).values_list(
        "k", "entity_type_id", "start", "end")
    events = Event.objects.filter(set_id=annotation_set.pk).annotate(k=Value(Suggestion.Kind.EVENT)).values_list(
        "k", "event_type_id", "trigger_start", "trigger_end")
    decided = SuggestionDecision.objects.filter(
        user_id=user_id, suggestion__document_id=annotation_set.document_id
    ).annotate(t=Coalesce("suggestion__entity_type_id", "suggestion__event_type_id")).values_list(
        "suggestion__kind", "t", "suggestion__start", "suggestion__end")
    return spans.union(events, decided, all=True)


def _merged(rows: list[Suggestion]) -> list[Suggestion]:
    """corpus.pretag's merge (priority, then score) applied to stored rows."""
    proposals = [
        EntityProposal(str(r.entity_type_id or r.event_type_id), r.start, r.end, r.score, r.tagger) for r in rows
    ]
    by_identity = {id(p): r for p, r in zip(proposals, rows, strict=True)}
    return [by_identity[id(p)] for p in merge(proposals, DEFAULT_PRIORITY)]


def _origin(suggestion: Suggestion) -> dict:
    return {"suggestion": suggestion.pk, "tagger": suggestion.tagger, "score": suggestion.score}


def _check(suggestion: Suggestion, user, annotation_set: AnnotationSet) -> None:
    # A suggestion offered to one annotator alone (string_match from their own marks) is
    # as private as their set: to anyone else it does not exist.
    mine = suggestion.user_id is None or suggestion.user_id == annotation_set.owner_id
    if suggestion.document_id != annotation_set.document_id or not mine:
        raise Invalid(_("This suggestion belongs to another document."), "suggestion")
    decided = (SuggestionDecision.objects.filter(suggestion=suggestion, user=user)
               .values_list("decision", flat=True).first())
    if decided:
        raise Invalid(_("You already %(decision)s this suggestion.") % {"decision": decided}, "suggestion")


def accept_suggestion(suggestion: Suggestion, user, annotation_set: AnnotationSet, *,
                      version: int | None) -> Span | Event:
    """Copy the suggestion into the set (an entity span, or an event with its proposed
    arguments) and record the decision. Arguments the schema or the set refuses are
    left out; the trigger itself is still accepted."""
    _check(suggestion, user, annotation_set)
    with recorded(user, "accept_suggestion", annotation_set):
        ensure_editable(annotation_set)
        if suggestion.kind == Suggestion.Kind.EVENT:
            created = _accept_event(suggestion, user, annotation_set, version)
            SuggestionDecision.objects.create(suggestion=suggestion, user=user, decision=Decision.ACCEPTED,
                                              event=created)
            return created
        span = add_span(
            annotation_set, entity_type=suggestion.entity_type, start=suggestion.start, end=suggestion.end,
            origin=_origin(suggestion), reuse=True,
        )
        _take_link(span, suggestion)
        bump_version(annotation_set, version)
        SuggestionDecision.objects.create(suggestion=suggestion, user=user, decision=Decision.ACCEPTED, span=span)
        return span


def accept_suggestion_into_role(suggestion: Suggestion, user, event: Event, *, role: str,
                                version: int | None) -> Argument:
    """Accept an entity suggestion and fill the open event's `role` with it, in one step
    and one version: what a click on a suggestion does while a role is active, as a
    click on a mark does."""
    annotation_set = event.set
    _check(suggestion, user, annotation_set)
    if suggestion.kind != Suggestion.Kind.ENTITY:
        raise Invalid(_("Only a suggested entity can fill a role."), "suggestion")
    with recorded(user, "accept_suggestion", annotation_set):
        ensure_editable(annotation_set)
        span = add_span(
            annotation_set, entity_type=suggestion.entity_type, start=suggestion.start, end=suggestion.end,
            origin=_origin(suggestion), reuse=True,
        )
        _take_link(span, suggestion)
        argument = add_argument(event, user, role=role, span=span, version=version)
        SuggestionDecision.objects.create(suggestion=suggestion, user=user, decision=Decision.ACCEPTED, span=span)
        return argument


def _take_link(span: Span, suggestion: Suggestion) -> None:
    """The suggestion's knowledge-base link goes with it, unless the span has its own."""
    if suggestion.kb_entity_id and not span.kb_entity_id:
        Span.objects.filter(pk=span.pk).update(kb_entity_id=suggestion.kb_entity_id)
        span.kb_entity_id = suggestion.kb_entity_id


def _accept_event(suggestion: Suggestion, user, annotation_set: AnnotationSet, version: int | None) -> Event:
    event = create_event(
        annotation_set, user, event_type=suggestion.event_type.key, trigger_start=suggestion.start,
        trigger_end=suggestion.end, version=version, origin=_origin(suggestion),
    )
    for argument in suggestion.arguments or []:
        try:
            add_argument_from_selection(
                event, user, role=argument["role"], entity_type=argument["type"], start=argument["start"],
                end=argument["end"], version=ANY_VERSION,
            )
        except (Invalid, KeyError, TypeError):
            continue  # a proposal the schema or the set refuses is dropped, not the event
    # The arguments bumped the version too: the caller gets the one now stored.
    annotation_set.version = AnnotationSet.objects.filter(pk=annotation_set.pk).values_list("version", flat=True).get()
    return event


def reject_suggestion(suggestion: Suggestion, user, annotation_set: AnnotationSet, *, version: int | None) -> None:
    """Record the rejection (the set's content is unchanged, its version moves on so
    other open pages of the set reload their suggestions)."""
    _check(suggestion, user, annotation_set)
    with recorded(user, "reject_suggestion", annotation_set):
        ensure_editable(annotation_set)
        bump_version(annotation_set, version)
        SuggestionDecision.objects.create(suggestion=suggestion, user=user, decision=Decision.REJECTED)


def reject_undecided_suggestions(annotation_set: AnnotationSet, user) -> int:
    """Record a rejection for every suggestion on the set's document the user has not
    decided and the set does not already hold, inside the caller's recorded transaction
    (the caller bumps the version): the ones the editor shows and those merged away
    behind them, so none resurfaces. Two queries and one INSERT; returns how many."""
    taken, _marked = _taken(annotation_set, user.pk)
    undecided = [
        s for s in Suggestion.objects.filter(offered_to(user.pk), document_id=annotation_set.document_id).order_by("pk")
        if _place(s.kind, s.entity_type_id or s.event_type_id, s.start, s.end) not in taken
    ]
    SuggestionDecision.objects.bulk_create(
        SuggestionDecision(suggestion=s, user=user, decision=Decision.REJECTED) for s in undecided
    )
    return len(undecided)


def accept_all_suggestions(annotation_set: AnnotationSet, user, *, entity_type: str, version: int | None) -> int:
    """Accept every pending entity suggestion of one type in the set's document, in one
    transaction and one version. Suggestions that would not snap to words are skipped.
    Returns how many were accepted (0 changes nothing, not even the version).

    Same checks, snapping and reuse of identical spans as one accept (add_span), but
    in a constant number of queries: the new spans go in one INSERT, the decisions in
    another, so accepting hundreds of names costs no more round trips than three."""
    pending = [
        s for s in pending_suggestions(annotation_set, user)
        if s.kind == Suggestion.Kind.ENTITY and s.entity_type.key == entity_type
    ]
    if not pending:
        return 0
    with recorded(user, "accept_all_suggestions", annotation_set):
        ensure_editable(annotation_set)
        bump_version(annotation_set, version)
        placed = _placed(annotation_set, pending)
        spans = _spans_at(annotation_set, placed)
        decisions = [
            SuggestionDecision(suggestion=suggestion, user=user, decision=Decision.ACCEPTED, span_id=spans[place])
            for suggestion, place in placed if place in spans
        ]
        SuggestionDecision.objects.bulk_create(decisions, ignore_conflicts=True)
    return len(decisions)


class _KnownNames:
    """The names snapping may look up, for many snaps in a row: the names known to the
    document fetched once (only if a snap needs them), plus those this action marks as it
    goes, which one add_span after another would have found in the table."""

    def __init__(self, document):
        self.document, self.found, self.added = document, None, set()

    def __call__(self) -> frozenset[str]:
        if self.found is None:
            self.found = names_known_to(self.document)
        return self.found | self.added


def _placed(annotation_set: AnnotationSet, suggestions: list[Suggestion]) -> list[tuple[Suggestion, tuple]]:
    """(suggestion, (type id, start, end)) checked and snapped as add_span does, in
    order; the ones it would refuse are left out."""
    document = annotation_set.document
    known = _KnownNames(document)
    placed = []
    for suggestion in suggestions:
        try:
            etype = entity_type_for(document.project, suggestion.entity_type)
            start, end = check_offsets(document.text, suggestion.start, suggestion.end)
            start, end = snapped(document, start, end, known)
        except Invalid:
            continue
        known.added.add(document.text[start:end])
        placed.append((suggestion, (etype.pk, start, end)))
    return placed


def _spans_at(annotation_set: AnnotationSet, placed: list[tuple[Suggestion, tuple]]) -> dict[tuple, int]:
    """place -> id of the set's span there: the one already in the set, else a new one
    with the origin of the first suggestion placed there (add_span with `reuse`)."""
    places = {place for _suggestion, place in placed}
    existing = Span.objects.filter(
        set_id=annotation_set.pk, entity_type_id__in={p[0] for p in places}, start__in={p[1] for p in places}
    ).values_list("entity_type_id", "start", "end", "id")
    spans = {(t, s, e): pk for t, s, e, pk in existing if (t, s, e) in places}
    new: dict[tuple, dict] = {}
    links: dict[tuple, int] = {}
    for suggestion, place in placed:
        if place not in spans:
            new.setdefault(place, _origin(suggestion))
            if suggestion.kb_entity_id:
                links.setdefault(place, suggestion.kb_entity_id)
    spans.update(insert_spans(annotation_set, new, links))
    return spans
