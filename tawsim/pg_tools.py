"""PostgreSQL's own client programs (pg_dump, pg_restore) for backup and restore: the
newer of those installed on the machine and those the embedded server's package
(pgserver) ships, so a single-machine installation needs nothing more. Newer wins
because pg_dump refuses a server newer than itself but reads any older one.
TAWSIM_PG_BIN names a folder to take them from instead (e.g. /usr/lib/postgresql/17/bin)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from django.core.management.base import CommandError


def pg_program(name: str) -> str:
    folder = os.environ.get("TAWSIM_PG_BIN", "").strip()
    if folder:
        path = Path(folder) / name
        if not os.access(path, os.X_OK):
            raise CommandError(f"TAWSIM_PG_BIN={folder}: no executable {name} there")
        return str(path)
    candidates = [shutil.which(name)]
    try:
        from pgserver._commands import POSTGRES_BIN_PATH

        candidates.append(str(POSTGRES_BIN_PATH / name))
    except ImportError:  # a deployment with DATABASE_URL may leave pgserver out
        pass
    versions = {path: _major_version(path) for path in candidates if path and os.access(path, os.X_OK)}
    if not versions:
        raise CommandError(f"{name} not found: install PostgreSQL's client programs or set TAWSIM_PG_BIN")
    return max(versions, key=versions.get)


def _major_version(program: str) -> int:
    """16 for 'pg_dump (PostgreSQL) 16.2'; 0 if the program does not say."""
    try:
        output = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return 0
    found = re.search(r"\) (\d+)", output)
    return int(found.group(1)) if found else 0


def connection_arguments(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment that reach the database Django uses."""
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]  # never on the command line, where `ps` shows it
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return args, env
