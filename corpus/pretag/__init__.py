"""Pre-tagging: pure taggers that propose entities and events for annotators to accept.

Use from the annotate side:

    from corpus.pretag import pretag_document, Gazetteer, DateTagger, CRFTagger, TriggerTagger
    result = pretag_document(text, [DateTagger(), Gazetteer(gold_names), CRFTagger(model)],
                             priority=DEFAULT_PRIORITY, event_taggers=[TriggerTagger(specs)])
    result.suggestions, result.events, result.errors

`TAGGERS` maps each tagger's name (the `tagger` field of its suggestions) to its class;
constructors differ (a gazetteer takes names, the CRF a trained model, camel NER a label
mapping and an optional model path), so the caller builds them.
"""
from corpus.pretag.base import (
    ArgumentProposal,
    EntityProposal,
    EventProposal,
    EventTagger,
    PretagResult,
    Tagger,
    TaggerError,
    merge,
    pretag_document,
    run_taggers,
)
from corpus.pretag.camel_ner import CamelNER, NERModelUnavailable
from corpus.pretag.crf import CRFTagger
from corpus.pretag.cues import CueTagger
from corpus.pretag.dates import DateTagger
from corpus.pretag.events import EventTypeSpec, RoleSpec, TriggerTagger
from corpus.pretag.gazetteer import Entry, Gazetteer
from corpus.pretag.given_names import GivenNameTagger
from corpus.pretag.name_parts import NameParts
from corpus.pretag.organisations import OrganisationTagger
from corpus.pretag.string_match import MarkedName, StringMatcher
from corpus.pretag.trigger_model import TriggerModelTagger

TAGGERS: dict[str, type] = {
    DateTagger.name: DateTagger,
    Gazetteer.name: Gazetteer,
    CamelNER.name: CamelNER,
    CueTagger.name: CueTagger,
    GivenNameTagger.name: GivenNameTagger,
    OrganisationTagger.name: OrganisationTagger,
    CRFTagger.name: CRFTagger,
    StringMatcher.name: StringMatcher,
    NameParts.name: NameParts,
}
EVENT_TAGGERS: dict[str, type] = {TriggerTagger.name: TriggerTagger, TriggerModelTagger.name: TriggerModelTagger}

# Where suggestions cross, the surer source wins: date patterns are exact, names a person
# marked in this project come next, then the dictionary, BERT beats a CRF trained on little
# gold, and a name right after «الرئيس» or a «وزارة …» is surer than the CRF's guess; the
# family name of a person the document names in full («داود» after «سامي داود») too. Well-known
# organisations of the shipped list («حماس», «رويترز») rank with the dictionary; a known given
# name and the words after it («محمد الدبيبة») is surer than the CRF, less than a title.
# (Where they nest, the longer wins: see merge.)
DEFAULT_PRIORITY = ("dates", "string_match", "gazetteer", "organisations", "camel_ner", "cues", "name_parts",
                    "given_names", "crf")

__all__ = [
    "ArgumentProposal", "CRFTagger", "CamelNER", "CueTagger", "DEFAULT_PRIORITY", "DateTagger", "EVENT_TAGGERS",
    "EntityProposal", "Entry", "EventProposal", "EventTagger", "EventTypeSpec", "Gazetteer", "GivenNameTagger",
    "MarkedName", "NERModelUnavailable", "NameParts", "OrganisationTagger", "PretagResult", "RoleSpec",
    "StringMatcher", "TAGGERS", "Tagger", "TaggerError", "TriggerModelTagger", "TriggerTagger",
    "merge", "pretag_document", "run_taggers",
]
