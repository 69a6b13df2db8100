"""Load the demo project (idempotent): users, a news-ar project, ten short documents
written for Tawsim, and a few spans in the first annotator's set."""
from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from annotate import services
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.models import Membership, Project, Role
from corpus.presets import create_project_from_preset

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
SLUG = "demo"
USERS = [  # username, password, role
    ("admin", "admin-demo", Role.ADMIN),
    ("reviewer", "reviewer-demo", Role.REVIEWER),
    ("annotator1", "annotator1-demo", Role.ANNOTATOR),
    ("annotator2", "annotator2-demo", Role.ANNOTATOR),
]


class Command(BaseCommand):
    help = "Create the demo project, its users and documents (safe to run again)."

    @transaction.atomic
    def handle(self, **options):
        project = Project.objects.filter(slug=SLUG).first() or create_project_from_preset(
            "أخبار تجريبية", slug=SLUG, preset="news-ar"
        )
        users = {name: self._user(project, name, password, role) for name, password, role in USERS}
        result = add_documents(project, _records())
        spans = self._spans(project, users["annotator1"])
        self.stdout.write(
            f"Demo project «{project.name}» (/projects/{project.slug}/): "
            f"{result.imported} new documents, {spans} new spans.\nDemo logins:"
        )
        for name, password, role in USERS:
            self.stdout.write(f"  {name:<11} {password:<16} {role}")

    def _user(self, project, name, password, role):
        user, created = get_user_model().objects.get_or_create(username=name, defaults={"is_staff": role == Role.ADMIN})
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(project=project, user=user, defaults={"role": role})
        return user

    def _spans(self, project, annotator) -> int:
        created = 0
        wanted = json.loads((DEMO_DIR / "spans.json").read_text(encoding="utf-8"))["spans"]
        documents = {d.external_id: d for d in project.documents.all()}
        for external_id, type_key, surface in wanted:
            document = documents[external_id]
            annotation_set = services.own_set(document, annotator)
            start = document.text.index(surface)
            if annotation_set.spans.filter(start=start, end=start + len(surface), entity_type__key=type_key).exists():
                continue
            services.create_span(
                annotation_set, annotator, entity_type=type_key, start=start, end=start + len(surface),
                version=services.ANY_VERSION, snap_to_tokens=False, origin={"demo": True},
            )
            created += 1
        return created


def _records():
    with open(DEMO_DIR / "documents.jsonl", encoding="utf-8") as lines:
        for line in lines:
            item = json.loads(line)
            yield DocumentRecord(text=item["text"], external_id=item["id"], title=item["title"], meta=item["meta"])
