"""Who annotates which document: the project's workflow options, admin distribution,
the pull queue, and giving stale queue slots back.

Workflow options live in Project.settings (data, not columns):
annotators_per_document (1–5), blind (bool), queue_timeout_minutes, agreement_k
(None: a strict majority of the submitted sets), uncertain_first (bool: the queue hands out
the documents the CRF was least sure of first, from the scores pre-tagging stored).

Concurrency: every path that adds assignments locks the documents' rows first, so
two admins, or two annotators pulling at once, never push a document past its count.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from annotate.models import (
    AnnotationSet,
    Assignment,
    CoverageCount,
    DocumentLoad,
    SetKind,
    SetStatus,
    WorkloadCount,
)
from annotate.services.base import LOCKED_STATUSES, Invalid, ensure_writable
from corpus.importing import ANALYZE_AFTER_ROWS, analyze_on_commit
from corpus.models import Document, Project, Role

MAX_ANNOTATORS_PER_DOCUMENT = 5


@dataclass(frozen=True)
class Workflow:
    annotators_per_document: int = 1
    blind: bool = True
    queue_timeout_minutes: int = 120
    agreement_k: int | None = None
    uncertain_first: bool = False


def workflow_of(project: Project) -> Workflow:
    """The project's options, with defaults for those never set."""
    stored = project.settings or {}
    defaults = Workflow()
    return Workflow(**{name: stored.get(name, value) for name, value in asdict(defaults).items()})


def update_workflow(project: Project, user, **values) -> Workflow:
    """Validate and store workflow options; other keys of Project.settings are kept."""
    current = asdict(workflow_of(project))
    for name, value in values.items():
        if name not in current:
            raise Invalid(_("Unknown workflow option «%(name)s».") % {"name": name}, name)
        current[name] = _checked(name, value)
    ensure_writable(project)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        locked.settings = {**(locked.settings or {}), **current}
        locked.save(update_fields=["settings"])
    project.settings = locked.settings  # the caller's instance sees its new settings
    return Workflow(**current)


def _checked(name: str, value):
    if name in ("blind", "uncertain_first"):
        if not isinstance(value, bool):
            raise Invalid(_("«%(name)s» takes true or false.") % {"name": name}, name)
        return value
    if name == "agreement_k" and value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid(_("«%(name)s» must be a whole number, not «%(value)s».") % {"name": name, "value": value}, name)
    low, high = {
        "annotators_per_document": (1, MAX_ANNOTATORS_PER_DOCUMENT),
        "queue_timeout_minutes": (1, 60 * 24 * 30),
        "agreement_k": (1, MAX_ANNOTATORS_PER_DOCUMENT),
    }[name]
    if not low <= value <= high:
        raise Invalid(
            _("«%(name)s» must lie between %(low)s and %(high)s, not %(value)s.")
            % {"name": name, "low": low, "high": high, "value": value},
            name,
        )
    return value


# --- who is assigned what -----------------------------------------------------------

def uses_assignments(project: Project) -> bool:
    """Before the first assignment every member works on every document (as before).
    Read off the coverage counts (annotate.progress_sql): one row, whatever the size."""
    return CoverageCount.objects.filter(project=project, assignments__gt=0, documents__gt=0).exists()


def assigned_documents(project: Project, user):
    """The documents this user is to annotate, in import order."""
    documents = Document.objects.filter(project=project)
    if uses_assignments(project):
        documents = documents.filter(assignments__user=user)
    return documents.order_by("order")


def openable_documents(project: Project, user):
    """The documents an annotator may open: all of them until the project's first
    assignment; from then on those assigned to them, and those they already wrote in
    (work done before assignments began stays theirs). One query."""
    assignments = Assignment.objects.filter(document__project=project)
    assigned = assignments.filter(document=OuterRef("pk"), user=user)
    written_in = written(AnnotationSet.objects.filter(document=OuterRef("pk"), owner=user, kind=SetKind.ANNOTATOR))
    return Document.objects.filter(project=project).filter(~Exists(assignments) | Exists(assigned) | Exists(written_in))


def done_statuses() -> tuple[str, ...]:
    return tuple(LOCKED_STATUSES)


def progress(project: Project, user) -> tuple[int, int]:
    """(done, assigned) for one annotator: done means submitted (or adjudicated since).
    Two small queries whatever the project's size (the editor shows this on every change):
    the counts the triggers keep, and without assignments the annotator's finished sets."""
    if uses_assignments(project):
        row = WorkloadCount.objects.filter(project=project, user=user).values_list("done", "assigned").first()
        return row or (0, 0)
    finished = AnnotationSet.objects.filter(
        owner=user, kind=SetKind.ANNOTATOR, status__in=done_statuses(), document__project=project
    ).count()
    return finished, document_count(project)


def document_count(project: Project) -> int:
    """How many documents the project holds, off the coverage counts (no count(*))."""
    return CoverageCount.objects.filter(project=project).aggregate(n=Sum("documents"))["n"] or 0


def annotators_of(project: Project):
    return get_user_model().objects.filter(
        memberships__project=project, memberships__role=Role.ANNOTATOR
    ).order_by("username")


def _assignment_count():
    counts = Assignment.objects.filter(document=OuterRef("pk")).values("document").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def documents_needing_annotators(project: Project):
    """Documents with fewer assignments than the project asks for."""
    wanted = workflow_of(project).annotators_per_document
    return Document.objects.filter(project=project).annotate(assigned=_assignment_count()).filter(assigned__lt=wanted)


def count_needing_annotators(project: Project) -> int:
    """How many documents have fewer assignments than the project asks for: a sum over
    at most six coverage counts."""
    wanted = workflow_of(project).annotators_per_document
    needing = CoverageCount.objects.filter(project=project, assignments__lt=wanted)
    return needing.aggregate(n=Sum("documents"))["n"] or 0


# --- admin distribution -------------------------------------------------------------

def assign_documents(project: Project, *, annotators: list, documents=None, by=None) -> int:
    """Give each document (default: every document still needing annotators) as many
    annotators as the project asks for, spreading the work evenly: the least loaded of
    the chosen annotators first, never the same annotator twice on one document.
    Returns how many assignments were made."""
    ensure_writable(project)
    users = _checked_annotators(project, annotators)
    wanted = workflow_of(project).annotators_per_document
    with transaction.atomic():
        rows = Document.objects.filter(project=project).order_by("order")
        if documents is not None:
            ids = [getattr(d, "pk", d) for d in documents]
            rows = rows.filter(pk__in=ids)
            if rows.count() != len(set(ids)):
                raise Invalid(_("Some of the chosen documents are not in this project."), "documents")
        ids = list(rows.select_for_update().values_list("pk", flat=True))
        existing: dict[int, set[int]] = {}
        assigned = Assignment.objects.filter(document_id__in=ids).values_list("document_id", "user_id")
        for document_id, user_id in assigned:
            existing.setdefault(document_id, set()).add(user_id)
        load = dict(
            Assignment.objects.filter(document__project=project, user__in=users)
            .values_list("user").annotate(n=Count("pk")).values_list("user", "n")
        )
        load = {u.pk: load.get(u.pk, 0) for u in users}
        turn = {u.pk: i for i, u in enumerate(users)}  # ties go round robin
        new = []
        for document_id in ids:
            taken = existing.get(document_id, set())
            free = [u for u in load if u not in taken]
            for user_id in sorted(free, key=lambda u: (load[u], turn[u]))[: max(0, wanted - len(taken))]:
                new.append(Assignment(document_id=document_id, user_id=user_id, source=Assignment.Source.ADMIN))
                load[user_id] += 1
                turn[user_id] += len(users)
        Assignment.objects.bulk_create(new)
        if len(new) >= ANALYZE_AFTER_ROWS:
            analyze_on_commit(["annotate_assignment", "annotate_documentload"])
    return len(new)


def _checked_annotators(project: Project, annotators: list) -> list:
    if not annotators:
        raise Invalid(_("Choose at least one annotator."), "annotators")
    User = get_user_model()
    keys = [getattr(a, "pk", a) for a in annotators]
    users = list(User.objects.filter(
        Q(pk__in=[k for k in keys if isinstance(k, int)]) | Q(username__in=[k for k in keys if isinstance(k, str)]),
        memberships__project=project,
    ).distinct().order_by("username"))
    if len(users) != len(set(keys)):
        found = {u.pk for u in users} | {u.username for u in users}
        names = [getattr(a, "username", a) for a in annotators]
        missing = ", ".join(str(name) for key, name in zip(keys, names, strict=True) if key not in found)
        raise Invalid(_("Not members of this project: %(users)s.") % {"users": missing}, "annotators")
    return users



# --- the pull queue -----------------------------------------------------------------

def pull_next(project: Project, user) -> Document | None:
    """The next document for this annotator from the queue, or None when the queue is
    empty. A document pulled earlier and not yet touched is handed back first, so
    pulling again never hoards documents."""
    ensure_writable(project)
    release_stale_assignments(project)
    untouched = (
        Assignment.objects.filter(document__project=project, user=user, source=Assignment.Source.QUEUE)
        .exclude(Exists(_touched_set())).select_related("document").order_by("document__order").first()
    )
    if untouched is not None:
        return untouched.document
    workflow = workflow_of(project)
    wanted = workflow.annotators_per_document
    passed: list[int] = []  # documents another pull holds or just filled: look further
    with transaction.atomic():
        for _attempt in range(PULL_ATTEMPTS):
            document_id = _first_open_document(project, user, wanted, passed, uncertain_first=workflow.uncertain_first)
            if document_id is None:
                return None
            # Lock it, skipping it if another pull is claiming it right now (it may be taking
            # the last slot), then check again what that pull may have changed.
            candidate = (
                Document.objects.filter(pk=document_id).select_for_update(skip_locked=True, of=("self",))
                .only("pk", "project_id", "order", "title", "external_id").first()
            )
            if candidate is not None and _still_open(candidate, user, wanted):
                Assignment.objects.create(document=candidate, user=user, source=Assignment.Source.QUEUE)
                return candidate
            passed.append(document_id)
    return None


# Documents that concurrent pulls take from under one pull before it gives up (it then
# reports an empty queue; pressing again finds the next ones).
PULL_ATTEMPTS = 50


def _first_open_document(
    project: Project, user, wanted: int, passed: list[int], *, uncertain_first: bool = False
) -> int | None:
    """The first document in import order with fewer than `wanted` assignments, none of
    them this user's, and not one the user already submitted (opened directly, without
    an assignment: the queue must not offer it back): the first of each bucket (0 .. wanted - 1 assignments) through the
    (project, assignments, order) index of DocumentLoad, so as quick with half a million
    full documents in front as with none. With `uncertain_first`, the least sure first
    (lowest stored tagger confidence, then import order; unscored ones after the scored)
    through the (project, assignments, tagger_confidence, order) index: no model runs here."""
    ordering = ("tagger_confidence", "order") if uncertain_first else ("order",)
    firsts = []
    for assignments in range(wanted):
        row = (
            DocumentLoad.objects.filter(project=project, assignments=assignments)
            .exclude(document_id__in=passed)
            .exclude(Exists(Assignment.objects.filter(document=OuterRef("document"), user=user)))
            .exclude(Exists(AnnotationSet.objects.filter(
                document=OuterRef("document"), owner=user, kind=SetKind.ANNOTATOR, status__in=LOCKED_STATUSES)))
            .order_by(*ordering).values_list("tagger_confidence", "order", "document_id").first()
        )
        if row is not None:
            firsts.append(row)
    if not firsts:
        return None
    if uncertain_first:
        return min(firsts, key=lambda row: (row[0] is None, row[0] or 0.0, row[1]))[2]
    return min(firsts, key=lambda row: row[1])[2]


def _still_open(document: Document, user, wanted: int) -> bool:
    """Count again once the document's row is locked: the count the candidate query
    filtered on was read in that statement's snapshot, which misses a pull that
    committed after the snapshot and before our lock (its insert never touched the
    document's row, so PostgreSQL does not re-check it). This statement sees it, and no
    new one can come: every path that adds assignments locks the row first."""
    counts = Assignment.objects.filter(document=document).aggregate(
        all=Count("pk"), mine=Count("pk", filter=Q(user=user)))
    return counts["all"] < wanted and not counts["mine"]


def written(sets):
    """The sets someone wrote in: not the untouched set that opening a document creates."""
    return sets.exclude(status=SetStatus.NOT_STARTED, version=0)


def is_written(annotation_set) -> bool:
    """`written` for one set in hand."""
    return not (annotation_set.status == SetStatus.NOT_STARTED and annotation_set.version == 0)


def _touched_set():
    """The assignee's set for the assignment's document, once anything was written to it."""
    return written(AnnotationSet.objects.filter(
        document=OuterRef("document"), owner=OuterRef("user"), kind=SetKind.ANNOTATOR))


def release_stale_assignments(project: Project, *, now=None) -> int:
    """Give back queue slots pulled longer ago than the timeout whose set is still
    untouched (no set, or a set never written). Returns how many were released."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=workflow_of(project).queue_timeout_minutes)
    stale = Assignment.objects.filter(
        document__project=project, source=Assignment.Source.QUEUE, assigned_at__lt=cutoff
    ).exclude(Exists(_touched_set()))
    deleted, _rows = stale.delete()
    return deleted


# --- progress for the admin page ----------------------------------------------------

@dataclass
class AnnotatorProgress:
    username: str
    assigned: int
    in_progress: int
    done: int


@dataclass
class DocumentProgress:
    document: Document
    annotators: list[tuple[str, str]]  # (username, set status)
    done: int
    gold_status: str | None

    @property
    def gold_label(self) -> str:
        """The gold set's status in the reader's language ("—" without one)."""
        return SetStatus(self.gold_status).label if self.gold_status else "—"


def progress_by_annotator(project: Project) -> list[AnnotatorProgress]:
    """Every annotator of the project and whoever holds assignments in it, off the counts
    the triggers keep (one row each, however many documents)."""
    counts = {
        name: (assigned, in_progress, done)
        for name, assigned, in_progress, done in WorkloadCount.objects.filter(project=project)
        .values_list("user__username", "assigned", "in_progress", "done")
    }
    held = {name for name, (assigned, _p, _d) in counts.items() if assigned}
    names = sorted(held | set(annotators_of(project).values_list("username", flat=True)))
    return [AnnotatorProgress(name, *counts.get(name, (0, 0, 0))) for name in names]


def progress_by_document(project: Project, *, limit: int = 200) -> list[DocumentProgress]:
    documents = list(
        Document.objects.filter(project=project).only("pk", "title", "external_id", "order").order_by("order")[:limit]
    )
    ids = [d.pk for d in documents]
    statuses = {
        (d, o): s for d, o, s in AnnotationSet.objects.filter(document_id__in=ids, kind=SetKind.ANNOTATOR)
        .values_list("document_id", "owner__username", "status")
    }
    gold = dict(
        AnnotationSet.objects.filter(document_id__in=ids, kind=SetKind.GOLD).values_list("document_id", "status")
    )
    who: dict[int, list[str]] = {}
    assigned = (Assignment.objects.filter(document_id__in=ids)
                .values_list("document_id", "user__username").order_by("user__username"))
    for document_id, name in assigned:
        who.setdefault(document_id, []).append(name)
    rows = []
    for document in documents:
        people = [(name, statuses.get((document.pk, name), SetStatus.NOT_STARTED)) for name in who.get(document.pk, [])]
        done = sum(1 for _n, status in people if status in done_statuses())
        rows.append(DocumentProgress(document, people, done, gold.get(document.pk)))
    return rows

