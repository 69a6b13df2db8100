"""The editor: opening a document with 300 spans, and a 20,000-character document
with 1,500 spans; creating a span through the editor endpoint (server time, Django's
test client: the whole middleware stack, no network). Also query counts and the
process's memory after serving all of it."""
from __future__ import annotations

import random
import re

from tests.bench.common import arabic_text, p95_ms, peak_rss_mb, report, setup_django, timed

RUNS = 60


def main() -> None:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from annotate import services
    from annotate.models import Span
    from corpus.formats.base import DocumentRecord
    from corpus.importing import add_documents
    from corpus.models import Membership, Role
    from corpus.presets import create_project_from_preset

    rng = random.Random(11)
    project = create_project_from_preset("bench editor", slug="bench-editor")
    user = get_user_model().objects.create_user("bench-annotator", password="x")
    Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
    add_documents(project, [
        DocumentRecord(text=arabic_text(rng, 6000), external_id="d300"),
        DocumentRecord(text=arabic_text(rng, 20000), external_id="d1500"),
    ])
    types = list(project.entity_types.all())
    client = Client()
    client.force_login(user)
    figures = {}

    for external_id, count, goal in (("d300", 300, "< 50"), ("d1500", 1500, "< 250")):
        document = project.documents.get(external_id=external_id)
        annotation_set = services.own_set(document, user)
        Span.objects.bulk_create(_spans(annotation_set, document.text, types, count, rng))
        url = reverse("editor", args=[project.slug, document.pk])
        client.get(url)  # warm up
        samples = timed(lambda url=url: client.get(url), RUNS)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        figures[f"editor_render_{count}_spans_p95"] = {"value": p95_ms(samples), "unit": "ms", "goal": goal}
        figures[f"editor_render_{count}_spans_queries"] = {"value": len(queries), "unit": "queries", "goal": "constant"}

    document = project.documents.get(external_id="d300")
    annotation_set = services.own_set(document, user)
    free = _free_words(document.text, annotation_set)
    create_url = reverse("span_create", args=[annotation_set.pk])
    samples, query_counts = [], []
    for start, end in free[:RUNS]:
        annotation_set.refresh_from_db(fields=["version"])
        data = {"type": "PER", "start": start, "end": end, "version": annotation_set.version}
        with CaptureQueriesContext(connection) as queries:
            samples += timed(lambda data=data: client.post(create_url, data, HTTP_HX_REQUEST="true"), 1)
        query_counts.append(len(queries))
    figures["span_create_p95"] = {"value": p95_ms(samples), "unit": "ms", "goal": "< 15"}
    figures["span_create_queries"] = {"value": max(query_counts), "unit": "queries", "goal": ""}
    figures["serving_process_peak_mb"] = {"value": peak_rss_mb(), "unit": "MB", "goal": "< 250"}
    report(figures)


def _spans(annotation_set, text, types, count, rng):
    from annotate.models import Span

    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    chosen = rng.sample(words, count)
    return [Span(set=annotation_set, entity_type=rng.choice(types), start=s, end=e) for s, e in chosen]


def _free_words(text, annotation_set):
    taken = {(s, e) for s, e in annotation_set.spans.values_list("start", "end")}
    return [(m.start(), m.end()) for m in re.finditer(r"[\u0621-\u064A]{3,}", text)
            if (m.start(), m.end()) not in taken]


if __name__ == "__main__":
    main()
