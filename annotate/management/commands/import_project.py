"""python manage.py import_project FILE.zip [--slug NEW] [--admin USERNAME]: a new project
from an archive, in one transaction."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotate.services.archive import ArchiveError, import_project


class Command(BaseCommand):
    help = ("Create a project from a project archive (export_project). Users are matched by username; "
            "missing ones become inactive placeholder accounts that keep their work.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the zip written by export_project")
        parser.add_argument("--slug", help="the new project's slug (default: the archive's)")
        parser.add_argument("--admin", help="also make this user an admin of the new project")

    def handle(self, archive, slug, admin, **options):
        user = None
        if admin:
            user = get_user_model().objects.filter(username=admin).first()
            if user is None:
                raise CommandError(f"no user {admin!r}")
        try:
            report = import_project(archive, slug=slug, user=user)
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        summary = ", ".join(f"{name.removesuffix('.jsonl')} {n}" for name, n in report.rows.items() if n)
        self.stdout.write(f"created project {report.project.slug}: {summary}")
        for username in report.placeholders:
            self.stdout.write(f"user {username!r} is not on this site: kept their work under an inactive "
                              f"placeholder account {username!r}; activate it or reassign its work")
