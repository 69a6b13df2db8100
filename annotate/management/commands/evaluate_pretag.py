"""Compare a project's stored suggestions with its gold sets:

    python manage.py evaluate_pretag PROJECT

Precision, recall and F1 per tagger and type, exact and overlap match, then the
acceptance rate from annotators' decisions (annotate.pretagging.evaluation).
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, no_translations

from annotate.pretagging.evaluation import evaluate_project
from corpus.models import Project


class Command(BaseCommand):
    help = "Print precision/recall/F1 of stored suggestions against the gold sets, and acceptance rates."

    def add_arguments(self, parser) -> None:
        parser.add_argument("project", help="the project's slug")

    @no_translations
    def handle(self, *args, project: str, **options) -> None:
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"evaluate_pretag: no project with slug {project!r}")
        evaluation = evaluate_project(target)
        self.stdout.write(f"{evaluation.documents} gold document(s)\n")
        self.stdout.write(f"{'tagger':<12}{'type':<8}{'gold':>6}{'sugg':>6}  "
                          f"{'exact P':>8}{'R':>7}{'F1':>7}  {'overlap P':>10}{'R':>7}{'F1':>7}")
        for row in evaluation.rows:
            (ep, er, ef), (op, orr, of) = row.exact, row.overlap
            self.stdout.write(f"{row.tagger:<12}{row.type:<8}{row.counts.gold:>6}{row.counts.suggested:>6}  "
                              f"{ep:>8.3f}{er:>7.3f}{ef:>7.3f}  {op:>10.3f}{orr:>7.3f}{of:>7.3f}")
        self.stdout.write(f"\n{'tagger':<12}{'accepted':>9}{'rejected':>9}{'rate':>7}")
        for entry in evaluation.acceptance:
            rate = "-" if entry.rate is None else f"{entry.rate:.3f}"
            self.stdout.write(f"{entry.tagger:<12}{entry.accepted:>9}{entry.rejected:>9}{rate:>7}")
