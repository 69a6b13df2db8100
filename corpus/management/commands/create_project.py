from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from corpus.models import Project
from corpus.presets import apply_schema, available_presets, create_project_from_preset
from corpus.schema_file import SchemaFileError, read_schema_file


class Command(BaseCommand):
    help = "Create a project with a schema copied from a preset or from a schema file (the editor's download)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--slug", help="URL name (default: from the name)")
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--preset", choices=available_presets(), help="default: news-ar")
        source.add_argument("--schema", metavar="FILE", help="a schema JSON file (as downloaded from a project)")

    def handle(self, name, slug, preset, schema, **options):
        if _taken(slug or slugify(name)):
            raise CommandError(f"a project with slug {slug or slugify(name)!r} exists already")
        if schema:
            try:
                data = read_schema_file(schema)
            except SchemaFileError as error:
                raise CommandError(str(error)) from None
            with transaction.atomic():
                project = Project.objects.create(name=name, slug=slug or slugify(name) or "project",
                                                 guidelines=data.get("guidelines", ""))
                apply_schema(project, data)
            self.stdout.write(f"created project {project.slug} ({project.name}) with the schema of {schema}")
            return
        preset = preset or "news-ar"
        project = create_project_from_preset(name, slug=slug, preset=preset)
        self.stdout.write(f"created project {project.slug} ({project.name}) with the {preset} schema")


def _taken(slug: str | None) -> bool:
    return bool(slug) and Project.objects.filter(slug=slug).exists()
