from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, no_translations

from annotate import dataset

from corpus.formats import ANNOTATED_FORMATS, FORMATS
from corpus.importing import ImportReport, import_paths
from corpus.models import Project


class Command(BaseCommand):
    help = (
        "Import documents into a project from files, folders and .zip archives "
        "(.txt, .jsonl, .csv; with annotations: " + ", ".join(ANNOTATED_FORMATS) + "). "
        "Each file is imported all or nothing; texts the project already has are skipped "
        "(their annotations still go into the chosen set). Exits with status 1 if any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a file, a folder or a .zip")
        parser.add_argument("--format", choices=sorted(FORMATS), help="override detection by file extension")
        parser.add_argument("--text-column", default="text", help="CSV: the column holding the text (default: text)")
        parser.add_argument("--into", default="gold",
                            help="where annotations go: gold (default), annotator:NAME or suggestions")
        parser.add_argument("--map", action="append", default=[], metavar="SOURCE=TYPE",
                            help="rename a type from the file (repeatable; SOURCE= leaves it out)")
        parser.add_argument("--create-types", action="store_true", help="create unknown entity types")
        parser.add_argument("--create-kb", action="store_true",
                            help="create the knowledge-base entries and event clusters the file names and the "
                            "project lacks (Tawsim JSONL), so their links are kept")
        parser.add_argument("--user", default="", help="username recorded in the history as the importer")

    @no_translations
    def handle(self, project, paths, format, text_column, into, map, create_types, user, create_kb=False,
               **options):
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"no project with slug {project!r}")
        sinks = self._sinks(target, format, paths, into, map, create_types, user, create_kb)
        report = import_paths(target, paths, fmt=format, text_column=text_column, sinks=sinks)
        self._print(report)
        if not report.ok:
            raise CommandError(f"{report.failed} of {len(report.files)} file(s) failed")

    def _sinks(self, project, fmt, paths, into, mapping, create_types, username, create_kb=False):
        try:
            target = dataset.parse_target(project, into)
            type_map = dataset.parse_map(mapping)
        except ValueError as error:
            raise CommandError(str(error)) from None
        user = get_user_model().objects.filter(username=username).first() if username else None
        return dataset.sinks(project, target, user=user, type_map=type_map, create_types=create_types,
                             create_kb=create_kb)

    def _print(self, report: ImportReport) -> None:
        for file in report.files:
            if file.failed:
                self.stdout.write(self.style.ERROR(f"FAILED   {file.name}: nothing imported"))
                for error in file.errors:
                    self.stdout.write(f"         {error}")
            else:
                annotations = ", ".join(f"{n} {kind}" for kind, n in file.annotations.items())
                self.stdout.write(
                    self.style.SUCCESS(f"imported {file.name}: ")
                    + f"{file.imported} imported, {file.duplicates} duplicates skipped"
                    + (f"; annotations: {annotations}" if annotations else "")
                )
                for warning in file.warnings:
                    self.stdout.write(f"         warning: {warning}")
        self.stdout.write(
            f"Total: {report.imported} imported, {report.duplicates} duplicates skipped, "
            f"{report.failed} file(s) failed"
        )
