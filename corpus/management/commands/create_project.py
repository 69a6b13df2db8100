from django.core.management.base import BaseCommand, CommandError

from corpus.models import Project
from corpus.presets import available_presets, create_project_from_preset


class Command(BaseCommand):
    help = "Create a project with a schema copied from a preset."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--slug", help="URL name (default: from the name)")
        parser.add_argument("--preset", default="news-ar", choices=available_presets())

    def handle(self, name, slug, preset, **options):
        project = create_project_from_preset(name, slug=slug, preset=preset) if not _taken(slug) else None
        if project is None:
            raise CommandError(f"a project with slug {slug!r} exists already")
        self.stdout.write(f"created project {project.slug} ({project.name}) with the {preset} schema")


def _taken(slug: str | None) -> bool:
    return bool(slug) and Project.objects.filter(slug=slug).exists()
