"""Opening the adjudication view of a document with 3 submitted sets of 100 spans
each (after the first open, which pre-accepts once): p95 server time through
Django's test client, and its query count."""
from __future__ import annotations

import random
import re
import statistics

from tests.bench.common import arabic_text, p95_ms, report, setup_django, timed

RUNS = 60
SPANS = 100


def main() -> None:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from annotate import services
    from annotate.models import AnnotationSet, SetStatus, Span
    from corpus.formats.base import DocumentRecord
    from corpus.importing import add_documents
    from corpus.models import Membership, Role
    from corpus.presets import create_project_from_preset

    rng = random.Random(7)
    project = create_project_from_preset("bench adjudication", slug="bench-adjudication")
    User = get_user_model()
    reviewer = User.objects.create_user("bench-reviewer", password="x")
    Membership.objects.create(project=project, user=reviewer, role=Role.REVIEWER)
    add_documents(project, [DocumentRecord(text=arabic_text(rng, 6000), external_id="adj")])
    document = project.documents.get(external_id="adj")
    types = list(project.entity_types.all())
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", document.text)]
    shared = rng.sample(words, SPANS)  # annotators agree on most, differ on some
    for index in range(3):
        user = User.objects.create_user(f"bench-ann{index}", password="x")
        Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
        annotation_set = services.own_set(document, user)
        chosen = shared[:80] + rng.sample(words, SPANS - 80)
        spans = {(types[(s * 7) % len(types)].pk if i < 80 else rng.choice(types).pk, s, e)
                 for i, (s, e) in enumerate(chosen)}
        Span.objects.bulk_create(Span(set=annotation_set, entity_type_id=t, start=s, end=e) for t, s, e in spans)
        AnnotationSet.objects.filter(pk=annotation_set.pk).update(status=SetStatus.SUBMITTED)

    client = Client()
    client.force_login(reviewer)
    url = reverse("adjudicate", args=[project.slug, document.pk])
    first = timed(lambda: client.get(url), 1)[0]  # creates gold and pre-accepts
    samples = timed(lambda: client.get(url), RUNS)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    report({
        "adjudication_first_open_ms": {"value": first * 1000, "unit": "ms", "goal": "once per document"},
        "adjudication_open_3x100_p95": {"value": p95_ms(samples), "unit": "ms", "goal": "< 150"},
        "adjudication_open_3x100_median": {"value": statistics.median(samples) * 1000, "unit": "ms", "goal": ""},
        "adjudication_open_queries": {"value": len(queries), "unit": "queries", "goal": "constant"},
    })


if __name__ == "__main__":
    main()
