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
            # The CRF's stored sureness is no count: keep it across the rebuild.
            cursor.execute("CREATE TEMP TABLE kept_confidence ON COMMIT DROP AS SELECT document_id, tagger_confidence"
                           " FROM annotate_documentload WHERE tagger_confidence IS NOT NULL")
            cursor.execute(REBUILD)
            cursor.execute("UPDATE annotate_documentload l SET tagger_confidence = k.tagger_confidence"
                           " FROM kept_confidence k WHERE l.document_id = k.document_id")
        self.stdout.write("progress counts recounted")
