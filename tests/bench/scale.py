"""One project at 10,000, 100,000 and (with --full or TAWSIM_BENCH_FULL=1) 1,000,000
documents of ~1,500 characters: p95 of the pages a team uses every day, at each size.

The project is in mid-life: the first half of its documents are assigned (so the queue
must skip them), three annotators have submitted a few sets (agreement), and there is a
gold set here and there. Server time through Django's test client (whole middleware
stack, no network). Also the import rate, the streamed export rate, the database size
per document and the process's peak memory. Goal: every page within 1.5x of its 10k
figure, export at its 10k rate, memory flat."""
from __future__ import annotations

import base64
import logging
import os
import random
import statistics
import sys
import time

from tests.bench.common import arabic_text, p95_ms, peak_rss_mb, report, setup_django, timed

SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_LARGEST = 100_000
RUNS = 20
EXPORT_RECORDS = 5_000
CITIES = "حلب دمشق القاهرة بغداد عمان بيروت تونس الرباط الجزائر صنعاء الدوحة مسقط".split()
TOPICS = "المياه الطاقة الحدود الزراعة التعليم الصحة النقل التجارة السياحة الاستثمار الانتخابات الموانئ".split()


def main() -> None:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from corpus.models import Membership, Role
    from corpus.presets import create_project_from_preset

    logging.getLogger("tawsim.requests").setLevel(logging.WARNING)  # one line per request: not here
    full = "--full" in sys.argv or os.environ.get("TAWSIM_BENCH_FULL") == "1"
    sizes = [n for n in SIZES if full or n <= DEFAULT_LARGEST]
    if os.environ.get("TAWSIM_BENCH_SCALE_SIZES"):  # e.g. "2000,5000" while working on the benchmark
        sizes = [int(n) for n in os.environ["TAWSIM_BENCH_SCALE_SIZES"].split(",")]
    project = create_project_from_preset("bench scale", slug="bench-scale")
    User = get_user_model()
    people = {}
    for name, role in (("scale-admin", Role.ADMIN), ("scale-filler", Role.ANNOTATOR), ("scale-q", Role.ANNOTATOR),
                       ("scale-a1", Role.ANNOTATOR), ("scale-a2", Role.ANNOTATOR), ("scale-a3", Role.ANNOTATOR)):
        people[name] = User.objects.create_user(name, password="x")
        Membership.objects.create(project=project, user=people[name], role=role)
    clients = {}
    for name in ("scale-admin", "scale-q"):
        clients[name] = Client()
        clients[name].force_login(people[name])

    pool = _paragraphs(random.Random(3))
    figures, imported = {}, 0
    for size in sizes:
        started = time.perf_counter()
        _import(project, imported, size, pool)
        rate = (size - imported) / (time.perf_counter() - started)
        imported = size
        _mid_life(project, people, size)
        label = f"{size // 1000}k" if size < 1_000_000 else f"{size // 1_000_000}M"
        measured = _measure(project, people, clients, size)
        measured["import_docs_per_s"] = (rate, "docs/s")
        measured["db_bytes_per_doc"] = (_database_bytes() / size, "bytes")
        measured["peak_mb"] = (peak_rss_mb(), "MB")
        measured["load_avg_1min"] = (os.getloadavg()[0], "")
        for name, (value, unit) in measured.items():
            figures[f"scale_{label}_{name}"] = {"value": value, "unit": unit, "goal": _goal(name, size)}
        print(f"scale: {label} done", file=sys.stderr)
    report(figures)


def _goal(name: str, size: int) -> str:
    if name.endswith("_p95"):
        return "< 1.5x 10k" if size > SIZES[0] else ""
    if name == "export_docs_per_s":
        return ">= 10k rate" if size > SIZES[0] else ""
    return ""


def _paragraphs(rng: random.Random) -> list[str]:
    """A pool of generated Arabic paragraphs; each document is a number and two of them."""
    return [arabic_text(rng, 740) for _ in range(500)]


def _records(first: int, last: int, pool: list[str]):
    from corpus.formats.base import DocumentRecord

    for n in range(first, last):
        title = f"تقرير {CITIES[n % len(CITIES)]} عن {TOPICS[(n // len(CITIES)) % len(TOPICS)]} رقم {n}"
        text = f"{n} {pool[n % len(pool)]} {pool[(n * 7 + 3) % len(pool)]}"
        yield DocumentRecord(text=text, external_id=f"scale-{n}", title=title)


def _import(project, first: int, last: int, pool: list[str]) -> None:
    """The fast path (COPY), in transactions of 100,000 documents as a large import would be cut."""
    from corpus.importing import add_documents

    for start in range(first, last, 100_000):
        add_documents(project, _records(start, min(last, start + 100_000), pool))


def _mid_life(project, people, size: int) -> None:
    """The first half of the documents assigned (one annotator each), and 100 documents
    submitted by three annotators with 10 spans each, one gold set beside them."""
    from django.db import connection

    from annotate.models import AnnotationSet, SetKind, SetStatus, Span
    from corpus.importing import analyze_on_commit

    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO annotate_assignment (document_id, user_id, source, assigned_at)
            SELECT d.id, %s, 'admin', now() FROM corpus_document d
            WHERE d.project_id = %s AND d."order" <= %s
              AND NOT EXISTS (SELECT 1 FROM annotate_assignment a WHERE a.document_id = d.id)""",
                       [people["scale-filler"].pk, project.pk, size // 2])
    analyze_on_commit(["annotate_assignment", "annotate_documentload"])
    if AnnotationSet.objects.filter(document__project=project).exists():
        return
    types = list(project.entity_types.all())
    rng = random.Random(9)
    documents = list(project.documents.order_by("order")[:100])
    annotators = [people[f"scale-a{i}"] for i in (1, 2, 3)]
    sets = AnnotationSet.objects.bulk_create(
        [AnnotationSet(document=d, owner=u, status=SetStatus.SUBMITTED) for d in documents for u in annotators]
        + [AnnotationSet(document=documents[0], kind=SetKind.GOLD)]
    )
    spans = []
    for annotation_set in sets[:-1]:
        for k in range(10):
            start = 20 * k + rng.choice((0, 0, 0, 1))
            spans.append(Span(set=annotation_set, entity_type=rng.choice(types[:2]), start=start, end=start + 6))
    Span.objects.bulk_create(spans)


def _measure(project, people, clients, size: int) -> dict:
    from django.urls import reverse

    from annotate.agreement.jobs import compute
    from annotate.models import Assignment

    admin, annotator = clients["scale-admin"], clients["scale-q"]
    slug = project.slug
    api = f"/api/projects/{slug}/documents/"
    deep = base64.b64encode(f"p={size - 150}".encode()).decode()
    rng = random.Random(size)
    pages = {
        "project_page": lambda: admin.get(reverse("project_detail", args=[slug])),
        "project_page_deep": lambda: admin.get(reverse("project_detail", args=[slug]), {"after": size - 150}),
        "api_documents_first": lambda: admin.get(api),
        "api_documents_deep": lambda: admin.get(api, {"cursor": deep}),
        "search_external_id": lambda: admin.get(api, {"q": f"scale-{rng.randrange(size)}"}),
        "search_title": lambda: admin.get(api, {"q": f"{rng.choice(CITIES)} {rng.choice(TOPICS)}"}),
        "workflow_page": lambda: admin.get(reverse("workflow", args=[slug])),
    }
    measured = {}
    for name, get in pages.items():
        response = get()
        assert response.status_code == 200, (name, response.status_code)
        samples = timed(get, RUNS)
        # The median beside the p95: on a shared machine the p95 of 20 runs is mostly the
        # other processes' doing.
        measured[f"{name}_p50"] = (statistics.median(samples) * 1000, "ms")
        measured[f"{name}_p95"] = (p95_ms(samples), "ms")

    queue_user = people["scale-q"]
    next_url = f"/api/projects/{slug}/queue/next/"

    def pull():
        Assignment.objects.filter(user=queue_user).delete()  # each pull finds a fresh document
        started = time.perf_counter()
        response = annotator.post(next_url)
        elapsed = time.perf_counter() - started
        assert response.status_code in (200, 201), response.status_code
        return elapsed

    pull()
    samples = [pull() for _ in range(RUNS)]
    measured["queue_next_p50"] = (statistics.median(samples) * 1000, "ms")
    measured["queue_next_p95"] = (p95_ms(samples), "ms")
    Assignment.objects.filter(user=queue_user).delete()

    compute(project)  # warm: caches aside, the same work every run
    measured["agreement_small_p95"] = (p95_ms(timed(lambda: compute(project), 5)), "ms")
    measured["export_docs_per_s"] = (_export_rate(project), "docs/s")
    return measured


def _export_rate(project) -> float:
    """Documents per second over the first EXPORT_RECORDS of a streamed export of every
    document (no annotations needed: empty documents included)."""
    from annotate import dataset

    records = 0

    def count() -> None:
        nonlocal records
        records += 1

    options = dataset.ExportOptions(fmt="tawsim", sets="all", include_empty=True)
    started = time.perf_counter()
    stream = dataset.export(project, options, on_record=count)
    for _chunk in stream:
        if records >= EXPORT_RECORDS:
            break
    stream.close()
    return records / (time.perf_counter() - started)


def _database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
