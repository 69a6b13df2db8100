"""Relations in adjudication: agreed ones pre-accepted into gold through the relation
service, conflicting ones settled by decisions, never linking a span that is not gold."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotate import services
from annotate.models import AdjudicationDecision, Relation, SetStatus
from annotate.services import ANY_VERSION, adjudication
from tests.annotate.test_adjudication import gold_of, where

PER, ORG, GPE = ("PER", "سمير داود"), ("ORG", "الخارجية"), ("GPE", "القاهرة")


def annotate(document, user, spans, relations):
    """Make and submit the user's set: spans [(type, word)], relations [(type, source, target)]."""
    annotation_set = services.own_set(document, user)
    made = {}
    for key, word in spans:
        start, end = where(document, word)
        made[(key, word)] = services.create_span(
            annotation_set, user, entity_type=key, start=start, end=end, version=ANY_VERSION, snap_to_tokens=False
        )
    for key, source, target in relations:
        services.create_relation(annotation_set, user, relation_type=key, source=made[source], target=made[target],
                                 version=ANY_VERSION)
    services.submit_set(annotation_set, user, version=ANY_VERSION)


def gold_relations(document):
    text = document.text
    return sorted(
        (r.relation_type.key, text[r.source.start:r.source.end], text[r.target.start:r.target.end])
        for r in Relation.objects.filter(set=gold_of(document)).select_related("relation_type", "source", "target")
    )


def relation_conflicts(state):
    return [c for c in state.open if c.kind == "relation"]


@pytest.fixture
def linked(document, three):
    """All three mark the same three spans; two link «سمير داود» to «الخارجية» (K=2: agreed),
    one links him to «القاهرة» instead: a relation conflict."""
    a, b, c = three
    annotate(document, a, [PER, ORG, GPE], [("AFFILIATION", PER, ORG)])
    annotate(document, b, [PER, ORG, GPE], [("AFFILIATION", PER, ORG)])
    annotate(document, c, [PER, ORG, GPE], [("AFFILIATION", PER, GPE)])
    return document


@pytest.fixture
def split(document, three):
    """Two annotators agree on «سمير داود» but link him to different spans that only one
    of them marked: every relation waits for a span conflict."""
    a, b, _c = three
    annotate(document, a, [PER, ORG], [("AFFILIATION", PER, ORG)])
    annotate(document, b, [PER, GPE], [("AFFILIATION", PER, GPE)])
    return document


def test_pre_acceptance_writes_agreed_relations_with_history_and_accepting_adds_a_conflicting_one(linked, reviewer):
    state = adjudication.open_adjudication(linked, reviewer)
    assert gold_relations(linked) == [("AFFILIATION", "سمير داود", "الخارجية")]
    agreed = Relation.objects.get(set=gold_of(linked))
    # recorded under the adjudication's own action, so undo and the history name it
    assert agreed.history.get(pgh_label="insert").pgh_context.metadata["action"] == "adjudication_pre_accept"
    assert AdjudicationDecision.objects.get(action="pre_accept").item["relations"] == 1
    [conflict] = relation_conflicts(state)
    assert conflict.variants[0].annotators == ("ann3",) and conflict.abstained == ("ann1", "ann2")
    adjudication.decide(linked, reviewer, conflict_id=conflict.id, action="accept", variant=0,
                        version=gold_of(linked).version)
    assert gold_relations(linked) == [("AFFILIATION", "سمير داود", "الخارجية"), ("AFFILIATION", "سمير داود", "القاهرة")]
    decision = AdjudicationDecision.objects.get(action="accept")
    assert decision.item["kind"] == "relation" and decision.variant["annotators"] == ["ann3"]
    accepted = Relation.objects.filter(set=gold_of(linked)).exclude(pk=agreed.pk).get()
    assert accepted.history.get(pgh_label="insert").pgh_context.metadata["action"] == "adjudication_accept"
    assert not relation_conflicts(adjudication.state_of(linked))


def test_accepting_a_relation_waits_for_its_spans_then_confirm_and_reopen_still_work(split, reviewer, monkeypatch):
    monkeypatch.setattr(adjudication, "retrain_if_due", lambda project: None)
    state = adjudication.open_adjudication(split, reviewer, force=True)
    to_org = next(c for c in relation_conflicts(state) if c.variants[0].value["target"]["type"] == "ORG")
    version = gold_of(split).version
    with pytest.raises(services.Invalid) as refused:
        adjudication.decide(split, reviewer, conflict_id=to_org.id, action="accept", variant=0, version=version)
    assert "not in gold" in refused.value.message and "الخارجية" in refused.value.message
    assert gold_relations(split) == [] and gold_of(split).version == version
    assert not AdjudicationDecision.objects.filter(action="accept").exists()
    org_span = next(c for c in state.open if c.kind == "span" and c.variants[0].value["type"] == "ORG")
    adjudication.decide(split, reviewer, conflict_id=org_span.id, action="accept", variant=0, version=ANY_VERSION)
    adjudication.decide(split, reviewer, conflict_id=to_org.id, action="accept", variant=0, version=ANY_VERSION)
    assert gold_relations(split) == [("AFFILIATION", "سمير داود", "الخارجية")]
    for conflict in adjudication.state_of(split).open:
        adjudication.decide(split, reviewer, conflict_id=conflict.id, action="reject", version=ANY_VERSION)
    adjudication.confirm(split, reviewer, version=ANY_VERSION)
    assert gold_of(split).status == SetStatus.ADJUDICATED
    adjudication.reopen(split, reviewer, version=ANY_VERSION)
    assert gold_of(split).status == SetStatus.IN_PROGRESS
    assert gold_relations(split) == [("AFFILIATION", "سمير داود", "الخارجية")]


def test_the_page_lists_a_relation_conflict_escaped_and_accepts_it(client, linked, reviewer):
    linked.project.relation_types.filter(key="AFFILIATION").update(name_en="Affiliation <i>")
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    url = reverse("adjudicate", args=[linked.project.slug, linked.pk])
    response = client.get(url)
    html = response.content.decode()
    [conflict] = [c for c in response.context["conflicts"] if c["kind"] == "relation"]
    assert f'data-conflict="{conflict["id"]}"' in html and "ann3" in html
    assert "Affiliation &lt;i&gt;: Person «سمير داود» → " in html and "<i>" not in html
    response = client.post(
        reverse("adjudicate_decide", args=[linked.project.slug, linked.pk]),
        {"conflict": conflict["id"], "action": "accept", "variant": 0, "version": gold_of(linked).version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200, response.content.decode()
    assert ("AFFILIATION", "سمير داود", "القاهرة") in gold_relations(linked)
    assert f'data-conflict="{conflict["id"]}"' not in response.content.decode()


def test_the_page_refuses_a_relation_whose_span_is_not_gold(client, split, reviewer):
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    adjudication.open_adjudication(split, reviewer, force=True)
    url = reverse("adjudicate", args=[split.project.slug, split.pk])
    html = client.get(url).content.decode()
    assert html.count("its spans are not in gold yet") == 2
    conflict = next(c for c in relation_conflicts(adjudication.state_of(split)))
    response = client.post(
        reverse("adjudicate_decide", args=[split.project.slug, split.pk]),
        {"conflict": conflict.id, "action": "accept", "variant": 0, "version": gold_of(split).version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and "not in gold" in response.content.decode()
    assert gold_relations(split) == []


def test_the_page_reads_relation_conflicts_in_a_constant_number_of_queries(client, split, reviewer):
    client.force_login(reviewer)
    url = reverse("adjudicate", args=[split.project.slug, split.pk])
    client.post(reverse("adjudicate_start", args=[split.project.slug, split.pk]))
    client.get(url)  # warm caches (sessions, languages)
    with CaptureQueriesContext(connection) as two:
        html = client.get(url).content.decode()
    assert "علاقة" in html and " ← " in html  # Arabic by default: the arrow follows the reading order
    first = relation_conflicts(adjudication.state_of(split))[0]
    adjudication.decide(split, reviewer, conflict_id=first.id, action="reject", version=ANY_VERSION)
    assert len(relation_conflicts(adjudication.state_of(split))) == 1
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    assert len(two) == len(one)


def test_a_relation_follows_its_endpoint_when_the_reviewer_settled_another_type(split, reviewer):
    """«الخارجية» marked ORG by one annotator, accepted by the reviewer as GPE: the
    relation drawn to the ORG span can still be accepted, to the GPE span (the schema
    allows AFFILIATION to a GPE)."""
    state = adjudication.open_adjudication(split, reviewer, force=True)
    to_org = next(c for c in relation_conflicts(state) if c.variants[0].value["target"]["type"] == "ORG")
    org_span = next(c for c in state.open if c.kind == "span" and c.variants[0].value["type"] == "ORG")
    adjudication.decide(split, reviewer, conflict_id=org_span.id, action="edit", variant=0, entity_type="GPE",
                        version=ANY_VERSION)
    adjudication.decide(split, reviewer, conflict_id=to_org.id, action="accept", variant=0, version=ANY_VERSION)
    [relation] = Relation.objects.filter(set=gold_of(split)).select_related("target__entity_type")
    assert relation.target.entity_type.key == "GPE"
    assert split.text[relation.target.start:relation.target.end] == "الخارجية"
