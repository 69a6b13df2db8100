"""SQL of the triggers that keep WorkloadCount, CoverageCount and DocumentLoad in step
(installed by migration 0008), and of a rebuild from the source tables.

Every write is an increment (INSERT ... ON CONFLICT DO UPDATE SET n = n + delta), so
concurrent writers add up instead of overwriting each other. Bulk writes (imports, COPY,
assign evenly) are counted once per statement through transition tables.

Migration 0008 installs this text as it stands: change it through a new migration."""
from __future__ import annotations

DONE = "('submitted', 'adjudicated')"

_UPSERT_WORKLOAD = """
    ON CONFLICT (project_id, user_id) DO UPDATE SET
        assigned = w.assigned + EXCLUDED.assigned,
        in_progress = w.in_progress + EXCLUDED.in_progress,
        done = w.done + EXCLUDED.done"""

_UPSERT_COVERAGE = """
    ON CONFLICT (project_id, assignments) DO UPDATE SET documents = c.documents + EXCLUDED.documents"""


def _assignments_changed(name: str, sign: int, rows: str) -> str:
    """An assignment given (sign 1) or taken back (-1): the annotator's workload, and the
    documents' moves between coverage buckets."""
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO annotate_workloadcount AS w (project_id, user_id, assigned, in_progress, done)
    SELECT d.project_id, a.user_id, {sign} * count(*),
           {sign} * count(s.id) FILTER (WHERE s.status = 'in_progress'),
           {sign} * count(s.id) FILTER (WHERE s.status IN {DONE})
    FROM {rows} a
    JOIN corpus_document d ON d.id = a.document_id
    LEFT JOIN annotate_annotationset s
        ON s.document_id = a.document_id AND s.owner_id = a.user_id AND s.kind = 'annotator'
    GROUP BY d.project_id, a.user_id
    {_UPSERT_WORKLOAD};

    WITH changed AS (
        SELECT document_id, count(*) AS n FROM {rows} GROUP BY document_id
    ), loads AS (
        UPDATE annotate_documentload l SET assignments = l.assignments + {sign} * c.n
        FROM changed c WHERE l.document_id = c.document_id
        RETURNING l.project_id, l.assignments, c.n
    ), moves AS (
        SELECT project_id, assignments - {sign} * n AS k, -1 AS delta FROM loads
        UNION ALL
        SELECT project_id, assignments, 1 FROM loads
    )
    INSERT INTO annotate_coveragecount AS c (project_id, assignments, documents)
    SELECT project_id, k, sum(delta) FROM moves GROUP BY project_id, k
    {_UPSERT_COVERAGE};
    RETURN NULL;
END $$;"""


def _sets_changed(name: str, sign: int, rows: str) -> str:
    """Annotator sets created (imports) or deleted, counted where their document is
    assigned to their owner."""
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO annotate_workloadcount AS w (project_id, user_id, assigned, in_progress, done)
    SELECT d.project_id, s.owner_id, 0,
           {sign} * count(*) FILTER (WHERE s.status = 'in_progress'),
           {sign} * count(*) FILTER (WHERE s.status IN {DONE})
    FROM {rows} s
    JOIN annotate_assignment a ON a.document_id = s.document_id AND a.user_id = s.owner_id
    JOIN corpus_document d ON d.id = s.document_id
    WHERE s.kind = 'annotator' AND (s.status = 'in_progress' OR s.status IN {DONE})
    GROUP BY d.project_id, s.owner_id
    {_UPSERT_WORKLOAD};
    RETURN NULL;
END $$;"""


INSTALL = (
    _assignments_changed("tawsim_assignments_added", 1, "new_rows")
    + _assignments_changed("tawsim_assignments_removed", -1, "old_rows")
    + _sets_changed("tawsim_sets_added", 1, "new_rows")
    + _sets_changed("tawsim_sets_removed", -1, "old_rows")
    + f"""
CREATE OR REPLACE FUNCTION tawsim_set_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM annotate_assignment WHERE document_id = NEW.document_id AND user_id = NEW.owner_id) THEN
        INSERT INTO annotate_workloadcount AS w (project_id, user_id, assigned, in_progress, done)
        SELECT d.project_id, NEW.owner_id, 0,
               (NEW.status = 'in_progress')::int - (OLD.status = 'in_progress')::int,
               (NEW.status IN {DONE})::int - (OLD.status IN {DONE})::int
        FROM corpus_document d WHERE d.id = NEW.document_id
        {_UPSERT_WORKLOAD};
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tawsim_documents_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO annotate_documentload (document_id, project_id, "order", assignments)
    SELECT id, project_id, "order", 0 FROM new_rows;
    INSERT INTO annotate_coveragecount AS c (project_id, assignments, documents)
    SELECT project_id, 0, count(*) FROM new_rows GROUP BY project_id
    {_UPSERT_COVERAGE};
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tawsim_documents_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH gone AS (
        DELETE FROM annotate_documentload l USING old_rows o WHERE l.document_id = o.id
        RETURNING l.document_id, l.assignments
    )
    INSERT INTO annotate_coveragecount AS c (project_id, assignments, documents)
    SELECT o.project_id, coalesce(g.assignments, 0), -count(*)
    FROM old_rows o LEFT JOIN gone g ON g.document_id = o.id
    GROUP BY 1, 2
    {_UPSERT_COVERAGE};
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tawsim_projects_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM annotate_workloadcount WHERE project_id IN (SELECT id FROM old_rows);
    DELETE FROM annotate_coveragecount WHERE project_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END $$;

CREATE TRIGGER tawsim_assignments_added AFTER INSERT ON annotate_assignment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tawsim_assignments_added();
CREATE TRIGGER tawsim_assignments_removed AFTER DELETE ON annotate_assignment
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tawsim_assignments_removed();
CREATE TRIGGER tawsim_sets_added AFTER INSERT ON annotate_annotationset
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tawsim_sets_added();
CREATE TRIGGER tawsim_sets_removed AFTER DELETE ON annotate_annotationset
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tawsim_sets_removed();
-- Row level, filtered by WHEN: the editor's version bumps never call it.
CREATE TRIGGER tawsim_set_status_changed AFTER UPDATE OF status ON annotate_annotationset
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.kind = 'annotator')
    EXECUTE FUNCTION tawsim_set_status_changed();
CREATE TRIGGER tawsim_documents_added AFTER INSERT ON corpus_document
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tawsim_documents_added();
CREATE TRIGGER tawsim_documents_removed AFTER DELETE ON corpus_document
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tawsim_documents_removed();
CREATE TRIGGER tawsim_projects_removed AFTER DELETE ON corpus_project
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tawsim_projects_removed();
"""
)

UNINSTALL = """
DROP TRIGGER IF EXISTS tawsim_assignments_added ON annotate_assignment;
DROP TRIGGER IF EXISTS tawsim_assignments_removed ON annotate_assignment;
DROP TRIGGER IF EXISTS tawsim_sets_added ON annotate_annotationset;
DROP TRIGGER IF EXISTS tawsim_sets_removed ON annotate_annotationset;
DROP TRIGGER IF EXISTS tawsim_set_status_changed ON annotate_annotationset;
DROP TRIGGER IF EXISTS tawsim_documents_added ON corpus_document;
DROP TRIGGER IF EXISTS tawsim_documents_removed ON corpus_document;
DROP TRIGGER IF EXISTS tawsim_projects_removed ON corpus_project;
DROP FUNCTION IF EXISTS tawsim_assignments_added, tawsim_assignments_removed, tawsim_sets_added,
    tawsim_sets_removed, tawsim_set_status_changed, tawsim_documents_added, tawsim_documents_removed,
    tawsim_projects_removed;
"""

# Each annotator's workload (assigned, in progress, done), counted from the source tables.
_WORKLOAD = f"""
    SELECT d.project_id, a.user_id, count(*),
           count(s.id) FILTER (WHERE s.status = 'in_progress'),
           count(s.id) FILTER (WHERE s.status IN {DONE})
    FROM annotate_assignment a
    JOIN corpus_document d ON d.id = a.document_id
    LEFT JOIN annotate_annotationset s
        ON s.document_id = a.document_id AND s.owner_id = a.user_id AND s.kind = 'annotator'"""

# Counts from scratch: what the triggers keep, computed the slow way (migration, repair).
REBUILD = f"""
DELETE FROM annotate_workloadcount;
DELETE FROM annotate_coveragecount;
DELETE FROM annotate_documentload;
INSERT INTO annotate_documentload (document_id, project_id, "order", assignments)
    SELECT d.id, d.project_id, d."order", count(a.id)
    FROM corpus_document d LEFT JOIN annotate_assignment a ON a.document_id = d.id GROUP BY d.id;
INSERT INTO annotate_coveragecount (project_id, assignments, documents)
    SELECT project_id, assignments, count(*) FROM annotate_documentload GROUP BY 1, 2;
INSERT INTO annotate_workloadcount (project_id, user_id, assigned, in_progress, done){_WORKLOAD}
    GROUP BY 1, 2;
"""

# One project's workload counts for some users, from scratch: the triggers count inserts,
# deletes and status changes, not work moved to another account (reassign_work).
_WORKLOAD_OF = _WORKLOAD + """
    WHERE d.project_id = %(project)s AND a.user_id = ANY(%(users)s)
    GROUP BY 1, 2"""


def recount_workload(project_id: int, user_ids: list[int]) -> None:
    """Recount the users' workload in the project (inside the caller's transaction)."""
    from django.db import connection

    with connection.cursor() as cursor:
        params = {"project": project_id, "users": list(user_ids)}
        cursor.execute("DELETE FROM annotate_workloadcount WHERE project_id = %(project)s "
                       "AND user_id = ANY(%(users)s)", params)
        cursor.execute("INSERT INTO annotate_workloadcount (project_id, user_id, assigned, in_progress, done)"
                       + _WORKLOAD_OF, params)
