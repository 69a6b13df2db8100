"""python manage.py export PROJECT --format F -o PATH [--sets ...] [--split 80,10,10 --seed N]"""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from annotate.dataset import ExportOptions, check_options, export_to_path
from annotate.models import SetStatus
from corpus.formats import WRITERS
from corpus.models import Project


def _numbers(raw: str, what: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in raw.split(",") if x.strip())
    except ValueError:
        raise CommandError(f"{what}: whole numbers separated by commas, not {raw!r}") from None


class Command(BaseCommand):
    help = (
        "Export a project's documents with their annotations. Offsets are Unicode code points "
        "into the text. Formats: " + ", ".join(WRITERS) + "."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("--format", "-f", default="tawsim", choices=sorted(WRITERS))
        parser.add_argument("-o", "--output", required=True, help="the file to write")
        parser.add_argument("--sets", default="gold", help="gold (default), all, suggestions or annotator:NAME")
        parser.add_argument("--status", default="", help="only sets with these statuses, e.g. submitted,adjudicated "
                            f"({', '.join(s for s, _l in SetStatus.choices)})")
        parser.add_argument("--ids", default="", help="only these document ids, e.g. 3,4,9")
        parser.add_argument("--split", default="", help="train,dev,test percentages, e.g. 80,10,10 (a zip)")
        parser.add_argument("--seed", type=int, default=0, help="seed of the split (reproducible)")
        parser.add_argument("--no-meta", action="store_true", help="leave document meta out")
        parser.add_argument("--include-empty", action="store_true",
                            help="also documents without the chosen set (with no annotations)")

    @no_translations
    def handle(self, project, format, output, sets, status, ids, split, seed, no_meta, include_empty, **options):
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"no project with slug {project!r}")
        statuses = tuple(s.strip() for s in status.split(",") if s.strip())
        unknown = set(statuses) - {s for s, _l in SetStatus.choices}
        if unknown:
            raise CommandError(f"--status: unknown status {', '.join(sorted(unknown))}")
        export_options = ExportOptions(
            fmt=format, sets=sets, statuses=statuses, document_ids=_numbers(ids, "--ids"),
            split=_numbers(split, "--split") or None, seed=seed, with_meta=not no_meta, include_empty=include_empty,
        )
        try:
            check_options(export_options)
        except ValueError as error:
            raise CommandError(str(error)) from None
        count = {"n": 0}

        def on_record() -> None:
            count["n"] += 1

        warnings = export_to_path(target, export_options, Path(output), on_record=on_record)
        for warning in warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(self.style.SUCCESS(f"exported {count['n']} document(s) to {output}"))
