"""The rows of one export chunk, read with plain SQL.

An export reads about forty rows per document. Through the ORM, turning a chunk's ids
into parameters and the rows into Python cost more than the database itself, so these
queries take the ids as one array parameter and return plain tuples. Spans and events
come back in the canonical order the records need. JSON columns are read as text and
parsed here (Django leaves jsonb unparsed on its connections).
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection

from corpus.formats._json import loads

DOCUMENTS = """
SELECT id, external_id, title, text, {meta}::text FROM corpus_document WHERE id = ANY(%s)
"""

# gold first, then annotators by name: a stable order when several sets are exported
SETS = """
SELECT a.id, a.document_id, coalesce(u.username, ''), a.status, a.kind
FROM annotate_annotationset a LEFT JOIN {users} u ON u.id = a.owner_id
WHERE a.document_id = ANY(%s) {conditions}
ORDER BY a.document_id, a.kind DESC, u.username COLLATE "C"
"""

# Type keys are mapped in Python (a join costs more than a dict look-up per row); ties
# are broken by each type id's rank in key order, passed in as an array.
SPANS = """
SELECT s.set_id, s.id, s.entity_type_id, s.start, s."end", s.kb_entity_id
FROM annotate_span s
WHERE s.set_id = ANY(%s)
ORDER BY s.set_id, s.start, s."end" DESC, array_position(%s, s.entity_type_id)
"""

EVENTS = """
SELECT e.set_id, e.id, e.event_type_id, e.trigger_start, e.trigger_end, e.attributes::text, e.cluster_id
FROM annotate_event e
WHERE e.set_id = ANY(%s)
ORDER BY e.set_id, e.trigger_start, e.trigger_end DESC, array_position(%s, e.event_type_id), e.id
"""

ARGUMENTS = """
SELECT a.event_id, a.role_id, a.span_id
FROM annotate_argument a JOIN annotate_event e ON e.id = a.event_id
WHERE e.set_id = ANY(%s)
"""

RELATIONS = """
SELECT r.set_id, r.relation_type_id, r.source_id, r.target_id FROM annotate_relation r WHERE r.set_id = ANY(%s)
"""


def documents(ids: list[int], with_meta: bool) -> dict[int, tuple]:
    """id -> (id, external_id, title, text, meta); meta is {} without with_meta."""
    rows = _rows(DOCUMENTS.format(meta="meta" if with_meta else "'{}'::jsonb"), [ids])
    return {pk: (pk, external_id, title, text, loads(meta)) for pk, external_id, title, text, meta in rows}


def sets(document_ids: list[int], sets: str, statuses: tuple[str, ...]) -> list[tuple]:
    """(set id, document id, owner's username or '', status, kind) of the chosen sets:
    "gold", "all" or "annotator:NAME"."""
    conditions, params = [], [document_ids]
    if sets == "gold":
        conditions.append("AND a.kind = 'gold'")
    elif sets.startswith("annotator:"):
        conditions.append("AND a.kind = 'annotator' AND u.username = %s")
        params.append(sets.partition(":")[2])
    if statuses:
        conditions.append("AND a.status = ANY(%s)")
        params.append(list(statuses))
    users = connection.ops.quote_name(get_user_model()._meta.db_table)
    return _rows(SETS.format(users=users, conditions=" ".join(conditions)), params)


def annotations(set_ids: list[int], entity_types: list[int], event_types: list[int]) -> tuple[list, list, list, list]:
    """Spans, events, arguments and relations of these sets (see the queries above);
    `entity_types` and `event_types` are the project's type ids in key order."""
    events = [(*row[:5], loads(row[5]), row[6]) for row in _rows(EVENTS, [set_ids, event_types])]
    return _rows(SPANS, [set_ids, entity_types]), events, _rows(ARGUMENTS, [set_ids]), _rows(RELATIONS, [set_ids])


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
