"""Train the project's CRF from its gold, or bootstrap it from an annotated corpus:

    python manage.py train_tagger PROJECT
    python manage.py train_tagger PROJECT --bootstrap ../shared/data/newsfane_gold/NewsFANE_Gold_2014_170K.txt \
        --format conll --map newsfane
    python manage.py train_tagger PROJECT --bootstrap corpus.conll --map PERS=PER --map LOC=GPE --map ORG=ORG

The corpus is read where it lies, never copied; the project remembers where, and every
later retraining (the page's button, the automatic one after adjudication) learns from
it again. `--map SRC=TYPE` maps a corpus class to
a project entity type (classes left out are ignored); `--map newsfane` is NewsFANE
Gold's fine classes mapped to news-ar's types (corpus.pretag.bootstrap.NEWSFANE_CLASSES).
"""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, no_translations

from annotate import pretagging
from annotate.pretagging import bootstrap_corpus
from corpus.models import Project
from corpus.pretag.bootstrap import NEWSFANE_CLASSES, read_bio

FORMATS = ("conll",)


class Command(BaseCommand):
    help = "Train the CRF on the project's gold (and optionally a bootstrap corpus); print its scores."

    def add_arguments(self, parser) -> None:
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("--bootstrap", metavar="PATH", help="an annotated corpus to learn from as well")
        parser.add_argument("--format", default="conll", choices=FORMATS,
                            help="the corpus format: conll (token<TAB>BIO tag, blank line between segments)")
        parser.add_argument("--map", action="append", default=[], metavar="SRC=TYPE",
                            help="map a corpus class to a project type (repeat), or 'newsfane'")
        parser.add_argument("--iterations", type=int, default=100, help="training iterations (default 100)")

    @no_translations
    def handle(self, *args, project: str, bootstrap, format, map, iterations, **options) -> None:
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"train_tagger: no project with slug {project!r}")
        class_map = self._class_map(target, map) if bootstrap else {}
        extra = self._corpus(bootstrap, class_map) if bootstrap else []
        started = time.perf_counter()
        try:
            model = pretagging.train_crf(target, extra_examples=extra, extra_source=bootstrap or "",
                                         max_iterations=iterations)
        except pretagging.NoTrainingData as error:
            raise CommandError(str(error)) from None
        if bootstrap:  # later retrainings (after adjudication too) learn from it again
            bootstrap_corpus.remember(target, bootstrap, class_map)
        metrics = model.metrics
        self.stdout.write(self.style.SUCCESS(
            f"CRF trained on {model.trained_on} documents in {time.perf_counter() - started:.1f}s"))
        if "f1" in metrics:
            self.stdout.write(f"{metrics['method']}: precision {metrics['precision']:.3f}, "
                              f"recall {metrics['recall']:.3f}, F1 {metrics['f1']:.3f}")
            for kind, (p, r, f) in metrics["per_type"].items():
                self.stdout.write(f"  {kind:<6} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
        else:
            self.stdout.write("no scores: the project needs at least 2 gold documents to measure the CRF")
        triggers = pretagging.latest_model(target, pretagging.TRIGGER_CRF)
        if model.trigger_failure is not None:
            self.stderr.write(str(model.trigger_failure))
        elif triggers is not None:
            self.stdout.write(f"trigger model ({pretagging.TRIGGER_CRF}) trained on {triggers.trained_on} documents "
                              f"with {triggers.metrics.get('events', 0)} events")
        else:
            self.stdout.write(f"no trigger model ({pretagging.TRIGGER_CRF}): no training document holds an event")

    def _corpus(self, path: str, class_map: dict[str, str]) -> list:
        try:
            examples = list(read_bio(path, class_map))
        except OSError as error:
            raise CommandError(f"{path}: cannot be read: {error.strerror}") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from None
        if not examples:
            raise CommandError(f"{path}: no segments found")
        kinds = ", ".join(sorted(set(class_map.values())))
        self.stdout.write(f"{path}: {len(examples)} segments, "
                          f"{sum(len(s) for _t, s in examples)} entities of {kinds}")
        return examples

    @staticmethod
    def _class_map(project: Project, pairs: list[str]) -> dict[str, str]:
        if not pairs:
            raise CommandError("--bootstrap needs --map SRC=TYPE (repeat it) or --map newsfane")
        types = set(project.entity_types.values_list("key", flat=True))
        class_map: dict[str, str] = {}
        for pair in pairs:
            if pair == "newsfane":
                class_map.update(NEWSFANE_CLASSES)
                continue
            source, sep, kind = pair.partition("=")
            if not sep or not source.strip() or not kind.strip():
                raise CommandError(f"--map {pair!r}: expected SRC=TYPE, e.g. PERS=PER")
            class_map[source.strip()] = kind.strip()
        unknown = sorted(set(class_map.values()) - types)
        if unknown:
            raise CommandError(f"--map: {', '.join(unknown)} are not entity types of {project.slug} "
                               f"(its types: {', '.join(sorted(types))})")
        return class_map
