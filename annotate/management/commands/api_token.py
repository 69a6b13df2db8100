"""Print a user's REST API token, creating it on first use:

    python manage.py api_token USERNAME
    curl -H "Authorization: Token <token>" http://127.0.0.1:8000/api/projects/
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Print (creating it if needed) the REST API token of a user."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"api_token: no user named {username!r}")
        token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
