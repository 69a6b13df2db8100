"""Pre-tag a project's documents inline, with progress:

    python manage.py pretag PROJECT [--taggers dates gazetteer crf camel_ner triggers trigger_crf] [--documents 1 2 3]

A tagger that fails on one document is reported and the run goes on.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, no_translations

from annotate import pretagging
from corpus.models import Project


class Command(BaseCommand):
    help = "Run the project's taggers over its documents (all, or --documents) and store the suggestions."

    def add_arguments(self, parser) -> None:
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("--taggers", nargs="+", choices=sorted(pretagging.BUILDERS),
                            help="taggers to run (default: those enabled in the project's settings)")
        parser.add_argument("--documents", nargs="+", type=int, metavar="ID", help="document ids (default: all)")

    @no_translations
    def handle(self, *args, project: str, taggers, documents, **options) -> None:
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"pretag: no project with slug {project!r}")
        report = pretagging.pretag_documents(
            target, documents, taggers=taggers, progress=self._progress, on_error=self._error)
        for name, reason in report.skipped.items():
            self.stdout.write(self.style.WARNING(f"{name} did not run: {reason}"))
        self.stdout.write(self.style.SUCCESS(
            f"{report.documents} documents: {report.suggestions} entity and {report.events} event suggestions stored"
            f"{f', {report.dropped} of types the project lacks dropped' if report.dropped else ''}, "
            f"{len(report.errors)} tagger failure(s)"))

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"{done}/{total} documents")

    def _error(self, problem: dict) -> None:
        self.stderr.write(f"document {problem['document']}: tagger {problem['tagger']} failed: {problem['message']}")
