"""Recount the progress counts the triggers keep: `python manage.py recount_progress`.

They follow every write on their own; recount after loading rows with the triggers off
(session_replication_role = replica, a raw SQL restore of some tables), or to check them."""
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from annotate.progress_sql import REBUILD


class Command(BaseCommand):
    help = "Recount per-annotator and per-document assignment counts from the source tables."

    def handle(self, *args, **options):
        with transaction.atomic(), connection.cursor() as cursor:
            # Writers wait while the counts are rebuilt, so none of their increments is lost.
            cursor.execute("LOCK TABLE annotate_assignment, annotate_annotationset, corpus_document IN SHARE MODE")
            cursor.execute(REBUILD)
        self.stdout.write("progress counts recounted")
