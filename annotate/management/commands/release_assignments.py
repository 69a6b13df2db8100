"""Give stale queue pulls back to the queue: `python manage.py release_assignments [PROJECT...]`."""
from django.core.management.base import BaseCommand, CommandError

from annotate.services.assignment import release_stale_assignments
from corpus.models import Project


class Command(BaseCommand):
    help = "Release queue assignments left untouched longer than each project's queue timeout."

    def add_arguments(self, parser):
        parser.add_argument("projects", nargs="*", help="project slugs (default: every project)")

    def handle(self, *args, projects, **options):
        chosen = Project.objects.all()
        if projects:
            chosen = chosen.filter(slug__in=projects)
            missing = set(projects) - set(chosen.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"no such project: {', '.join(sorted(missing))}")
        for project in chosen:
            released = release_stale_assignments(project)
            self.stdout.write(f"{project.slug}: {released} released")
