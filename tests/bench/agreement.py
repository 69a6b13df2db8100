"""Agreement for 2,000 documents × 3 annotators × 30 spans each (goal: under 10 s),
loading included; also the number of queries the loading takes.
TAWSIM_BENCH_PROFILE=1 prints a cProfile of one more run to stderr."""
from __future__ import annotations

import os
import random
import re
import sys
import time

from tests.bench.common import arabic_text, report, setup_django

DOCUMENTS = 2_000
ANNOTATORS = 3
SPANS = 30


def main() -> None:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annotate.agreement.jobs import compute
    from annotate.models import AnnotationSet, SetStatus, Span
    from corpus.formats.base import DocumentRecord
    from corpus.importing import add_documents
    from corpus.models import Membership, Role
    from corpus.presets import create_project_from_preset

    rng = random.Random(5)
    project = create_project_from_preset("bench agreement", slug="bench-agreement")
    users = [get_user_model().objects.create_user(f"bench-agree-{n}", password="x") for n in range(ANNOTATORS)]
    Membership.objects.bulk_create([Membership(project=project, user=u, role=Role.ANNOTATOR) for u in users])
    add_documents(project, (DocumentRecord(text=f"{n} " + arabic_text(rng, 1200), external_id=f"a{n}")
                            for n in range(DOCUMENTS)))
    documents = list(project.documents.only("pk", "text"))
    sets = AnnotationSet.objects.bulk_create([
        AnnotationSet(document=d, owner=u, status=SetStatus.SUBMITTED) for d in documents for u in users
    ])
    types = list(project.entity_types.all())
    sets_of = {}
    for annotation_set in sets:
        sets_of.setdefault(annotation_set.document_id, []).append(annotation_set)
    spans = []
    for document in documents:
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", document.text)]
        base = [(rng.choice(types), *rng.choice(words)) for _ in range(SPANS)]
        for annotation_set in sets_of[document.pk]:
            spans += _variant(annotation_set, base, types, words, rng)
    # Set-up only: the offsets are valid by construction, so the per-row triggers (offset
    # check, history) are skipped for this bulk load; the timed part reads the data.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        Span.objects.bulk_create(spans, batch_size=10_000)
        cursor.execute("SET session_replication_role = DEFAULT")
    del spans, sets, sets_of

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = compute(project)
        elapsed = time.perf_counter() - started
    if os.environ.get("TAWSIM_BENCH_PROFILE"):
        import cProfile
        import pstats
        cProfile.runctx("compute(project)", globals(), {"compute": compute, "project": project}, "/tmp/agreement.prof")
        pstats.Stats("/tmp/agreement.prof", stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    assert result["documents"] == DOCUMENTS, result["documents"]
    report({
        "agreement_2000x3x30_s": {"value": elapsed, "unit": "s", "goal": "< 10"},
        "agreement_queries": {"value": len(queries), "unit": "queries", "goal": "constant"},
    })


def _variant(annotation_set, base, types, words, rng):
    """One annotator's take on the document's 30 spans: most as given, some with another
    type or a word longer, a few replaced by a span elsewhere."""
    from annotate.models import Span

    chosen = {}
    for entity_type, start, end in base:
        roll = rng.random()
        if roll < 0.1:
            entity_type = rng.choice(types)
        elif roll < 0.2:
            end = next((e for s, e in words if s > end), end)
        elif roll < 0.25:
            start, end = rng.choice(words)
        chosen[entity_type.pk, start, end] = Span(set=annotation_set, entity_type=entity_type, start=start, end=end)
    while len(chosen) < SPANS:  # duplicates collapsed above: top up to 30
        entity_type, (start, end) = rng.choice(types), rng.choice(words)
        chosen.setdefault((entity_type.pk, start, end),
                          Span(set=annotation_set, entity_type=entity_type, start=start, end=end))
    return list(chosen.values())


if __name__ == "__main__":
    main()
