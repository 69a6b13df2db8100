"""python manage.py restore FILE [--replace]: load a `manage.py backup` into the database.

Into an empty database by default; --replace first drops what the database holds. Runs
in one transaction: a restore that fails part-way leaves the database as it was."""
from __future__ import annotations

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tawsim.pg_tools import connection_arguments, pg_program


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into the database (empty, or --replace)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a file written by `manage.py backup`")
        parser.add_argument("--replace", action="store_true",
                            help="drop the tables the database already holds and replace them with the backup's")

    def handle(self, file, replace, **options):
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        existing = connection.introspection.table_names()
        if existing and not replace:
            raise CommandError(
                f"database {connection.settings_dict['NAME']!r} already holds {len(existing)} tables: "
                "restore into an empty database, or pass --replace to overwrite it"
            )
        connection.close()  # pg_restore must not wait on a lock this process holds
        args, env = connection_arguments(connection.settings_dict)
        command = [pg_program("pg_restore"), "--single-transaction", "--exit-on-error", "--no-owner",
                   "--no-privileges", *args, "--dbname", connection.settings_dict["NAME"]]
        if replace:
            command += ["--clean", "--if-exists"]
        result = subprocess.run([*command, str(source)], env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed, the database is unchanged: {result.stderr.strip()}")
        self.stdout.write(f"Restored {source} into database {connection.settings_dict['NAME']!r}")
