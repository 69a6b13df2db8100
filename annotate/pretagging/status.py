"""What the pre-tagging settings page shows: each tagger's state (enabled, and why it
cannot run if it cannot) and the number of stored suggestions per tagger.
"""
from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from annotate.models import Suggestion
from annotate.pretagging.pipeline import ner_tagger
from annotate.pretagging.settings import ALL_TAGGERS, TRIGGER_CRF, PretagSettings
from annotate.pretagging.training import event_specs, latest_model
from corpus.models import Project


def tagger_states(project: Project) -> list[dict]:
    """For the settings page: each tagger, whether it is enabled, and whether it can run."""
    options = PretagSettings.of(project)
    states = []
    for name in ALL_TAGGERS:
        problem = ""
        if name == "crf" and latest_model(project) is None:
            problem = _("not trained yet")
        elif name == "camel_ner" and (missing := ner_tagger(project, options).status()):
            # One line for the table; where it looked and how to install, on request.
            states.append({"name": name, "enabled": False, "installed": False, "detail": missing,
                           "problem": _("not installed: no NER model on this server (see below how to install it)")})
            continue
        elif name == TRIGGER_CRF and latest_model(project, TRIGGER_CRF) is None:
            problem = _("not trained yet: it is trained with the CRF once the sets hold events")
        elif name == "triggers" and not any(spec.triggers for spec in event_specs(project)):
            problem = _("no trigger words in the schema")
        states.append({"name": name, "enabled": name in options.taggers, "installed": True, "problem": problem})
    return states


def count_by_tagger(project: Project) -> dict[str, int]:
    rows = Suggestion.objects.filter(document__project=project).values("tagger").annotate(n=Count("pk"))
    return {row["tagger"]: row["n"] for row in rows.order_by("tagger")}
