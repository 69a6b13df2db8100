"""python manage.py backup -o FILE: the whole database in PostgreSQL's custom dump format
(compressed; `manage.py restore FILE` reads it back)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tawsim.pg_tools import connection_arguments, pg_program


class Command(BaseCommand):
    help = "Back up the database to FILE (pg_dump's custom format), for `manage.py restore FILE`."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="the file to write")

    def handle(self, output, **options):
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent}: no such folder")
        # A cron line without the server's environment reaches another database (the
        # embedded one, made empty on the spot): a "backup" of it would look fine and hold nothing.
        if "django_migrations" not in connection.introspection.table_names():
            raise CommandError(
                f"database {connection.settings_dict['NAME']!r} holds no Tawsim tables: nothing to back up. "
                "Run backup with the server's settings (DATABASE_URL, e.g. from /etc/tawsim/tawsim.env).")
        args, env = connection_arguments(connection.settings_dict)
        partial = target.with_name(target.name + ".partial")  # a failed dump never looks like a backup
        command = [pg_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                   "--file", str(partial), *args, connection.settings_dict["NAME"]]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        partial.replace(target)
        # Which database, and what it holds, in the cron mail: a backup of the wrong one
        # (the embedded one, on a host that once ran `make serve` without the server's
        # settings) shows at a glance.
        where = (f"on {connection.settings_dict.get('HOST') or 'localhost'}" if os.environ.get("DATABASE_URL")
                 else "the embedded development server: DATABASE_URL is not set")
        self.stdout.write(f"Backed up database {connection.settings_dict['NAME']!r} ({where}) to {target} "
                          f"({target.stat().st_size:,} bytes): {_contents()}")


def _contents() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM corpus_project), (SELECT count(*) FROM corpus_document), "
                       "(SELECT count(*) FROM annotate_annotationset)")
        projects, documents, sets = cursor.fetchone()
    return f"{projects:,} projects, {documents:,} documents, {sets:,} annotation sets"
