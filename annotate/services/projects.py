"""Deleting a whole project, annotations included, in one transaction. (Creating and
changing projects touches no annotation: corpus.projects.)"""
from __future__ import annotations

import pghistory
from django.db import transaction
from django.utils.translation import gettext as _

from annotate.models import KBEntity
from corpus.models import Document, Project
from corpus.projects import ProjectError

DELETE_BATCH = 200  # documents per delete: bounds the memory Django's cascade collector uses


def delete_project(project: Project, *, confirm_slug: str, user=None) -> None:
    """Delete the project and everything in it. `confirm_slug` must repeat the slug: a
    page or script that deletes by mistake has to get the name right first."""
    if confirm_slug.strip() != project.slug:
        raise ProjectError(_("Type the project's slug «%(slug)s» to confirm the deletion.") % {"slug": project.slug},
                           "confirm_slug")
    with transaction.atomic(), pghistory.context(user=getattr(user, "pk", None), action="delete_project"):
        # Annotations reference the schema with PROTECT (a type in use is never deleted
        # alone): remove what uses the schema first, then the project with its schema.
        # Documents go in batches: Django collects each batch's annotations in memory.
        ids = list(Document.objects.filter(project=project).values_list("pk", flat=True))
        for first in range(0, len(ids), DELETE_BATCH):
            Document.objects.filter(pk__in=ids[first:first + DELETE_BATCH]).delete()
        KBEntity.objects.filter(project=project).delete()
        project.delete()
