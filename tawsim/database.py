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
        config = dj_database_url.parse(url)
    else:
        config = _embedded_config(base_dir / "var" / "pgdata")
    config.setdefault("OPTIONS", {})
    config["TEST"] = {"NAME": os.environ.get("TAWSIM_TEST_DB") or None}
    return config


def _quiet_pgserver() -> None:
    import warnings

    # pgserver keeps its lock and socket under the user's runtime dir; without
    # XDG_RUNTIME_DIR it falls back to /tmp and warns on every start.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")


def _embedded_config(pgdata: Path) -> dict:
    _quiet_pgserver()
    import pgserver  # imported here: a deployment with DATABASE_URL never needs it

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    forget_dead_handles(pgdata)
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
    }


def _ensure_database(server, name: str) -> None:
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {name};")


def forget_dead_handles(pgdata: Path) -> None:
    """pgserver stops its server when the last process that uses it exits, counting the
    processes in a file of pids; a process killed (SIGKILL, or SIGTERM without Python's
    exit handlers) stays in that file forever and the server with it. Drop the dead."""
    import psutil

    _quiet_pgserver()
    from pgserver.postgres_server import PostgresServer
    from pgserver.utils import DiskList

    handles = DiskList(pgdata / ".handle_pids.json")
    with PostgresServer._lock:
        pids = handles.get()
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.put(alive)


def stop_embedded(pgdata: Path, ignore_pids: frozenset[int] | set[int] = frozenset()) -> bool:
    """Stop the embedded PostgreSQL in pgdata unless a live process (other than
    ignore_pids) still uses it; True when it was running and is now stopped."""
    if not (pgdata / "PG_VERSION").exists():
        return False
    _quiet_pgserver()
    from pgserver._commands import pg_ctl
    from pgserver.postgres_server import PostgresServer
    from pgserver.utils import DiskList, PostmasterInfo

    forget_dead_handles(pgdata)
    handles = DiskList(pgdata / ".handle_pids.json")
    with PostgresServer._lock:
        if set(handles.get()) - set(ignore_pids):
            return False
        info = PostmasterInfo.read_from_pgdata(pgdata)
        if info is None or not info.is_running():
            return False
        # As root, pgserver runs PostgreSQL as its own 'pgserver' user (the data folder's owner).
        user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
        handles.put([])
    return True
