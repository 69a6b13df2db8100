"""Compare a project's stored suggestions with its gold sets:

    python manage.py evaluate_pretag PROJECT [--types PER ORG] [--map GPE=LOC --map DATE=]
                                             [--per-document] [--json]

Precision, recall and F1 per tagger and type, exact and overlap match, then the
acceptance rate from annotators' decisions (annotate.pretagging.evaluation). Types the
gold never annotates are left out and named. `--map SRC=TYPE` renames a type on both
sides before comparing (`SRC=` drops it); `--json` prints the same figures as JSON.
"""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, no_translations

from annotate.pretagging.evaluation import Evaluation, OptionsError, Row, evaluate_project, options_from
from corpus.models import Project


class Command(BaseCommand):
    help = "Print precision/recall/F1 of stored suggestions against the gold sets, and acceptance rates."

    def add_arguments(self, parser) -> None:
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("--types", nargs="+", metavar="TYPE", help="score only these types (after --map)")
        parser.add_argument("--map", action="append", default=[], metavar="SRC=TYPE", dest="type_map",
                            help="rename a type on both sides before comparing (SRC= leaves it out); repeat it")
        parser.add_argument("--per-document", action="store_true", help="also print each gold document's figures")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the figures as JSON")

    @no_translations
    def handle(self, *args, project: str, types, type_map, per_document: bool, as_json: bool, **options) -> None:
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"evaluate_pretag: no project with slug {project!r}")
        try:
            chosen = options_from(target, types=types or (), type_map=type_map, per_document=per_document)
        except OptionsError as error:
            raise CommandError(f"--{error.field}: {error.message}") from None
        evaluation = evaluate_project(target, chosen)
        if as_json:
            self.stdout.write(_dumps(evaluation.as_json()))
        else:
            self._table(evaluation)

    def _table(self, evaluation: Evaluation) -> None:
        self.stdout.write(f"{evaluation.documents} gold document(s)\n")
        if evaluation.left_out:
            self.stdout.write(f"left out (no gold annotation of these types): {', '.join(evaluation.left_out)}\n")
        self._rows(evaluation.rows)
        for document in evaluation.per_document:
            self.stdout.write(f"\ndocument {document.document} {document.external_id}".rstrip())
            self._rows(document.rows)
        self.stdout.write(f"\n{'tagger':<12}{'accepted':>9}{'rejected':>9}{'rate':>7}")
        for entry in evaluation.acceptance:
            rate = "-" if entry.rate is None else f"{entry.rate:.3f}"
            self.stdout.write(f"{entry.tagger:<12}{entry.accepted:>9}{entry.rejected:>9}{rate:>7}")

    def _rows(self, rows: list[Row]) -> None:
        self.stdout.write(f"{'tagger':<12}{'type':<8}{'gold':>6}{'sugg':>6}  "
                          f"{'exact P':>8}{'R':>7}{'F1':>7}  {'overlap P':>10}{'R':>7}{'F1':>7}")
        for row in rows:
            (ep, er, ef), (op, orr, of) = row.exact, row.overlap
            self.stdout.write(f"{row.tagger:<12}{row.type:<8}{row.counts.gold:>6}{row.counts.suggested:>6}  "
                              f"{ep:>8.3f}{er:>7.3f}{ef:>7.3f}  {op:>10.3f}{orr:>7.3f}{of:>7.3f}")


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
