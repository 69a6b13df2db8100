"""Merging N annotators' sets of one document into a gold draft.

Pure: plain tuples in, plain dataclasses out; no ORM. An item (a span, an event
trigger, the fillers of one event role, one attribute value) chosen identically by
at least K annotators is *agreed* and goes into the gold draft untouched; every other
choice becomes a *conflict* listing its variants and who chose each.

Spans and event triggers are first grouped into *alternatives*: two choices are
alternatives when they cover the same text, or overlap and no annotator chose both
(an annotator who marks a name and a name nested inside it means both). Each group of
alternatives is one conflict showing every variant with its annotators, even when one
variant reached K: that variant is pre-selected for the reviewer, never applied behind
their back (otherwise «مطار» FAC by two and LOC by one would put FAC into gold silently
and leave LOC alone as a conflict whose acceptance adds a second type on the same words).
Only a choice without alternatives is agreed on K votes.

Events merge as wholes, keyed by (type, trigger offsets). Within an event, each role
is one item (an annotator's choice is the set of spans filling it) and each attribute
is one item. A role or attribute of an event whose trigger K annotators agree on needs
K votes too; for an event that only enters gold by the reviewer's decision, it needs
every annotator who proposed that event to agree.

Relations are keyed by (type, source span, target span); those K annotators agree on
are agreed, the rest conflict, one conflict per (source extent, target extent) pair so
that a disagreement on the relation type or on an endpoint's entity type is one choice.
A relation may only stand in gold between two gold spans (missing_endpoints).

Conflict ids are derived from the content, so the same sets always give the same ids
and a recorded decision keeps pointing at its conflict.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

# (entity type key, start, end): a span, and an argument's filler.
SpanKey = tuple[str, int, int]
# (event type key, trigger start, trigger end)
EventKey = tuple[str, int, int]
# (relation type key, source span, target span)
RelationKey = tuple[str, SpanKey, SpanKey]


@dataclass(frozen=True)
class EventInput:
    type: str
    start: int
    end: int
    attributes: dict = field(default_factory=dict, hash=False, compare=False)
    arguments: tuple[tuple[str, SpanKey], ...] = ()  # (role key, filler)

    @property
    def key(self) -> EventKey:
        return (self.type, self.start, self.end)


@dataclass
class SetInput:
    """One annotator's submitted set."""

    annotator: str
    spans: list[SpanKey]
    events: list[EventInput] = field(default_factory=list)
    relations: list[RelationKey] = field(default_factory=list)


@dataclass
class Variant:
    value: dict  # JSON-able: what the gold set would hold if this variant were accepted
    annotators: tuple[str, ...]


@dataclass
class Conflict:
    id: str
    kind: str  # span | event | role | attribute | relation
    start: int  # the text range to highlight
    end: int
    variants: list[Variant]
    abstained: tuple[str, ...]  # annotators who proposed nothing here
    event: EventKey | None = None  # for role and attribute conflicts: the event they belong to
    role: str = ""
    attribute: str = ""
    preselected: int | None = None  # the variant K annotators chose, offered first but not applied

    def as_item(self) -> dict:
        """What a decision records about the conflict it settles."""
        item = {"id": self.id, "kind": self.kind, "start": self.start, "end": self.end}
        if self.event:
            item["event"] = list(self.event)
        if self.role:
            item["role"] = self.role
        if self.attribute:
            item["attribute"] = self.attribute
        return item


@dataclass
class AgreedEvent:
    key: EventKey
    annotators: tuple[str, ...]
    roles: dict[str, list[SpanKey]]  # agreed roles only
    attributes: dict  # agreed attributes only


@dataclass
class Merge:
    annotators: tuple[str, ...]
    k: int
    spans: list[SpanKey]  # agreed
    events: list[AgreedEvent]  # agreed triggers, with their agreed roles and attributes
    conflicts: list[Conflict]  # span and event-trigger conflicts, then role/attribute, then relation ones
    # Every proposed event with what its proposers agree on among themselves: used when
    # the reviewer accepts an event trigger that did not reach K.
    proposals: dict[EventKey, AgreedEvent] = field(default_factory=dict)
    relations: list[RelationKey] = field(default_factory=list)  # agreed, between agreed spans


def default_k(n: int) -> int:
    """A strict majority."""
    return n // 2 + 1


def merge(sets: list[SetInput], k: int | None = None) -> Merge:
    annotators = tuple(s.annotator for s in sets)
    n = len(sets)
    k = min(max(1, k if k is not None else default_k(n)), max(n, 1))
    span_votes = _votes((s.annotator, span) for s in sets for span in set(s.spans))
    agreed_spans, conflicts = _settle_alternatives("span", span_votes, annotators, k, _span_value)

    events_by_key: dict[EventKey, dict[str, EventInput]] = defaultdict(dict)
    for s in sets:
        for event in s.events:
            events_by_key[event.key].setdefault(s.annotator, event)  # one vote per annotator
    trigger_votes = {key: tuple(by_user) for key, by_user in events_by_key.items()}
    agreed_triggers, trigger_conflicts = _settle_alternatives("event", trigger_votes, annotators, k, _event_value)
    conflicts += trigger_conflicts

    agreed_events, proposals, inner = [], {}, []
    for key in sorted(events_by_key):
        by_user = events_by_key[key]
        needed = min(k, len(by_user))
        agreed, event_conflicts = _merge_event(key, by_user, needed)
        proposals[key] = agreed
        inner += event_conflicts
        if key in agreed_triggers:
            agreed_events.append(agreed)
    agreed_relations, relation_conflicts = _merge_relations(sets, k, annotators, set(agreed_spans))
    return Merge(
        annotators, k, agreed_spans, agreed_events, conflicts + inner + relation_conflicts, proposals, agreed_relations
    )


def _merge_relations(sets: list[SetInput], k: int, annotators: tuple[str, ...], agreed_spans: set):
    """(agreed relations, relation conflicts). K votes for a relation imply K votes for
    its endpoints when each set is consistent; an agreed relation whose endpoint did not
    make it anyway (inconsistent input) is a conflict rather than a dangling link."""
    votes = _votes((s.annotator, relation) for s in sets for relation in set(s.relations))
    agreed = sorted(
        key for key, who in votes.items() if len(who) >= k and key[1] in agreed_spans and key[2] in agreed_spans
    )
    by_pair: dict = defaultdict(list)
    drew: dict = defaultdict(set)  # who linked these two extents at all, agreed or not
    for key, who in votes.items():
        drew[_extents(key)].update(who)
    for key in votes.keys() - set(agreed):
        by_pair[_extents(key)].append(key)
    conflicts = []
    for (source, target), keys in sorted(by_pair.items()):
        chose = drew[(source, target)]  # those who chose the agreed type here did not abstain
        ordered = sorted(keys, key=lambda key: (-len(votes[key]), key))
        conflicts.append(Conflict(
            f"relation:{source[0]}-{source[1]}:{target[0]}-{target[1]}", "relation",
            min(source[0], target[0]), max(source[1], target[1]),
            [Variant(_relation_value(key), votes[key]) for key in ordered],
            tuple(a for a in annotators if a not in chose),
        ))
    return agreed, conflicts


def _extents(key: RelationKey) -> tuple[tuple[int, int], tuple[int, int]]:
    """A relation's (source offsets, target offsets): what one relation conflict is about."""
    return key[1][1:], key[2][1:]


def _relation_value(key: RelationKey) -> dict:
    return {"type": key[0], "source": _span_value(key[1]), "target": _span_value(key[2])}


def gold_endpoint(end: dict, gold_spans) -> SpanKey | None:
    """The gold span a relation variant's endpoint stands for: the same span, or the only
    gold span over the same text when the reviewer settled its type otherwise (an edit);
    the relation's schema check then decides whether the link still fits."""
    key = (end["type"], end["start"], end["end"])
    if key in gold_spans:
        return key
    same_text = [span for span in gold_spans if span[1:] == key[1:]]
    return same_text[0] if len(same_text) == 1 else None


def missing_endpoints(value: dict, gold_spans) -> list[SpanKey]:
    """The endpoints of a relation variant that have no gold span (yet): accepting the
    relation waits for them (see annotate.services.adjudication)."""
    return [(v["type"], v["start"], v["end"]) for v in (value["source"], value["target"])
            if gold_endpoint(v, gold_spans) is None]


def _votes(pairs) -> dict:
    votes: dict = defaultdict(list)
    for annotator, key in pairs:
        votes[key].append(annotator)
    return {key: tuple(who) for key, who in votes.items()}


def _span_value(key: SpanKey) -> dict:
    return {"type": key[0], "start": key[1], "end": key[2]}


def _event_value(key: EventKey) -> dict:
    return {"type": key[0], "trigger_start": key[1], "trigger_end": key[2]}


def _settle_alternatives(kind: str, votes: dict, annotators: tuple[str, ...], k: int, value):
    """(agreed keys, conflicts) for spans or event triggers keyed (type, start, end)."""
    agreed, conflicts, ids = [], [], set()
    for group in _alternative_groups(votes):
        if len(group) == 1 and len(votes[group[0]]) >= k:
            agreed.append(group[0])
            continue
        conflict = _conflict(kind, group, votes, annotators, value, k)
        base, number = conflict.id, 1
        while conflict.id in ids:  # two groups over the same stretch of text: rare, kept apart
            number += 1
            conflict.id = f"{base}:{number}"
        ids.add(conflict.id)
        conflicts.append(conflict)
    return sorted(agreed), conflicts


def _alternative_groups(votes: dict) -> list[list]:
    """The keys grouped so that alternatives (see the module's docstring) share a group,
    transitively; groups in text order."""
    keys = sorted(votes, key=lambda key: (key[1], -key[2], key[0]))
    parent = {key: key for key in keys}

    def root(key):
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    chosen_by = {key: set(votes[key]) for key in keys}
    for i, first in enumerate(keys):
        for second in keys[i + 1:]:
            if second[1] >= first[2]:
                break  # sorted by start: nothing later overlaps `first`
            same_text = first[1:] == second[1:]
            if same_text or not chosen_by[first] & chosen_by[second]:
                parent[root(second)] = root(first)
    groups: dict = defaultdict(list)
    for key in keys:
        groups[root(key)].append(key)
    return sorted(groups.values(), key=lambda group: (group[0][1], -max(key[2] for key in group), group[0][0]))


def _conflict(kind: str, keys: list, votes: dict, annotators: tuple[str, ...], value, k: int) -> Conflict:
    start, end = min(key[1] for key in keys), max(key[2] for key in keys)
    chose = {a for key in keys for a in votes[key]}
    ordered = sorted(keys, key=lambda key: (-len(votes[key]), key[1], -key[2], key[0]))
    counts = [len(votes[key]) for key in ordered]
    majority = counts[0] >= k and (len(counts) == 1 or counts[1] < counts[0])
    return Conflict(
        f"{kind}:{start}-{end}", kind, start, end, [Variant(value(key), votes[key]) for key in ordered],
        tuple(a for a in annotators if a not in chose), preselected=0 if majority and len(keys) > 1 else None,
    )


def _merge_event(key: EventKey, by_user: dict[str, EventInput], needed: int) -> tuple[AgreedEvent, list[Conflict]]:
    """Role by role and attribute by attribute, among the annotators who proposed the event."""
    proposers = tuple(by_user)
    roles: dict[str, list[SpanKey]] = {}
    attributes: dict = {}
    conflicts: list[Conflict] = []
    role_keys = sorted({role for event in by_user.values() for role, _filler in event.arguments})
    for role in role_keys:
        choices = {a: tuple(sorted({f for r, f in e.arguments if r == role})) for a, e in by_user.items()}
        winner, variants = _choose(choices, needed)
        if winner is not None:
            if winner:
                roles[role] = list(winner)
            continue
        conflicts.append(Conflict(
            f"role:{key[0]}:{key[1]}-{key[2]}:{role}", "role", key[1], key[2],
            [Variant({"fillers": [_span_value(f) for f in fillers]}, who) for fillers, who in variants],
            (), event=key, role=role,
        ))
    attribute_keys = sorted({name for event in by_user.values() for name in event.attributes})
    for name in attribute_keys:
        choices = {a: e.attributes.get(name) for a, e in by_user.items()}
        winner, variants = _choose(choices, needed)
        if winner is not None or (len(variants) == 1 and variants[0][0] is None):
            if winner is not None:
                attributes[name] = winner
            continue
        conflicts.append(Conflict(
            f"attribute:{key[0]}:{key[1]}-{key[2]}:{name}", "attribute", key[1], key[2],
            [Variant({"value": value}, who) for value, who in variants], (), event=key, attribute=name,
        ))
    return AgreedEvent(key, proposers, roles, attributes), conflicts


def _choose(choices: dict, needed: int):
    """(the choice at least `needed` annotators made, or None; every distinct choice
    with its annotators, most chosen first)."""
    grouped: dict = defaultdict(list)
    for annotator, choice in choices.items():
        grouped[choice].append(annotator)
    variants = sorted(((c, tuple(w)) for c, w in grouped.items()), key=lambda cw: (-len(cw[1]), repr(cw[0])))
    top, who = variants[0]
    return (top if len(who) >= needed and (len(variants) == 1 or len(variants[1][1]) < len(who)) else None), variants
