"""Adjudication: a reviewer turns the annotators' submitted sets of one document into
its gold set.

On first open (once enough sets are submitted) the gold set is created and the items
K annotators agree on are pre-accepted (annotate.agreement.merge.merge does the pure
part). Each remaining conflict is settled by a decision: accept a variant, accept it
edited, or reject it; a span conflict can also be settled by keeping every variant,
the one deliberate way for gold to hold two types on the same words (accepting one
variant replaces whatever gold holds in its place). Every decision, the pre-acceptance, confirming and reopening
are AdjudicationDecision rows; the gold set itself is written through the ordinary
span, event and relation services, so its history is recorded like any other set's.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from annotate.agreement.merge import Conflict, EventInput, Merge, SetInput, gold_endpoint, merge, missing_endpoints
from annotate.models import (
    AdjudicationDecision,
    AnnotationSet,
    Argument,
    Assignment,
    Event,
    Relation,
    SetKind,
    SetStatus,
    Span,
)
from annotate.services.assignment import workflow_of
from annotate.services.base import (
    ANY_VERSION,
    LOCKED_STATUSES,
    Invalid,
    bump_version,
    ensure_editable,
    entity_types,
    gold_set,
    recorded,
)
from annotate.services.events import (
    add_argument_from_selection,
    create_event,
    remove_argument,
    set_event_attribute,
    set_problems,
)
from annotate.services.relations import add_relation
from annotate.services.spans import add_span, delete_span
from corpus.models import Document

log = logging.getLogger(__name__)

ACCEPT, EDIT, REJECT, KEEP = "accept", "edit", "reject", "keep"
SETTLING = (ACCEPT, EDIT, REJECT, KEEP)
PRE_ACCEPT, CONFIRM, REOPEN, DELETE = "pre_accept", "confirm", "reopen", "delete"


@dataclass
class State:
    """What the adjudication view shows."""

    document: Document
    gold: AnnotationSet | None
    merge: Merge
    submitted: list[str]  # usernames whose sets are merged
    expected: int  # how many sets the workflow waits for
    open: list[Conflict]
    settled: int
    decisions: list[AdjudicationDecision] = field(default_factory=list)
    # Decisions taken when the conflicts were grouped otherwise (before alternatives were one
    # conflict): their conflict ids name no conflict now. Each still settles the conflicts
    # it covers or lies within (same kind; `carried`: decision id -> conflict ids), and one
    # that settles none is listed in `unmatched`, so no decision is dropped unseen.
    carried: dict[int, list[str]] = field(default_factory=dict)
    unmatched: list[AdjudicationDecision] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return any(d.action == PRE_ACCEPT for d in self.decisions)

    @property
    def ready(self) -> bool:
        return bool(self.submitted) and len(self.submitted) >= self.expected

    @property
    def adjudicated(self) -> bool:
        return self.gold is not None and self.gold.status == SetStatus.ADJUDICATED


# --- reading ------------------------------------------------------------------------

def submitted_sets(document: Document) -> list[SetInput]:
    """The annotators' submitted (or adjudicated) sets as plain data: five queries."""
    owners = dict(
        AnnotationSet.objects.filter(document=document, kind=SetKind.ANNOTATOR, status__in=LOCKED_STATUSES)
        .values_list("pk", "owner__username")
    )
    spans: dict[int, list] = {pk: [] for pk in owners}
    for set_id, key, start, end in Span.objects.filter(set_id__in=owners).values_list(
        "set_id", "entity_type__key", "start", "end"
    ):
        spans[set_id].append((key, start, end))
    arguments: dict[int, list] = {}
    for event_id, role, key, start, end in Argument.objects.filter(event__set_id__in=owners).values_list(
        "event_id", "role__key", "span__entity_type__key", "span__start", "span__end"
    ):
        arguments.setdefault(event_id, []).append((role, (key, start, end)))
    events: dict[int, list] = {pk: [] for pk in owners}
    for pk, set_id, key, start, end, attributes in Event.objects.filter(set_id__in=owners).values_list(
        "pk", "set_id", "event_type__key", "trigger_start", "trigger_end", "attributes"
    ):
        events[set_id].append(EventInput(key, start, end, attributes or {}, tuple(arguments.get(pk, ()))))
    relations: dict[int, list] = {pk: [] for pk in owners}
    for set_id, key, *ends in Relation.objects.filter(set_id__in=owners).values_list(
        "set_id", "relation_type__key", "source__entity_type__key", "source__start", "source__end",
        "target__entity_type__key", "target__start", "target__end",
    ):
        relations[set_id].append((key, tuple(ends[:3]), tuple(ends[3:])))
    ordered = sorted(owners.items(), key=lambda item: item[1])
    return [SetInput(name, spans[pk], events[pk], relations[pk]) for pk, name in ordered]


def _expected_sets(document: Document) -> int:
    """The count pre-acceptance waits for: the assigned annotators, or the project's
    annotators per document when nobody is assigned."""
    assigned = Assignment.objects.filter(document=document).count()
    return assigned or workflow_of(document.project).annotators_per_document


def state_of(document: Document) -> State:
    sets = submitted_sets(document)
    merged = merge(sets, workflow_of(document.project).agreement_k)
    gold = AnnotationSet.objects.filter(document=document, kind=SetKind.GOLD).first()
    decisions = list(gold.adjudication_decisions.select_related("reviewer")) if gold else []
    settled = {d.item.get("id") for d in decisions if d.action in SETTLING}
    carried, unmatched = _earlier_decisions(decisions, merged.conflicts, settled)
    gold_events = set(
        Event.objects.filter(set=gold).values_list("event_type__key", "trigger_start", "trigger_end")
    ) if gold else set()
    covered = {conflict_id for ids in carried.values() for conflict_id in ids}
    open_conflicts = [
        c for c in merged.conflicts
        if c.id not in settled and c.id not in covered and (c.event is None or c.event in gold_events)
    ]
    return State(
        document, gold, merged, [s.annotator for s in sets], _expected_sets(document),
        open_conflicts, len(settled), decisions, carried, unmatched,
    )


def _earlier_decisions(decisions: list[AdjudicationDecision], conflicts: list[Conflict], settled: set):
    """(decision id -> ids of the conflicts it settles, decisions settling none) for the
    settling decisions whose conflict id names no conflict of this merge: taken under an
    earlier grouping of the same text. A span or trigger decision settled everything in its
    range then, so it settles a conflict of its kind lying in its range; a conflict wider
    than any one of them is settled only when each of its variants lies in one of them (a
    variant outside all of them came later and nobody has judged it)."""
    current = {c.id for c in conflicts}
    earlier = [
        decision for decision in decisions
        if decision.action in SETTLING and (decision.item or {}).get("id") not in current
        and (decision.item or {}).get("kind") in ("span", "event")
        and isinstance(decision.item.get("start"), int) and isinstance(decision.item.get("end"), int)
    ]
    unusable = [decision for decision in decisions if decision.action in SETTLING
                and (decision.item or {}).get("id") not in current and decision not in earlier]
    carried: dict[int, list[str]] = {}
    for conflict in conflicts:
        if conflict.id in settled or conflict.kind not in ("span", "event"):
            continue
        same_kind = [d for d in earlier if d.item["kind"] == conflict.kind]
        holding = [d for d in same_kind if d.item["start"] <= conflict.start and conflict.end <= d.item["end"]]
        inside = [d for d in same_kind if conflict.start <= d.item["start"] and d.item["end"] <= conflict.end]
        if holding:
            deciders = holding
        elif inside and all(any(d.item["start"] <= start and end <= d.item["end"] for d in inside)
                            for start, end in _variant_ranges(conflict)):
            deciders = inside
        else:
            continue
        for decision in deciders:
            carried.setdefault(decision.pk, []).append(conflict.id)
    unmatched = [d for d in earlier if d.pk not in carried] + unusable
    return carried, unmatched


def _variant_ranges(conflict: Conflict) -> list[tuple[int, int]]:
    """The text range of each variant of a span or trigger conflict."""
    begin, finish = ("start", "end") if conflict.kind == "span" else ("trigger_start", "trigger_end")
    return [(variant.value[begin], variant.value[finish]) for variant in conflict.variants]


# --- writing ------------------------------------------------------------------------

def open_adjudication(document: Document, user, *, force: bool = False) -> State:
    """The state for the reviewer's view; on the first open with enough submitted sets
    (or with `force`, whatever is submitted) create the gold set and pre-accept."""
    state = state_of(document)
    if state.started or not state.submitted or not (state.ready or force):
        return state
    gold = gold_set(document)
    gold.document = document
    with recorded(user, "adjudication_pre_accept", gold):
        gold = _locked(gold, document)
        if gold.adjudication_decisions.filter(action=PRE_ACCEPT).exists():
            return state_of(document)  # another reviewer got there first
        ensure_editable(gold)
        for key, start, end in state.merge.spans:
            add_span(gold, entity_type=key, start=start, end=end, snap_to_tokens=False, reuse=True)
        for agreed in state.merge.events:
            _add_event(gold, user, agreed.key, agreed.roles, agreed.attributes)
        if state.merge.relations:
            spans = _gold_spans(gold)
            for key, source, target in state.merge.relations:  # agreed relations link agreed spans
                add_relation(gold, relation_type=key, source=spans[source], target=spans[target])
        bump_version(gold, ANY_VERSION)
        AdjudicationDecision.objects.create(
            gold_set=gold, reviewer=user, action=PRE_ACCEPT,
            item={"spans": len(state.merge.spans), "events": len(state.merge.events),
                  "relations": len(state.merge.relations), "k": state.merge.k},
            variant={"annotators": list(state.submitted)},
        )
    return state_of(document)


def _locked(gold: AnnotationSet, document: Document) -> AnnotationSet:
    """The gold row locked for this transaction: decisions on one document queue up."""
    locked = AnnotationSet.objects.select_for_update().get(pk=gold.pk)
    locked.document = document
    return locked


def _add_event(gold: AnnotationSet, user, key, roles: dict, attributes: dict) -> Event:
    event = create_event(
        gold, user, event_type=key[0], trigger_start=key[1], trigger_end=key[2], version=ANY_VERSION,
        attributes=attributes, snap_to_tokens=False,
    )
    for role, fillers in roles.items():
        for entity_type, start, end in fillers:
            add_argument_from_selection(
                event, user, role=role, entity_type=entity_type, start=start, end=end, version=ANY_VERSION,
                snap_to_tokens=False,
            )
    return event


def decide(
    document: Document,
    user,
    *,
    conflict_id: str,
    action: str,
    version: int | None,
    variant: int | None = None,
    entity_type: str | None = None,
) -> AdjudicationDecision:
    """Settle one open conflict: accept variant number `variant` (0-based), accept it
    with another entity type (`edit`, spans only), reject every variant, or keep every
    variant (`keep`, spans only: the reviewer says on purpose that gold holds them all)."""
    if action not in SETTLING:
        raise Invalid(_("Unknown action «%(action)s» (accept, edit, reject or keep).") % {"action": action},
                      "action")
    state = state_of(document)
    if state.gold is None or not state.started:
        raise Invalid(_("Adjudication of this document has not started: open it first."), "conflict")
    conflict = next((c for c in state.open if c.id == conflict_id), None)
    if conflict is None:
        raise Invalid(_("No open conflict «%(id)s» in this document (already settled?).") % {"id": conflict_id},
                      "conflict")
    chosen = _chosen_variant(conflict, action, variant, entity_type)
    with recorded(user, f"adjudication_{action}", state.gold):
        gold = _locked(state.gold, document)
        ensure_editable(gold)
        bump_version(gold, version)
        if gold.adjudication_decisions.filter(action__in=SETTLING, item__id=conflict_id).exists():
            raise Invalid(_("Conflict «%(id)s» was settled meanwhile.") % {"id": conflict_id}, "conflict")
        if action == KEEP:
            for kept in conflict.variants:
                add_span(gold, entity_type=kept.value["type"], start=kept.value["start"], end=kept.value["end"],
                         snap_to_tokens=False, reuse=True)
        elif chosen is not None:
            _apply(gold, user, state, conflict, chosen.value, entity_type if action == EDIT else None)
        recorded_variant = {} if chosen is None else {
            "index": variant, "value": chosen.value, "annotators": list(chosen.annotators),
        }
        if action == KEEP:
            recorded_variant = {"values": [v.value for v in conflict.variants],
                                "annotators": sorted({a for v in conflict.variants for a in v.annotators})}
        if action == EDIT:
            recorded_variant["edited"] = {"type": entity_type}
        return AdjudicationDecision.objects.create(
            gold_set=gold, reviewer=user, action=action, item=conflict.as_item(), variant=recorded_variant,
        )


def _chosen_variant(conflict: Conflict, action: str, variant: int | None, entity_type: str | None):
    if action == REJECT:
        return None
    if action == KEEP:
        if conflict.kind != "span" or len(conflict.variants) < 2:
            raise Invalid(_("Keeping every variant is for entity conflicts with several variants."), "action")
        return None
    if not isinstance(variant, int) or not 0 <= variant < len(conflict.variants):
        raise Invalid(
            _("Variant %(variant)s does not exist in conflict «%(id)s» (0–%(last)s).")
            % {"variant": variant, "id": conflict.id, "last": len(conflict.variants) - 1},
            "variant",
        )
    if action == EDIT and (conflict.kind != "span" or not entity_type):
        raise Invalid(_("Editing a variant means giving a span another entity type («entity_type»)."), "entity_type")
    return conflict.variants[variant]


def _apply(gold: AnnotationSet, user, state: State, conflict: Conflict, value: dict, new_type: str | None) -> None:
    if conflict.kind == "span":
        accepted = add_span(gold, entity_type=new_type or value["type"], start=value["start"], end=value["end"],
                            snap_to_tokens=False, reuse=True)
        _replace_alternatives(gold, conflict, accepted)
        return
    if conflict.kind == "relation":
        _add_relation(gold, value)
        return
    if conflict.kind == "event":
        key = (value["type"], value["trigger_start"], value["trigger_end"])
        if _gold_event(gold, key) is not None:
            raise Invalid(_("The gold set already holds this event."), "variant")
        proposal = state.merge.proposals[key]
        _add_event(gold, user, key, proposal.roles, proposal.attributes)
        return
    event = _gold_event(gold, conflict.event)
    if event is None:
        raise Invalid(_("The event of this conflict is no longer in the gold set."), "conflict")
    if conflict.kind == "role":
        for argument in event.arguments.filter(role__key=conflict.role):
            remove_argument(argument, user, version=ANY_VERSION)
        for filler in value["fillers"]:
            add_argument_from_selection(
                event, user, role=conflict.role, entity_type=filler["type"], start=filler["start"],
                end=filler["end"], version=ANY_VERSION, snap_to_tokens=False,
            )
    elif conflict.kind == "attribute" and value["value"] is not None:
        set_event_attribute(event, user, key=conflict.attribute, value=value["value"], version=ANY_VERSION)


def _replace_alternatives(gold: AnnotationSet, conflict: Conflict, accepted: Span) -> None:
    """Accepting one variant replaces the others: take out of gold the conflict's other
    variants and any other type on the accepted words, so gold never holds two types on
    one extent by accident. A span that fills a role or ends a relation stays: deleting
    it would take the argument or relation with it unseen; Confirm names the doubled
    extent (doubled_extents) and the reviewer chooses."""
    others = {(v.value["type"], v.value["start"], v.value["end"]) for v in conflict.variants}
    candidates = Span.objects.filter(set=gold).exclude(pk=accepted.pk).select_related("entity_type").annotate(
        fills=Exists(Argument.objects.filter(span=OuterRef("pk"))),
        relates=Exists(Relation.objects.filter(Q(source=OuterRef("pk")) | Q(target=OuterRef("pk")))),
    )
    for span in candidates:
        key = (span.entity_type.key, span.start, span.end)
        replaced = key in others or (span.start, span.end) == (accepted.start, accepted.end)
        if replaced and not (span.fills or span.relates):
            span.delete()


def doubled_extents(gold: AnnotationSet) -> list[tuple[int, int, list[str]]]:
    """Extents where gold holds more than one type that no "keep" decision allowed:
    (start, end, type keys). A "keep" allows exactly the variants it kept (their types
    at their offsets), not every doubled extent inside its conflict's range."""
    by_extent: dict = {}
    for key, start, end in Span.objects.filter(set=gold).values_list("entity_type__key", "start", "end"):
        by_extent.setdefault((start, end), []).append(key)
    kept = {
        (value["type"], value["start"], value["end"])
        for variant in gold.adjudication_decisions.filter(action=KEEP).values_list("variant", flat=True)
        for value in (variant or {}).get("values", ())
    }
    return [
        (start, end, sorted(keys)) for (start, end), keys in sorted(by_extent.items())
        if len(keys) > 1 and not all((key, start, end) in kept for key in keys)
    ]


def _gold_spans(gold: AnnotationSet) -> dict:
    """The gold set's spans by (type, start, end): one query."""
    return {
        (span.entity_type.key, span.start, span.end): span
        for span in Span.objects.filter(set=gold).select_related("entity_type")
    }


def _add_relation(gold: AnnotationSet, value: dict) -> None:
    """Accept a relation variant. Its endpoints must already be gold spans: accepting
    the relation is refused rather than adding them, because a missing endpoint is
    either still an open span conflict (whose variants the reviewer has not weighed
    yet) or was rejected or removed on purpose; a relation must not bring it back
    behind the reviewer's back. The message says which span to accept first."""
    spans = _gold_spans(gold)
    missing = missing_endpoints(value, spans)
    if missing:
        text = gold.document.text
        names = "، ".join(f"{key} «{text[start:end]}»" for key, start, end in missing)
        raise Invalid(
            _("This relation links spans that are not in gold: %(spans)s. Accept them first, or reject the relation.")
            % {"spans": names},
            "variant",
        )
    source, target = (spans[gold_endpoint(v, spans)] for v in (value["source"], value["target"]))
    add_relation(gold, relation_type=value["type"], source=source, target=target)


def _gold_event(gold: AnnotationSet, key) -> Event | None:
    return Event.objects.filter(
        set=gold, event_type__key=key[0], trigger_start=key[1], trigger_end=key[2]
    ).select_related("event_type", "set").first()


def remove_gold_span(span: Span, user, *, version: int | None) -> AdjudicationDecision:
    """Take a span out of the gold draft (e.g. a pre-accepted one the reviewer disagrees with)."""
    gold = span.set
    if gold.kind != SetKind.GOLD:
        raise Invalid(_("Only spans of the gold set are removed here."), "span")
    item = {"kind": "span", "type": span.entity_type.key, "start": span.start, "end": span.end}
    with recorded(user, "adjudication_delete", gold):
        delete_span(span, user, version=version)
        return AdjudicationDecision.objects.create(gold_set=gold, reviewer=user, action=DELETE, item=item)


def confirm(document: Document, user, *, version: int | None) -> AnnotationSet:
    """Mark the document adjudicated: refused while a conflict is open or a gold event
    lacks a required role."""
    state = state_of(document)
    if state.gold is None or not state.started:
        raise Invalid(_("Adjudication of this document has not started: open it first."), "conflict")
    if state.open:
        raise Invalid(
            ngettext("%(count)s conflict is still open («%(words)s»); settle it before confirming.",
                     "%(count)s conflicts are still open (first: «%(words)s»); settle them before confirming.",
                     len(state.open))
            % {"count": len(state.open), "words": document.text[state.open[0].start:state.open[0].end][:40]},
            "conflict",
        )
    gold = state.gold
    doubled = doubled_extents(gold)
    if doubled:
        text = document.text
        labels = {t.key: t.label for t in entity_types(document.project)}
        names = "، ".join(
            f"«{text[start:end]}» ({' / '.join(labels.get(key, key) for key in keys)})" for start, end, keys in doubled
        )
        raise Invalid(
            _("Cannot confirm yet: gold holds more than one type on %(spans)s. Remove all but one, or keep them"
              " on purpose by settling their conflict with «Keep every variant».") % {"spans": names},
            "spans",
        )
    problems = set_problems(gold)
    if problems:
        raise Invalid(_("Cannot confirm yet: %(problems)s") % {"problems": " ".join(problems)}, "events")
    with recorded(user, "adjudication_confirm", gold):
        gold = _locked(gold, document)
        ensure_editable(gold)
        bump_version(gold, version)
        gold.status = SetStatus.ADJUDICATED
        gold.save(update_fields=["status", "updated_at"])
        AdjudicationDecision.objects.create(gold_set=gold, reviewer=user, action=CONFIRM, item={"open": 0})
    retrain_if_due(document.project)
    return gold


def reopen(document: Document, user, *, version: int | None) -> AnnotationSet:
    gold = AnnotationSet.objects.filter(document=document, kind=SetKind.GOLD).first()
    if gold is None or gold.status != SetStatus.ADJUDICATED:
        raise Invalid(_("Only an adjudicated document can be reopened."), "status")
    with recorded(user, "adjudication_reopen", gold):
        gold = _locked(gold, document)
        bump_version(gold, version)
        gold.status = SetStatus.IN_PROGRESS
        gold.save(update_fields=["status", "updated_at"])
        AdjudicationDecision.objects.create(gold_set=gold, reviewer=user, action=REOPEN, item={})
    return gold


def retrain_if_due(project) -> None:
    """New training data may retrain the learned tagger (every N documents): adjudicated
    gold, or a submitted annotator set while the project has no gold."""
    from annotate.pretagging import maybe_retrain  # imported here: pretagging imports the services

    try:
        maybe_retrain(project)
    except Exception:  # the gold set is saved; a failed retrain must not undo the confirm
        log.exception("maybe_retrain failed for project %s", project.pk)
