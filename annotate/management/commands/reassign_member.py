"""python manage.py reassign_member PROJECT FROM TO: give TO the work FROM holds in the
project (an archive import's placeholder account, or anyone who left)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotate.services.archive import ReassignError, reassign_work
from corpus.models import Project


class Command(BaseCommand):
    help = "Move a user's sets, assignments and decisions in a project to another user."

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("source", help="the username whose work moves (e.g. a placeholder)")
        parser.add_argument("target", help="the username who receives it")

    def handle(self, project, source, target, **options):
        found = Project.objects.filter(slug=project).first()
        if found is None:
            raise CommandError(f"no project with the slug {project!r}")
        users = {u.username: u for u in get_user_model().objects.filter(username__in=[source, target])}
        for name in (source, target):
            if name not in users:
                raise CommandError(f"no user {name!r}")
        try:
            moved = reassign_work(found, users[source], users[target])
        except ReassignError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(", ".join(f"{kind} {n}" for kind, n in moved.items()) + f": now {target}'s")
