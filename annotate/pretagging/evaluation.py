"""How good are the stored suggestions? Compared with the project's gold sets (the
same ones annotate.pretagging trains on), per tagger and per type, two ways:

* exact: same type, same start and end;
* overlap: same type and the offsets overlap. Precision counts suggestions that
  overlap some gold span; recall counts gold spans overlapped by some suggestion.

"merged" is what annotators are shown: every tagger's entity suggestions merged by
priority, then score. Event triggers (taggers "triggers", "trigger_crf") are compared with the gold
sets' events (type and trigger offsets). Only documents with a gold set count.
The acceptance rate comes from the annotators' decisions, over the whole project.

Options (`Options`): `types` scores only those types; `type_map` renames types on both
sides before comparing ({"GPE": "LOC"} counts a GPE suggestion against a LOC gold span,
{"DATE": None} drops the type); types the gold does not annotate at all (no span in any
evaluated document) are left out and listed in `Evaluation.left_out`, so a tagger is not
charged for finding what nobody marked; `per_document` adds each document's rows.

`options_from` builds Options from what a person typed (the CLI's flags, the page's form,
the API's query), refusing malformed pairs and unknown types by name: one rule for all three.

Used by `manage.py evaluate_pretag`, the project's pre-tagging page and the API.
Mind: a CRF trained on the gold it is scored on here looks better than it is; its
cross-validated figures (TaggerModel.metrics) are the honest ones.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from annotate.models import Event, Span, Suggestion, SuggestionDecision
from annotate.pretagging.running import PRIORITY
from annotate.pretagging.training import gold_sets
from corpus.models import Document, Project
from corpus.pretag import merge
from corpus.pretag.base import EntityProposal

MERGED = "merged"
ALL_TYPES = "*"
Item = tuple[int, int, str]  # start, end, type


@dataclass
class Counts:
    gold: int = 0
    suggested: int = 0
    exact: int = 0  # suggestions equal to a gold span (= gold spans found exactly)
    overlap_suggested: int = 0  # suggestions overlapping a gold span of their type
    overlap_gold: int = 0  # gold spans overlapped by a suggestion of their type

    def add(self, other: Counts) -> None:
        for name in ("gold", "suggested", "exact", "overlap_suggested", "overlap_gold"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Row:
    tagger: str
    type: str
    counts: Counts

    @property
    def exact(self) -> tuple[float, float, float]:
        p, r = _ratio(self.counts.exact, self.counts.suggested), _ratio(self.counts.exact, self.counts.gold)
        return round(p, 4), round(r, 4), round(_f1(p, r), 4)

    @property
    def overlap(self) -> tuple[float, float, float]:
        c = self.counts
        p, r = _ratio(c.overlap_suggested, c.suggested), _ratio(c.overlap_gold, c.gold)
        return round(p, 4), round(r, 4), round(_f1(p, r), 4)

    def as_json(self) -> dict:
        return {"tagger": self.tagger, "type": self.type, "gold": self.counts.gold,
                "suggested": self.counts.suggested, "exact": self.exact, "overlap": self.overlap}


@dataclass
class Acceptance:
    tagger: str
    accepted: int
    rejected: int

    @property
    def rate(self) -> float | None:
        total = self.accepted + self.rejected
        return round(self.accepted / total, 4) if total else None


@dataclass
class DocumentRows:
    document: int
    external_id: str
    rows: list[Row]

    def as_json(self) -> dict:
        return {"document": self.document, "external_id": self.external_id, "rows": [r.as_json() for r in self.rows]}


@dataclass
class Evaluation:
    documents: int = 0
    rows: list[Row] = field(default_factory=list)
    acceptance: list[Acceptance] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # suggested types the gold never annotates
    per_document: list[DocumentRows] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "documents": self.documents, "rows": [r.as_json() for r in self.rows], "left_out": self.left_out,
            "acceptance": [{"tagger": a.tagger, "accepted": a.accepted, "rejected": a.rejected, "rate": a.rate}
                           for a in self.acceptance],
            "per_document": [d.as_json() for d in self.per_document],
        }


@dataclass(frozen=True)
class Options:
    types: frozenset[str] | None = None  # score only these (after type_map)
    type_map: dict[str, str | None] = field(default_factory=dict)  # type → type, or None to drop it
    per_document: bool = False

    def rename(self, items: list[tuple]) -> list[tuple]:
        """Items whose last field is a type, renamed and filtered."""
        out = []
        for *rest, kind in items:
            kind = self.type_map.get(kind, kind)
            if kind is not None and (self.types is None or kind in self.types):
                out.append((*rest, kind))
        return out


class OptionsError(ValueError):
    """A malformed option; `field` is "types" or "map", the message names what is wrong."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(message)


def project_types(project: Project) -> set[str]:
    return set(project.entity_types.values_list("key", flat=True)) | set(
        project.event_types.values_list("key", flat=True))


def options_from(project: Project, *, types: Iterable[str] = (), type_map: Iterable[str] = (),
                 per_document: bool = False) -> Options:
    """Options from typed text: `types` are type keys (a value may hold several, split on
    spaces or commas), `type_map` SRC=TYPE pairs (SRC= leaves SRC out). SRC must be a type
    of the project; TYPE may be a new name (it is compared on both sides), and `types` may
    name it."""
    known = project_types(project)
    mapping: dict[str, str | None] = {}
    for pair in type_map:
        source, sep, kind = pair.strip().partition("=")
        if not sep or not source.strip():
            raise OptionsError("map", _("«%(pair)s»: expected SRC=TYPE (or SRC= to leave SRC out), e.g. GPE=LOC.")
                               % {"pair": pair.strip()[:40]})
        if source.strip() not in known:
            raise OptionsError("map", _("«%(type)s» is not a type of this project (its types: %(types)s).")
                               % {"type": source.strip()[:40], "types": ", ".join(sorted(known))})
        mapping[source.strip()] = kind.strip() or None
    wanted = {name for value in types for name in value.replace(",", " ").split()}
    unknown = sorted(wanted - known - {kind for kind in mapping.values() if kind})
    if unknown:
        raise OptionsError("types", _("%(names)s: not types of this project (its types: %(types)s).")
                           % {"names": ", ".join(name[:40] for name in unknown), "types": ", ".join(sorted(known))})
    return Options(frozenset(wanted) or None, mapping, per_document)


def compare(gold: list[Item], suggested: list[Item]) -> dict[str, Counts]:
    """Counts per type for one document."""
    out: dict[str, Counts] = {}
    gold_set = set(gold)
    for kind in {k for _s, _e, k in gold} | {k for _s, _e, k in suggested}:
        g = [x for x in gold if x[2] == kind]
        p = [x for x in set(suggested) if x[2] == kind]
        out[kind] = Counts(
            gold=len(g), suggested=len(p), exact=sum(1 for x in p if x in gold_set),
            overlap_suggested=sum(1 for x in p if any(x[0] < y[1] and y[0] < x[1] for y in g)),
            overlap_gold=sum(1 for y in g if any(x[0] < y[1] and y[0] < x[1] for x in p)),
        )
    return out


def _by_document(rows, options: Options) -> dict[int, list[Item]]:
    out: dict[int, list[Item]] = {}
    for doc, start, end, kind in options.rename(list(rows)):
        out.setdefault(doc, []).append((start, end, kind))
    return out


def evaluate_project(project: Project, options: Options | None = None) -> Evaluation:
    options = options or Options()
    set_ids = list(gold_sets(project).values_list("pk", flat=True))
    gold_entities = _by_document(Span.objects.filter(set__in=set_ids).values_list(
        "set__document_id", "start", "end", "entity_type__key"), options)
    gold_events = _by_document(Event.objects.filter(set__in=set_ids).values_list(
        "set__document_id", "trigger_start", "trigger_end", "event_type__key"), options)
    documents = sorted(set(gold_sets(project).values_list("document_id", flat=True)))
    annotated = {k for items in [*gold_entities.values(), *gold_events.values()] for _s, _e, k in items}

    suggested: dict[int, dict[str, list]] = {}
    # Suggestions meant for one annotator (their own names) are not what everyone is shown.
    rows = Suggestion.objects.filter(document_id__in=documents, user__isnull=True).values_list(
        "document_id", "tagger", "kind", "start", "end", "score", Coalesce("entity_type__key", "event_type__key"))
    left_out: set[str] = set()
    for doc, tagger, kind, start, end, score, key in options.rename(list(rows)):
        if key not in annotated:
            left_out.add(key)
            continue
        suggested.setdefault(doc, {}).setdefault(tagger, []).append((kind, key, start, end, score))

    # Every tagger is scored on every gold document, also where it suggested nothing.
    entity_taggers = sorted({t for by in suggested.values() for t, items in by.items()
                             if any(i[0] == Suggestion.Kind.ENTITY for i in items)})
    event_taggers = sorted({t for by in suggested.values() for t, items in by.items()
                            if any(i[0] == Suggestion.Kind.EVENT for i in items)})
    totals: dict[tuple[str, str], Counts] = {}
    external_ids = dict(Document.objects.filter(pk__in=documents).values_list("pk", "external_id"))
    per_document: list[DocumentRows] = []

    for doc in documents:
        mine: dict[tuple[str, str], Counts] = {}

        def count(tagger: str, per_type: dict[str, Counts], mine=mine) -> None:
            for kind, counts in per_type.items():
                for key in ((tagger, kind), (tagger, ALL_TYPES)):
                    totals.setdefault(key, Counts()).add(counts)
                    mine.setdefault(key, Counts()).add(counts)

        by_tagger = suggested.get(doc, {})
        entity_gold, event_gold = gold_entities.get(doc, []), gold_events.get(doc, [])
        everyone: list[EntityProposal] = []
        for tagger in entity_taggers:
            items = [i for i in by_tagger.get(tagger, []) if i[0] == Suggestion.Kind.ENTITY]
            count(tagger, compare(entity_gold, [(s, e, k) for _kind, k, s, e, _score in items]))
            everyone += [EntityProposal(k, s, e, score, tagger) for _kind, k, s, e, score in items]
        if entity_taggers:
            count(MERGED, compare(entity_gold, [(p.start, p.end, p.type) for p in merge(everyone, PRIORITY)]))
        for tagger in event_taggers:
            items = [i for i in by_tagger.get(tagger, []) if i[0] == Suggestion.Kind.EVENT]
            count(tagger, compare(event_gold, [(s, e, k) for _kind, k, s, e, _score in items]))
        if options.per_document:
            per_document.append(DocumentRows(doc, external_ids.get(doc, ""), _rows(mine)))
    return Evaluation(len(documents), _rows(totals), acceptance(project), sorted(left_out), per_document)


def _rows(totals: dict[tuple[str, str], Counts]) -> list[Row]:
    ordered = sorted(totals.items(), key=lambda kv: (kv[0][0] != MERGED, kv[0][0], kv[0][1] != ALL_TYPES, kv[0][1]))
    return [Row(t, k, c) for (t, k), c in ordered]


def acceptance(project: Project) -> list[Acceptance]:
    """Accepted and rejected decisions per tagger, then over all taggers ("*")."""
    rows = (
        SuggestionDecision.objects.filter(suggestion__document__project=project)
        .values_list("suggestion__tagger", "decision").annotate(n=Count("pk")).order_by()
    )
    by_tagger: dict[str, Acceptance] = {}
    for tagger, decision, n in rows:
        entry = by_tagger.setdefault(tagger, Acceptance(tagger, 0, 0))
        if decision == SuggestionDecision.Decision.ACCEPTED:
            entry.accepted += n
        else:
            entry.rejected += n
    out = [by_tagger[name] for name in sorted(by_tagger)]
    if out:
        out.append(Acceptance(ALL_TYPES, sum(a.accepted for a in out), sum(a.rejected for a in out)))
    return out
