"""Adjudication in a real browser: a reviewer settles a conflict with the keyboard,
rejects another with the mouse, confirms, and the gold set is in the database."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from annotate import services
from annotate.models import AdjudicationDecision, AnnotationSet, SetKind, SetStatus
from annotate.services import ANY_VERSION
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.models import Membership, Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = "😀 قال سمير داود إن الوفد زار القاهرة ثم حلب يوم ١٢ آذار."


def mark(document, user, spans):
    annotation_set = services.own_set(document, user)
    for key, word in spans:
        start = TEXT.index(word)
        services.create_span(annotation_set, user, entity_type=key, start=start, end=start + len(word),
                             version=ANY_VERSION, snap_to_tokens=False)
    services.submit_set(annotation_set, user, version=ANY_VERSION)


@pytest.fixture
def disputed(project, reviewer):
    add_documents(project, [DocumentRecord(external_id="adj-1", title="زيارة", text=TEXT)])
    document = project.documents.get(external_id="adj-1")
    for name, spans in (
        ("ann1", [("PER", "سمير داود"), ("GPE", "القاهرة"), ("GPE", "حلب")]),
        ("ann2", [("PER", "سمير داود"), ("LOC", "القاهرة")]),
    ):
        user = get_user_model().objects.create_user(username=name, password="pass-" + name)
        Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
        mark(document, user, spans)
    return document


def test_reviewer_adjudicates_a_document(page, live_server, disputed, reviewer, log_in):
    log_in("reviewer1", "pass-reviewer1")
    page.goto(live_server.url + reverse("adjudicate", args=[disputed.project.slug, disputed.pk]))

    # K = 2 of 2: «سمير داود» is agreed; «القاهرة» (GPE vs LOC) and «حلب» are conflicts.
    assert page.locator("#conflict-count").inner_text() == "2"
    assert page.locator('#doc-text mark[data-t="PER"]').inner_text() == "سمير داود"
    assert page.locator('#doc-text mark[data-t="CONFLICT"]').count() == 2
    first = page.locator("#conflicts .conflict").first
    assert "ann1" in first.inner_text() and "ann2" in first.inner_text()

    # The keyboard: the first conflict is current; "2" accepts its second variant.
    variant_two = first.locator('button.accept[data-variant="2"]').inner_text()
    page.locator("#doc-text").click()
    page.keyboard.press("2")
    expect(page.locator("#conflict-count")).to_have_text("1")  # a locator wait: the CSP refuses eval

    # The mouse: reject the last conflict.
    page.locator("#conflicts .conflict button.reject").first.click()
    page.locator("#no-conflicts").wait_for()
    page.locator("#confirm-button").click()
    page.locator("#reopen-button").wait_for()

    gold = AnnotationSet.objects.get(document=disputed, kind=SetKind.GOLD)
    assert gold.status == SetStatus.ADJUDICATED
    spans = sorted((s.entity_type.key, TEXT[s.start:s.end]) for s in gold.spans.select_related("entity_type"))
    accepted_type = "LOC" if "LOC" in variant_two or "موقع" in variant_two else "GPE"
    assert spans == sorted([("PER", "سمير داود"), (accepted_type, "القاهرة")])
    actions = list(AdjudicationDecision.objects.filter(gold_set=gold).values_list("action", flat=True))
    assert actions == ["pre_accept", "accept", "reject", "confirm"]
    page.screenshot(path="/tmp/adjudication.png", full_page=True)


AIRPORT_TEXT = "هبطت الطائرة في مطار رفيق الحريري صباحا، ونقلت صحيفة The Daily Post الخبر."


@pytest.fixture
def typed_apart(project, reviewer):
    """Two annotators call «مطار رفيق الحريري» FAC, one LOC; two mark «صحيفة The Daily Post»,
    one only «The Daily Post»."""
    add_documents(project, [DocumentRecord(external_id="adj-2", title="مطار", text=AIRPORT_TEXT)])
    document = project.documents.get(external_id="adj-2")
    for name, airport, paper in (("ann1", "FAC", "صحيفة The Daily Post"), ("ann2", "FAC", "صحيفة The Daily Post"),
                                 ("ann3", "LOC", "The Daily Post")):
        user = get_user_model().objects.create_user(username=name, password="pass-" + name)
        Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
        annotation_set = services.own_set(document, user)
        for key, words in ((airport, "مطار رفيق الحريري"), ("ORG", paper)):
            start = AIRPORT_TEXT.index(words)
            services.create_span(annotation_set, user, entity_type=key, start=start, end=start + len(words),
                                 version=ANY_VERSION, snap_to_tokens=False)
        services.submit_set(annotation_set, user, version=ANY_VERSION)
    return document


def test_disagreements_show_every_variant_and_gold_takes_one(page, live_server, typed_apart, reviewer, log_in):
    log_in("reviewer1", "pass-reviewer1")
    page.goto(live_server.url + reverse("adjudicate", args=[typed_apart.project.slug, typed_apart.pk]))

    # Nothing was applied behind the reviewer's back: both disagreements are open, whole.
    expect(page.locator("#conflict-count")).to_have_text("2")
    assert page.locator("#gold-list li").count() == 0
    airport, paper = page.locator("#conflicts .conflict").all()
    assert airport.locator(".variants > li").count() == 2 and paper.locator(".variants > li").count() == 2
    first, second = airport.locator(".variants > li").all()
    assert "منشأة" in first.inner_text() and "ann1، ann2" in first.inner_text()  # FAC by two
    assert "موقع" in second.inner_text() and "ann3" in second.inner_text()  # LOC by one
    assert airport.locator("p.who").count() == 0  # nobody "marked nothing here"
    # The majority variant is pre-selected; each "accept as" list starts at its own type, by name.
    assert airport.locator("button.accept[data-preselected]").get_attribute("data-variant") == "1"
    assert first.locator("select").input_value() == "FAC" and second.locator("select").input_value() == "LOC"
    assert second.locator("select option:checked").inner_text() == "موقع"

    # The minority type wins: gold holds LOC alone on the airport.
    second.locator("button.accept").click()
    expect(page.locator("#conflict-count")).to_have_text("1")
    # Enter accepts the pre-selected variant of the current conflict: the longer newspaper name.
    page.locator("#doc-text").click()
    page.keyboard.press("Enter")
    page.locator("#no-conflicts").wait_for()
    page.locator("#confirm-button").click()
    page.locator("#reopen-button").wait_for()

    gold = AnnotationSet.objects.get(document=typed_apart, kind=SetKind.GOLD)
    spans = sorted((s.entity_type.key, AIRPORT_TEXT[s.start:s.end]) for s in gold.spans.select_related("entity_type"))
    assert spans == [("LOC", "مطار رفيق الحريري"), ("ORG", "صحيفة The Daily Post")]
