from django.core.management.base import BaseCommand, CommandError, no_translations

from corpus.formats import FORMATS
from corpus.importing import ImportReport, import_paths
from corpus.models import Project


class Command(BaseCommand):
    help = (
        "Import documents into a project from files, folders and .zip archives "
        "(.txt, .jsonl, .csv). Each file is imported all or nothing; texts the project "
        "already has are skipped. Exits with status 1 if any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a file, a folder or a .zip")
        parser.add_argument("--format", choices=sorted(FORMATS), help="override detection by file extension")
        parser.add_argument("--text-column", default="text", help="CSV: the column holding the text (default: text)")

    @no_translations
    def handle(self, project, paths, format, text_column, **options):
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"no project with slug {project!r}")
        report = import_paths(target, paths, fmt=format, text_column=text_column)
        self._print(report)
        if not report.ok:
            raise CommandError(f"{report.failed} of {len(report.files)} file(s) failed")

    def _print(self, report: ImportReport) -> None:
        for file in report.files:
            if file.failed:
                self.stdout.write(self.style.ERROR(f"FAILED   {file.name}: nothing imported"))
                for error in file.errors:
                    self.stdout.write(f"         {error}")
            else:
                self.stdout.write(
                    self.style.SUCCESS(f"imported {file.name}: ")
                    + f"{file.imported} imported, {file.duplicates} duplicates skipped"
                )
        self.stdout.write(
            f"Total: {report.imported} imported, {report.duplicates} duplicates skipped, "
            f"{report.failed} file(s) failed"
        )
