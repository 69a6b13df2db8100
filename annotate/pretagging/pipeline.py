"""Building the pure taggers of corpus.pretag from a project's data and settings: one
builder per tagger name in BUILDERS (tests register extra taggers there), TaggerUnavailable
for a tagger that cannot run yet, ner_tagger for the configured camel-tools NER, and
build_pipeline, which gathers the enabled taggers into a Pipeline and lists the ones
skipped with the reason why.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from annotate.pretagging.settings import BASE, EVENT_TAGGERS, TRIGGER_CRF, PretagSettings
from annotate.pretagging.training import event_specs, latest_model, learned_triggers, names_marked, project_entries
from corpus.deferred_text import gettext_deferred, text_of
from corpus.models import Project
from corpus.pretag import (
    CamelNER,
    CRFTagger,
    CueTagger,
    DateTagger,
    Gazetteer,
    GivenNameTagger,
    NameParts,
    OrganisationTagger,
    StringMatcher,
    TriggerTagger,
)
from corpus.pretag.crf import GIVEN_NAMES_SINCE
from corpus.pretag.trigger_model import TriggerModelTagger


class TaggerUnavailable(Exception):
    """A tagger that cannot run for this project now (no model yet); the message says why."""


class TaggerNotInstalled(TaggerUnavailable):
    """A tagger whose software or model is not on this server: a fact of the installation,
    shown once on the settings page, not an error of every run."""


def ner_installed(project: Project, options: PretagSettings | None = None) -> bool:
    """Whether the configured camel-tools NER model is there (a file check only)."""
    return ner_tagger(project, options).status() is None


def _build_dates(project: Project, options: PretagSettings):
    return DateTagger()


def _build_gazetteer(project: Project, options: PretagSettings):
    return Gazetteer(project_entries(project))


def _build_string_match(project: Project, options: PretagSettings):
    shared, own = names_marked(project)
    if not shared and not own:
        raise TaggerUnavailable(gettext_deferred("no names are marked in this project yet."))
    return StringMatcher(shared, own)


def _build_cues(project: Project, options: PretagSettings):
    return CueTagger()


def _build_name_parts(project: Project, options: PretagSettings):
    return NameParts()


def _build_given_names(project: Project, options: PretagSettings):
    return GivenNameTagger()


def _build_organisations(project: Project, options: PretagSettings):
    return OrganisationTagger()


def _build_crf(project: Project, options: PretagSettings):
    model = latest_model(project)
    if model is None:
        raise TaggerUnavailable(gettext_deferred(
            "the CRF has not been trained yet: retrain it once the project has gold documents."))
    metrics = model.metrics or {}
    base = None
    if metrics.get("stacked"):  # the quick retraining's model tags over its base (retraining.BASE)
        base_row = latest_model(project, BASE)
        if base_row is None:
            raise TaggerUnavailable(gettext_deferred("the CRF's base model is missing: retrain it with the button."))
        base = bytes(base_row.data)
    # Models stored before feature versions were recorded were trained with the first ones.
    return CRFTagger(bytes(model.data), reference=metrics.get("sureness_reference"), base=base,
                     calibrated=(metrics.get("training") or {}).get("algorithm", "lbfgs") == "lbfgs",
                     feature_version=metrics.get("feature_version", 1))


def ner_tagger(project: Project, options: PretagSettings | None = None) -> CamelNER:
    """The camel-tools NER tagger as configured (nothing is loaded until it tags)."""
    options = options or PretagSettings.of(project)
    types = set(project.entity_types.values_list("key", flat=True))
    label_map = {label: kind for label, kind in options.ner_label_map.items() if kind in types}
    return CamelNER(label_map, model_path=options.ner_model_path or None)


def _build_camel_ner(project: Project, options: PretagSettings):
    tagger = ner_tagger(project, options)
    problem = tagger.status()  # a file check only: never imports camel_tools.ner
    if problem:
        raise TaggerNotInstalled(problem)
    return tagger


def _build_triggers(project: Project, options: PretagSettings):
    """The schema's trigger words and those the project's annotated events taught."""
    specs = event_specs(project)
    learned = [(t.word, t.type, t.score) for t in learned_triggers(project)]
    if not learned and not any(spec.triggers for spec in specs):
        raise TaggerUnavailable(gettext_deferred("no event type of this project has trigger words."))
    return TriggerTagger(specs, learned=learned)


def _build_trigger_crf(project: Project, options: PretagSettings):
    """The trigger model trained with the CRF (annotate.pretagging.trigger_model)."""
    model = latest_model(project, TRIGGER_CRF)
    if model is None:
        raise TaggerUnavailable(gettext_deferred(
            "the trigger model has not been trained yet: it is trained with the CRF once the "
            "project's gold (or submitted) sets hold events."))
    metrics = model.metrics or {}
    return TriggerModelTagger(bytes(model.data), event_specs(project),
                              [tuple(pair) for pair in metrics.get("marked", ())], metrics.get("doubtful", ()))


# Name → builder(project, settings) → tagger; tests register extra (failing) taggers here.
BUILDERS: dict[str, Callable] = {
    "dates": _build_dates,
    "string_match": _build_string_match,
    "gazetteer": _build_gazetteer,
    "organisations": _build_organisations,
    "cues": _build_cues,
    "given_names": _build_given_names,
    "name_parts": _build_name_parts,
    "crf": _build_crf,
    "camel_ner": _build_camel_ner,
    "triggers": _build_triggers,
    TRIGGER_CRF: _build_trigger_crf,
}


@dataclass
class Pipeline:
    taggers: list = field(default_factory=list)
    event_taggers: list = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # tagger → why it did not run


def build_pipeline(project: Project, names: Sequence[str] | None = None) -> Pipeline:
    """The enabled (or named) taggers, built from the project's data; a tagger that
    cannot run is listed in `skipped` with its reason instead of failing the run. An
    enabled tagger that is not installed is left out quietly (the settings page says
    so); one named explicitly is reported."""
    options = PretagSettings.of(project)
    pipeline = Pipeline()
    for name in names if names is not None else options.taggers:
        builder = BUILDERS.get(name)
        if builder is None:
            pipeline.skipped[name] = gettext_deferred("unknown tagger (known: %(known)s)", known=", ".join(BUILDERS))
            continue
        try:
            tagger = builder(project, options)
        except TaggerNotInstalled as reason:
            if names is not None:
                pipeline.skipped[name] = text_of(reason)
            continue
        except TaggerUnavailable as reason:
            pipeline.skipped[name] = text_of(reason)
            continue
        (pipeline.event_taggers if name in EVENT_TAGGERS else pipeline.taggers).append(tagger)
    _given_names_give_way_to_the_crf(pipeline)
    return pipeline


def _given_names_give_way_to_the_crf(pipeline: Pipeline) -> None:
    """The given-name rule runs only while no trained CRF does: the CRF has the same list as a
    feature, and on NewsFANE's held-out fifth the rule's own proposals beside a bootstrapped CRF
    cost PER precision (F1 0.837 without them, 0.827 with; README "Measured quality"). It still
    counts as run, with nothing to offer, so that what it offered before the CRF is replaced."""
    if not any(isinstance(t, CRFTagger) and t.feature_version >= GIVEN_NAMES_SINCE for t in pipeline.taggers):
        return  # no CRF, or one trained before it had the given names as a feature
    for i, tagger in enumerate(pipeline.taggers):
        if isinstance(tagger, GivenNameTagger):
            pipeline.taggers[i] = _StoodDown(tagger.name)
            pipeline.skipped[tagger.name] = gettext_deferred(
                "left to the trained CRF, which knows the given names as a feature.")


@dataclass(frozen=True)
class _StoodDown:
    """A tagger that gave way to another in this run: it offers nothing."""

    name: str

    def tag(self, text, tokens) -> list:
        return []
