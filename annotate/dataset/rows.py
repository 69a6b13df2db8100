"""The rows of an export, chunk by chunk, read with plain SQL.

An export reads about forty rows per document. Through the ORM, turning a chunk's ids
into parameters and the rows into Python cost more than the database itself, so these
queries take the ids as one array parameter and return plain tuples. Spans and events
come back in the canonical order the records need. JSON columns are read as text and
parsed here (Django leaves jsonb unparsed on its connections).

(Reading the next chunk on a worker thread while the current one is built gained
nothing measurable: parsing the rows needs the GIL as much as building does.)
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from django.contrib.auth import get_user_model
from django.db import connections

from corpus.formats._json import loads
from tawsim.bulk_sql import fetch
from tawsim.gc_pause import gc_paused

HEADS = """
SELECT id, "order" FROM corpus_document WHERE project_id = %s AND "order" > %s {ids} ORDER BY "order" LIMIT %s
"""

DOCUMENTS = """
SELECT id, external_id, title, text, {meta}::text FROM corpus_document WHERE id = ANY(%s::bigint[])
"""

# gold first, then annotators by name: a stable order when several sets are exported
SETS = """
SELECT a.id, a.document_id, coalesce(u.username, ''), a.status, a.kind
FROM annotate_annotationset a LEFT JOIN {users} u ON u.id = a.owner_id
WHERE a.document_id = ANY(%s::bigint[]) {conditions}
ORDER BY a.document_id, a.kind DESC, u.username COLLATE "C"
"""

# Type keys are mapped in Python (a join costs more than a dict look-up per row); ties
# are broken by each type id's rank in key order, passed in as an array.
SPANS = """
SELECT s.set_id, s.id, s.entity_type_id, s.start, s."end", s.kb_entity_id
FROM annotate_span s
WHERE s.set_id = ANY(%s::bigint[])
ORDER BY s.set_id, s.start, s."end" DESC, array_position(%s::bigint[], s.entity_type_id)
"""

EVENTS = """
SELECT e.set_id, e.id, e.event_type_id, e.trigger_start, e.trigger_end, e.attributes::text, e.cluster_id
FROM annotate_event e
WHERE e.set_id = ANY(%s::bigint[])
ORDER BY e.set_id, e.trigger_start, e.trigger_end DESC, array_position(%s::bigint[], e.event_type_id), e.id
"""

ARGUMENTS = """
SELECT a.event_id, a.role_id, a.span_id
FROM annotate_argument a JOIN annotate_event e ON e.id = a.event_id
WHERE e.set_id = ANY(%s::bigint[])
"""

RELATIONS = """
SELECT r.set_id, r.relation_type_id, r.source_id, r.target_id
FROM annotate_relation r WHERE r.set_id = ANY(%s::bigint[])
"""


@dataclass(slots=True)
class Chunk:
    """One chunk's rows. `docs`: id -> (id, external_id, title, text, meta); `sets`:
    (set id, document id, owner's username or '', status, kind) rows; spans and events
    grouped by set id (in canonical order), arguments by event id, relations by set id."""
    last_order: int
    document_ids: list[int]
    docs: dict[int, tuple] = field(default_factory=dict)
    sets: list[tuple] = field(default_factory=list)
    spans: dict[int, list] = field(default_factory=dict)
    events: dict[int, list] = field(default_factory=dict)
    arguments: dict[int, list] = field(default_factory=dict)
    relations: dict[int, list] = field(default_factory=dict)


@dataclass
class Reader:
    """What to read: the project's documents (or only `document_ids`) in import order,
    those `keep` accepts, with their `sets` ("gold", "all", "annotator:NAME"; None for
    documents only) in `statuses`; type ids in key order for the canonical order."""
    project_id: int
    size: int
    sets: str | None
    statuses: tuple[str, ...] = ()
    with_meta: bool = True
    document_ids: list[int] | None = None
    keep: Callable[[int], bool] | None = None
    entity_order: list[int] = field(default_factory=list)
    event_order: list[int] = field(default_factory=list)

    def read(self, db, after: int) -> Chunk | None:
        """The chunk of documents whose order follows `after`; None past the last."""
        ids, params = "", [self.project_id, after]
        if self.document_ids is not None:
            ids = "AND id = ANY(%s::bigint[])"
            params.append(self.document_ids)
        heads = fetch(HEADS.format(ids=ids), [*params, self.size], db)
        if not heads:
            return None
        chunk = Chunk(heads[-1][1], [pk for pk, _order in heads if self.keep is None or self.keep(pk)])
        if not chunk.document_ids:
            return chunk
        column = "meta" if self.with_meta else "'{}'::jsonb"
        rows = fetch(DOCUMENTS.format(meta=column), [chunk.document_ids], db)
        chunk.docs = {pk: (pk, external_id, title, text, loads(meta)) for pk, external_id, title, text, meta in rows}
        if self.sets is not None:
            chunk.sets = self._sets(db, chunk.document_ids)
            self._annotations(db, chunk, [s[0] for s in chunk.sets])
        return chunk

    def _sets(self, db, document_ids: list[int]) -> list[tuple]:
        conditions, params = [], [document_ids]
        if self.sets == "gold":
            conditions.append("AND a.kind = 'gold'")
        elif self.sets.startswith("annotator:"):
            conditions.append("AND a.kind = 'annotator' AND u.username = %s")
            params.append(self.sets.partition(":")[2])
        if self.statuses:
            conditions.append("AND a.status = ANY(%s::text[])")
            params.append(list(self.statuses))
        users = db.ops.quote_name(get_user_model()._meta.db_table)
        return fetch(SETS.format(users=users, conditions=" ".join(conditions)), params, db)

    def _annotations(self, db, chunk: Chunk, set_ids: list[int]) -> None:
        # spans and events come sorted by set: grouped without a Python step per row
        chunk.spans = {set_id: list(rows) for set_id, rows in
                       groupby(fetch(SPANS, [set_ids, self.entity_order], db), itemgetter(0))}
        # Most events share a few attribute values: each distinct text is parsed once per
        # chunk, and its dict shared (writers only read records).
        parsed: dict[str, dict] = {}

        def attributes(text: str) -> dict:
            if (value := parsed.get(text)) is None:
                value = parsed[text] = loads(text)
            return value

        events = [(*row[:5], attributes(row[5]), row[6]) for row in fetch(EVENTS, [set_ids, self.event_order], db)]
        chunk.events = {set_id: list(rows) for set_id, rows in groupby(events, itemgetter(0))}
        for row in fetch(ARGUMENTS, [set_ids], db):
            chunk.arguments.setdefault(row[0], []).append(row)
        for row in fetch(RELATIONS, [set_ids], db):
            chunk.relations.setdefault(row[0], []).append(row)


def chunks(reader: Reader) -> Iterator[Chunk]:
    """The reader's chunks in import order, on the default connection."""
    db = connections["default"]
    db.ensure_connection()
    after = -1
    while True:
        with gc_paused():  # see tawsim.gc_pause
            chunk = reader.read(db, after)
        if chunk is None:
            return
        after = chunk.last_order
        yield chunk
