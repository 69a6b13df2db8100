"""Plain SQL for the bulk paths (imports, exports), where the ORM's per-value costs add up.

Django's psycopg cursors bind parameters client-side: a query with 2,000 ids is parsed and
rewritten in Python, value by value. Here a list goes as one array literal and is bound by
the server, and results come back in binary.
"""
from __future__ import annotations

from collections.abc import Iterable

import psycopg
from django.db import connections


def array_literal(values: Iterable[int | str]) -> str:
    """A PostgreSQL array literal: integers as they are, strings quoted and escaped."""
    return "{" + ",".join(str(v) if type(v) is int else _quoted(v) for v in values) + "}"


def _quoted(value: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"array_literal takes integers and strings, not {type(value).__name__}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fetch(sql: str, params: list, db=None) -> list[tuple]:
    """Rows of one query on `db` (a Django connection; the default one if None). Lists
    and tuples in `params` are sent as array literals: cast them in the query (`%s::bigint[]`)."""
    db = db or connections["default"]
    db.ensure_connection()
    params = [array_literal(p) if isinstance(p, (list, tuple)) else p for p in params]
    with db.wrap_database_errors, psycopg.Cursor(db.connection) as cursor:
        # never prepared: named prepared statements break behind transaction poolers
        cursor.execute(sql, params, binary=True, prepare=False)
        return cursor.fetchall() if cursor.description else []
