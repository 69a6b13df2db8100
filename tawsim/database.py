"""Database settings: a real server from DATABASE_URL, or an embedded PostgreSQL.

Without DATABASE_URL we start (or reuse) a PostgreSQL server from the `pgserver`
package, with its data directory under var/ and a unix socket, so that development,
tests and CI run on the same engine as production with no set-up.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import dj_database_url


def database_config(base_dir: Path) -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        config = dj_database_url.parse(url, conn_max_age=60)
    else:
        config = _embedded_config(base_dir / "var" / "pgdata")
    config.setdefault("OPTIONS", {})
    config["TEST"] = {"NAME": os.environ.get("TAWSIM_TEST_DB") or None}
    return config


def _embedded_config(pgdata: Path) -> dict:
    import warnings

    # pgserver keeps its lock and socket under the user's runtime dir; without
    # XDG_RUNTIME_DIR it falls back to /tmp and warns on every start.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    import pgserver  # imported here: a deployment with DATABASE_URL never needs it

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata)
    uri = urlparse(server.get_uri())
    socket_dir = parse_qs(uri.query).get("host", [""])[0]
    _ensure_database(server, "tawsim")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "tawsim",
        "USER": uri.username or "postgres",
        "PASSWORD": "",
        "HOST": socket_dir or uri.hostname or "",
        "PORT": str(uri.port or ""),
        "CONN_MAX_AGE": 60,
    }


def _ensure_database(server, name: str) -> None:
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {name};")
