"""The bootstrap corpus a project's CRF was started from, remembered so that every later
retraining learns from it again (not from the project's gold alone).

`train_tagger --bootstrap` records where the corpus lies and how its classes map
(Project.settings["crf_bootstrap"]); the corpus is read there again, never copied.
Reading and featurizing it is memoised per process, keyed by the file's path, size and
modification time, the class map and the feature version: a worker retraining after
each adjudicated document featurizes it once. (Not on disk: loading ~170,000 tokens'
pickled features measured no faster than computing them again.)
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from django.db import transaction

from corpus.models import Project
from corpus.pretag import crf as crf_module
from corpus.pretag.bootstrap import read_bio

KEY = "crf_bootstrap"


@dataclass(frozen=True)
class Bootstrap:
    source: str
    examples: int  # segments of the corpus
    sequences: list[crf_module.Prepared]


def remember(project: Project, path: str, class_map: dict[str, str]) -> None:
    """Record the corpus for later retrainings; the project's other settings are kept."""
    value = {"path": os.path.abspath(path), "format": "conll", "map": dict(sorted(class_map.items()))}
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        locked.settings = {**(locked.settings or {}), KEY: value}
        locked.save(update_fields=["settings"])
    project.settings = locked.settings


def recorded(project: Project) -> dict | None:
    return (project.settings or {}).get(KEY)


def load(project: Project) -> Bootstrap | None:
    """The remembered corpus, featurized; None when there is none. A corpus that is no
    longer readable raises OSError naming it (the retraining reports it)."""
    reference = recorded(project)
    if not reference:
        return None
    path = reference["path"]
    stat = os.stat(path)
    examples, sequences = _featurized(path, stat.st_size, stat.st_mtime_ns,
                                       tuple(sorted(reference["map"].items())), crf_module.FEATURE_VERSION)
    return Bootstrap(path, examples, sequences)


@lru_cache(maxsize=2)
def _featurized(path: str, size: int, mtime_ns: int, class_map: tuple, version: int):
    examples = list(read_bio(path, dict(class_map)))
    return len(examples), crf_module.featurize(examples)

