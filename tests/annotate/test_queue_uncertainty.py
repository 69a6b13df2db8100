"""The queue hands out the documents the CRF is least sure of first (workflow option
uncertain_first, off by default): the sureness pre-tagging stores, the order it gives,
the queue's other rules kept, the option's validation and permissions."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotate import pretagging, services
from annotate.models import Assignment, DocumentLoad
from annotate.services import ANY_VERSION, assignment
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.pretag import crf
from corpus.text.arabic import tokenize
from tests.annotate.test_assignment import make_annotators, make_documents
from tests.corpus.test_pretag_crf import make_document


def score(documents, values):
    for document, value in zip(documents, values, strict=True):
        DocumentLoad.objects.filter(document=document).update(tagger_confidence=value)


def confidence(document):
    return DocumentLoad.objects.get(document=document).tagger_confidence


# Unlike the training texts: unseen words around a title, so the model is unsure of them.
STRANGE = [
    "أعلن المتحدث باسم هيئة الموانئ غسان برهوم أن سفينة الشحن رست فجرا قبالة الساحل.",
    "كتب الشاعر وضاح الزبيدي قصيدة عن نهر بردى وأهداها إلى مكتبة الأسد.",
]


def test_pretagging_with_a_trained_crf_stores_its_sureness_and_the_queue_takes_the_least_sure_first(
    client, project, admin_user, annotator
):
    rng = random.Random(5)
    examples = [make_document(rng, sentences=5) for _ in range(10)]
    familiar = [make_document(rng, sentences=3)[0] for _ in range(3)]
    add_documents(project, [DocumentRecord(external_id=f"q{i}", text=text)
                            for i, text in enumerate([familiar[0], STRANGE[0], familiar[1], STRANGE[1], familiar[2]])])
    documents = list(project.documents.order_by("order"))
    pretagging.train_crf(project, extra_examples=examples)
    pretagging.pretag_documents(project, [d.pk for d in documents[:4]], taggers=["crf"])
    stored = {d.pk: confidence(d) for d in documents}
    assert all(0 < stored[d.pk] < 2 for d in documents[:4])  # about 1: as sure as on its training data
    assert stored[documents[4].pk] is None  # not pre-tagged: no score
    assert max(stored[documents[1].pk], stored[documents[3].pk]) < min(stored[documents[0].pk],
                                                                      stored[documents[2].pk])
    expected = sorted(documents[:4], key=lambda d: stored[d.pk]) + [documents[4]]
    assert expected[0] != documents[0]  # the order differs from import order

    client.force_login(admin_user)
    assert client.get(f"/api/projects/{project.slug}/workflow/").json()["uncertain_first"] is False
    changed = client.patch(f"/api/projects/{project.slug}/workflow/", {"uncertain_first": True},
                           content_type="application/json")
    assert changed.status_code == 200 and changed.json()["uncertain_first"] is True
    client.force_login(annotator)
    pulled = []
    for _ in documents:
        document_id = client.post(f"/api/projects/{project.slug}/queue/next/").json()["document"]
        own = services.own_set(project.documents.get(pk=document_id), annotator)
        services.submit_set(own, annotator, version=ANY_VERSION)  # done: the next pull moves on
        pulled.append(document_id)
    assert pulled == [d.pk for d in expected]
    assert client.post(f"/api/projects/{project.slug}/queue/next/").json() == {"document": None}


def test_off_by_default_the_queue_keeps_import_order_whatever_the_scores(project):
    [a] = make_annotators(project, 1)
    documents = make_documents(project, 3)
    score(documents, [0.9, 0.2, 0.5])
    assert assignment.workflow_of(project).uncertain_first is False
    assert assignment.pull_next(project, a) == documents[0]


def test_least_sure_first_keeps_every_queue_rule(project):
    a, b, c = make_annotators(project, 3)
    documents = make_documents(project, 5)
    score(documents, [0.9, 0.3, None, 0.6, 0.1])
    assignment.update_workflow(project, None, annotators_per_document=2, uncertain_first=True)
    assert assignment.pull_next(project, a) == documents[4]
    assert assignment.pull_next(project, a) == documents[4]  # untouched: handed back, no hoarding
    services.create_span(services.own_set(documents[4], a), a, entity_type="GPE",
                         start=documents[4].text.index("حلب"), end=documents[4].text.index("حلب") + 3,
                         version=ANY_VERSION)
    assert assignment.pull_next(project, a) == documents[1]  # never the same document twice
    assert assignment.pull_next(project, b) == documents[4]  # one slot left there, and it is the least sure
    assert assignment.pull_next(project, c) == documents[1]
    # documents[4] and documents[1] are full (two annotators each): c goes on in sureness order.
    services.create_span(services.own_set(documents[1], c), c, entity_type="GPE",
                         start=documents[1].text.index("حلب"), end=documents[1].text.index("حلب") + 3,
                         version=ANY_VERSION)
    assert assignment.pull_next(project, c) == documents[3]
    # The unscored document comes after every scored one.
    assert _drain(project, c) == [documents[3], documents[0], documents[2]]
    assert Assignment.objects.filter(document=documents[4]).count() == 2
    # An untouched pull still goes back to the queue after the timeout.
    later = timezone.now() + timedelta(minutes=121)
    assert assignment.release_stale_assignments(project, now=later) >= 1


def _drain(project, user):
    """Pull until the queue is empty for `user`, writing in each pulled document."""
    out = []
    while (document := assignment.pull_next(project, user)) is not None:
        out.append(document)
        services.create_span(services.own_set(document, user), user, entity_type="GPE",
                             start=document.text.index("حلب"), end=document.text.index("حلب") + 3,
                             version=ANY_VERSION)
    return out


def test_least_sure_first_asks_the_database_as_often_as_import_order(project):
    a, b = make_annotators(project, 2)
    documents = make_documents(project, 30)
    score(documents, [((i * 7) % 30) / 30 for i in range(30)])

    def queries(user) -> int:
        with CaptureQueriesContext(connection) as seen:
            assignment.pull_next(project, user)
        return len(seen)

    plain = queries(a)
    assignment.update_workflow(project, None, uncertain_first=True)
    assert queries(b) == plain
    # a took the first in import order (0/30); b the least sure of the others: 13 * 7 % 30 = 1 -> 1/30.
    assert Assignment.objects.get(user=b).document == documents[13]


def test_the_option_is_validated_and_kept_for_admins(client, project, admin_user, reviewer, annotator):
    with pytest.raises(services.Invalid) as refused:
        assignment.update_workflow(project, None, uncertain_first="yes")
    assert refused.value.field == "uncertain_first"
    url = f"/api/projects/{project.slug}/workflow/"
    for user in (reviewer, annotator):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.patch(url, {"uncertain_first": True}, content_type="application/json").status_code == 404
    client.force_login(admin_user)
    bad = client.patch(url, {"uncertain_first": "maybe"}, content_type="application/json")
    assert bad.status_code == 400 and "uncertain_first" in bad.content.decode()
    project.refresh_from_db()
    assert assignment.workflow_of(project).uncertain_first is False
    page = reverse("workflow", args=[project.slug])
    client.post(page, {"action": "settings", "annotators_per_document": "1", "uncertain_first": "on"})
    project.refresh_from_db()
    assert assignment.workflow_of(project).uncertain_first is True
    assert 'name="uncertain_first" checked' in client.get(page).content.decode()
    client.post(page, {"action": "settings", "annotators_per_document": "1"})
    project.refresh_from_db()
    assert assignment.workflow_of(project).uncertain_first is False


def test_recounting_the_progress_counts_keeps_the_stored_sureness(project):
    documents = make_documents(project, 2)
    score(documents, [0.4, None])
    call_command("recount_progress", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [confidence(d) for d in documents] == [0.4, None]


def test_the_crf_reports_how_sure_it_is():
    rng = random.Random(2)
    model = crf.train([make_document(rng, sentences=4) for _ in range(8)], max_iterations=30)
    tagger = crf.CRFTagger(model)

    familiar = make_document(rng, sentences=2)[0]
    tagger.tag(familiar, tokenize(familiar))
    sure = tagger.confidence
    tagger.tag(STRANGE[0], tokenize(STRANGE[0]))
    assert 0 < tagger.confidence < sure <= 1  # no reference: the plain geometric mean
    measured = crf.CRFTagger(model, reference=crf.sureness_reference(model, crf.featurize([make_document(rng)])))
    measured.tag(STRANGE[0], tokenize(STRANGE[0]))
    assert measured.confidence > tagger.confidence  # relative to its own (imperfect) sureness on training text
    tagger.tag("", [])
    assert tagger.confidence is None


def test_a_run_clears_the_scores_the_crf_did_not_give_again_and_a_retraining_keeps_them(project, monkeypatch):
    """A run without the CRF, or where it fails on a document, leaves that document no
    score: an old one would go on steering the queue. A new model keeps them until the
    next run (retraining._store says why)."""
    rng = random.Random(7)
    examples = [make_document(rng, sentences=5) for _ in range(8)]
    add_documents(project, [DocumentRecord(external_id=f"c{i}", text=text) for i, text in enumerate(STRANGE)])
    documents = list(project.documents.order_by("order"))
    pretagging.train_crf(project, extra_examples=examples, folds=2, max_iterations=30)
    pretagging.pretag_documents(project, taggers=["crf"])
    assert all(confidence(d) is not None for d in documents)

    pretagging.train_crf(project, extra_examples=examples, folds=2, max_iterations=30)
    assert all(confidence(d) is not None for d in documents)

    tag = crf.CRFTagger.tag

    def failing_on_the_second(self, text, tokens):
        if text == STRANGE[1]:
            raise RuntimeError("model broke")
        return tag(self, text, tokens)

    monkeypatch.setattr(crf.CRFTagger, "tag", failing_on_the_second)
    report = pretagging.pretag_documents(project, taggers=["crf", "cues"])
    assert [e["document"] for e in report.errors] == [documents[1].pk]
    assert confidence(documents[0]) is not None and confidence(documents[1]) is None
    monkeypatch.undo()

    pretagging.pretag_documents(project, taggers=["cues"])
    assert [confidence(d) for d in documents] == [None, None]
