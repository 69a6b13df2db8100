"""python manage.py export_project SLUG -o FILE.zip: the whole project as an archive."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotate.archive.writing import export_project
from corpus.models import Project


class Command(BaseCommand):
    help = ("Write a project archive (schema, guidelines, settings, members, documents, every set, "
            "suggestions, knowledge base, clusters, assignments, adjudication, tagger models) to a zip.")

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("-o", "--output", required=True, help="the zip to write")

    def handle(self, project, output, **options):
        found = Project.objects.filter(slug=project).first()
        if found is None:
            raise CommandError(f"no project with the slug {project!r}")
        rows = export_project(found, Path(output))
        summary = ", ".join(f"{name.removesuffix('.jsonl')} {n}" for name, n in rows.items() if n)
        self.stdout.write(f"wrote {output}: {summary}")
