from django.core.management.base import BaseCommand, CommandError

from corpus import members
from corpus.models import Membership, Project, Role
from corpus.projects import ProjectError


class Command(BaseCommand):
    help = "Add a user (username or email) to a project with a role, or change their role."

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("user", help="username or email address")
        parser.add_argument("--role", required=True, choices=Role.values)

    def handle(self, project, user, role, **options):
        found = Project.objects.filter(slug=project).first()
        if found is None:
            raise CommandError(f"project: no project has the slug {project!r}")
        try:
            account = members.find_user(user)
            if Membership.objects.filter(project=found, user=account).exists():
                members.change_role(found, account, role)
                verb = "is now"
            else:
                members.add_member(found, account, role)
                verb = "joined as"
        except ProjectError as error:
            raise CommandError(f"{error.field}: {error.message}" if error.field else error.message) from None
        self.stdout.write(f"{account.get_username()} {verb} {role} of {found.slug}")
