"""A name just marked is offered at its other occurrences in the same document, at once.

The in-document half of the string-matching recommender (corpus.pretag.string_match; the
pre-tagging run does the other documents): after a span is created, every other
occurrence of its text (normalisation- and clitic-aware) becomes a suggestion of the
tagger "string_match" with the span's type and knowledge-base entity, meant for the set's
owner only (an annotator's marks are not shown to the others before adjudication). Marks
in a gold set are offered by the pre-tagging run, not here. Where the project runs the
tagger "name_parts", a name of several words also offers its short forms (the family name
of a person: «داود» after «سامي داود» is marked; corpus.pretag.name_parts) the same way.

No suggestion where the set already marks something overlapping, where a one-word name
matches only by folding onto a common word («على» for a marked «علي»), where the owner already
decided a suggestion of the same extent (a rejected place stays rejected), or where the
same suggestion is already offered. Four queries, whatever the number of occurrences.
"""
from __future__ import annotations

from annotate.models import AnnotationSet, Span, Suggestion, SuggestionDecision
from annotate.services.suggestions import offered_to
from corpus.models import EntityType
from corpus.pretag.cues import shipped_cues
from corpus.pretag.name_parts import NAME as NAME_PARTS
from corpus.pretag.name_parts import NameParts, Source
from corpus.pretag.string_match import NAME, OWN_SCORE, MarkedName, StringMatcher, folded_into_a_common_word
from corpus.text.arabic import cached_tokens


def enabled(project, tagger: str = NAME) -> bool:
    """The project runs that tagger (its pre-tagging settings list it)."""
    from annotate.pretagging.settings import PretagSettings  # the settings import the services

    return tagger in PretagSettings.of(project).taggers


def offer_other_occurrences(annotation_set: AnnotationSet, span: Span) -> int:
    """Suggest the span's name at its other occurrences in the document; how many were added."""
    document = annotation_set.document
    owner = annotation_set.owner_id
    # A gold set has no owner: its offers would reach every annotator of the document while
    # they still work on it; gold names reach them through the next pre-tagging run.
    if owner is None or not enabled(document.project):
        return 0
    text, tokens = document.text, cached_tokens(document.text)
    name = MarkedName(text[span.start:span.end], span.entity_type.key, span.kb_entity_id)
    stop = shipped_cues().stop
    found = [p for p in StringMatcher([name]).tag(text, tokens)
             if (p.start, p.end) != (span.start, span.end)
             and not folded_into_a_common_word(name.text, text[p.start:p.end], stop)]
    if enabled(document.project, NAME_PARTS):
        found += NameParts().tag_document(text, tokens, [], [Source(name.text, name.type, owner)])
    if not found:
        return 0
    marked = list(Span.objects.filter(set_id=annotation_set.pk).values_list("start", "end"))
    blocked = _decided_extents(document.pk, owner) | _offered_extents(document.pk, owner, span.entity_type_id)
    rows = [
        Suggestion(document_id=document.pk, tagger=p.tagger, entity_type_id=span.entity_type_id, start=p.start,
                   end=p.end, score=OWN_SCORE if p.tagger == NAME else p.score, kb_entity_id=p.kb_entity, user_id=owner)
        for p in found
        if (p.start, p.end) not in blocked and not any(s < p.end and p.start < e for s, e in marked)
    ]
    Suggestion.objects.bulk_create(rows)
    return len(rows)


def retype_other_occurrences(annotation_set: AnnotationSet, span: Span, before_type_id: int) -> int:
    """After a mark is retyped, its name's undecided offers in the document follow it:
    they were made with the old type, which the owner has just corrected. That is the
    offers of the name itself and of its short forms (name_parts, as the mark made them
    with its old type). How many changed."""
    owner = annotation_set.owner_id
    if owner is None:
        return 0
    document = annotation_set.document
    text, tokens = document.text, cached_tokens(document.text)
    name = MarkedName(text[span.start:span.end], span.entity_type.key, span.kb_entity_id)
    extents = {(NAME, p.start, p.end) for p in StringMatcher([name]).tag(text, tokens)}
    old_key = EntityType.objects.filter(pk=before_type_id).values_list("key", flat=True).first()
    if old_key is not None:
        extents |= {(NAME_PARTS, p.start, p.end)
                    for p in NameParts().tag_document(text, tokens, [], [Source(name.text, old_key, owner)])}
    if not extents:
        return 0
    decided = _decided_extents(document.pk, owner)
    stale = Suggestion.objects.filter(document_id=document.pk, tagger__in=(NAME, NAME_PARTS), user_id=owner,
                                      kind=Suggestion.Kind.ENTITY, entity_type_id=before_type_id)
    ids = [pk for pk, tagger, start, end in stale.values_list("pk", "tagger", "start", "end")
           if (tagger, start, end) in extents and (start, end) not in decided]
    return Suggestion.objects.filter(pk__in=ids).update(entity_type_id=span.entity_type_id)


def _decided_extents(document_id: int, user_id: int | None) -> set[tuple[int, int]]:
    decided = SuggestionDecision.objects.filter(suggestion__document_id=document_id, user_id=user_id)
    return set(decided.values_list("suggestion__start", "suggestion__end"))


def _offered_extents(document_id: int, user_id: int | None, type_id: int) -> set[tuple[int, int]]:
    offered = Suggestion.objects.filter(offered_to(user_id), document_id=document_id, tagger__in=(NAME, NAME_PARTS),
                                        entity_type_id=type_id, kind=Suggestion.Kind.ENTITY)
    return set(offered.values_list("start", "end"))
