"""The project's pre-tagging options: the tagger names (ALL_TAGGERS, CRF, TRIGGER_CRF, EVENT_TAGGERS),
PretagSettings as kept in Project.settings, and checking and saving them (check_settings,
save_settings, SettingsError), including the rule that an NER model may only be loaded
from the folders listed in TAWSIM_MODEL_DIRS.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from corpus.models import Project

CRF = "crf"
BASE = "crf_base"  # the TaggerModel a quick (stacked) CRF model tags over (retraining)
TRIGGER_CRF = "trigger_crf"
EVENT_TAGGERS = ("triggers", TRIGGER_CRF)
ALL_TAGGERS = ("dates", "string_match", "gazetteer", "organisations", "cues", "given_names", "name_parts", "crf",
               "camel_ner", "triggers", TRIGGER_CRF)

DEFAULT_LABEL_MAP = {"PERS": "PER", "PER": "PER", "LOC": "GPE", "GPE": "GPE", "ORG": "ORG", "FAC": "FAC", "MISC": None}


@dataclass
class PretagSettings:
    """The pre-tagging options kept in Project.settings (keys of the same names)."""

    pretag_on_import: bool = False
    taggers: list[str] = field(default_factory=lambda: list(ALL_TAGGERS))
    ner_label_map: dict[str, str | None] = field(default_factory=lambda: dict(DEFAULT_LABEL_MAP))
    ner_model_path: str = ""
    crf_retrain_every: int = 1  # the quick retraining takes seconds: after every adjudicated document

    KEYS = ("pretag_on_import", "taggers", "ner_label_map", "ner_model_path", "crf_retrain_every")

    @classmethod
    def of(cls, project: Project) -> PretagSettings:
        stored = project.settings or {}
        return cls(**{key: stored[key] for key in cls.KEYS if key in stored})

    def as_json(self) -> dict:
        return {key: getattr(self, key) for key in self.KEYS}


class SettingsError(ValueError):
    def __init__(self, message: str, field: str):
        self.message, self.field = message, field
        super().__init__(message)


def check_settings(project: Project, options: PretagSettings) -> PretagSettings:
    """Refuse unknown taggers, label maps naming types the project lacks, N < 1."""
    unknown = [name for name in options.taggers if name not in ALL_TAGGERS]
    if unknown:
        raise SettingsError(
            _("taggers: unknown tagger(s) %(names)s (known: %(known)s).")
            % {"names": ", ".join(unknown), "known": ", ".join(ALL_TAGGERS)}, "taggers")
    types = set(project.entity_types.values_list("key", flat=True))
    for label, kind in options.ner_label_map.items():
        if kind is not None and kind not in types:
            raise SettingsError(
                _("ner_label_map: the label %(label)s maps to «%(type)s», which is not an entity type of this "
                  "project (its types: %(types)s).")
                % {"label": label, "type": kind, "types": ", ".join(sorted(types))},
                "ner_label_map")
    if not isinstance(options.crf_retrain_every, int) or options.crf_retrain_every < 1:
        raise SettingsError(_("crf_retrain_every: must be a whole number of at least 1."), "crf_retrain_every")
    if options.ner_model_path and not _in_model_dirs(options.ner_model_path):
        raise SettingsError(
            _("ner_model_path: models may only be loaded from %(dirs)s (TAWSIM_MODEL_DIRS).")
            % {"dirs": ", ".join(settings.TAWSIM_MODEL_DIRS)}, "ner_model_path")
    return options


def _in_model_dirs(path: str) -> bool:
    resolved = Path(path).resolve()
    return any(resolved.is_relative_to(Path(folder).resolve()) for folder in settings.TAWSIM_MODEL_DIRS)


def save_settings(project: Project, options: PretagSettings) -> None:
    """Validate and store the options, leaving the project's other settings alone."""
    check_settings(project, options)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        locked.settings = {**(locked.settings or {}), **options.as_json()}
        locked.save(update_fields=["settings"])
    project.settings = locked.settings
