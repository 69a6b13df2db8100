from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from corpus.presets import available_presets
from corpus.projects import DIRECTIONS, ProjectError, create_project
from corpus.schema_file import SchemaFileError, read_schema_file


class Command(BaseCommand):
    help = ("Create a project with a schema copied from a preset or from a schema file (--schema, as the schema "
            "editor downloads it); --admin names its first admin.")

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--slug", default="", help="URL name (default: suggested from the name)")
        parser.add_argument("--preset", default="news-ar", choices=available_presets())
        parser.add_argument("--schema", metavar="FILE", help="a schema JSON file (instead of --preset)")
        parser.add_argument("--admin", help="username of the project's first admin")
        parser.add_argument("--language", default="ar", help="language of the texts (default: ar)")
        parser.add_argument("--direction", default="rtl", choices=DIRECTIONS)

    def handle(self, name, slug, preset, schema, admin, language, direction, **options):
        data = None
        if schema:
            try:
                data = read_schema_file(schema)
            except SchemaFileError as error:
                raise CommandError(str(error)) from None
        user = None
        if admin:
            user = get_user_model().objects.filter(username=admin, is_active=True).first()
            if user is None:
                raise CommandError(f"--admin: no active user is called {admin!r}")
        try:
            project = create_project(name, slug=slug, preset=preset, admin=user, language=language,
                                     direction=direction, schema=data)
        except ProjectError as error:
            raise CommandError(f"--{error.field}: {error.message}" if error.field else error.message) from None
        source = f"the schema of {schema}" if schema else f"the {preset} schema"
        self.stdout.write(f"created project {project.slug} ({project.name}) with {source}")
        if user is None:
            self.stderr.write(self.style.WARNING(
                "warning: the project has no members, so nobody can open it; "
                f"add an admin with: manage.py add_member {project.slug} USERNAME --role admin"))
        else:
            self.stdout.write(f"{user.get_username()} is its admin")
