"""Adjudication into gold: pre-acceptance on first open, decisions recorded,
confirm refused while conflicts remain, reopen recorded, access for reviewers only."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotate import services
from annotate.models import AdjudicationDecision, AnnotationSet, Event, SetKind, SetStatus, Span
from annotate.services import ANY_VERSION, adjudication

TEXT_WORDS = {"سمير": None, "داود": None, "القاهرة": None, "التقى": None}


def where(document, word):
    start = document.text.index(word)
    return start, start + len(word)


def annotate(document, user, spans=(), events=()):
    """Make and submit the user's set: spans [(type, word)], events [(type, trigger, {role: word}, factuality)]."""
    annotation_set = services.own_set(document, user)
    for key, word in spans:
        start, end = where(document, word)
        services.create_span(annotation_set, user, entity_type=key, start=start, end=end, version=ANY_VERSION,
                             snap_to_tokens=False)
    for key, trigger, roles, factuality in events:
        start, end = where(document, trigger)
        event = services.create_event(annotation_set, user, event_type=key, trigger_start=start, trigger_end=end,
                                      version=ANY_VERSION, attributes={"factuality": factuality}, snap_to_tokens=False)
        for role, (entity, word) in roles.items():
            s, e = where(document, word)
            services.add_argument_from_selection(event, user, role=role, entity_type=entity, start=s, end=e,
                                                 version=ANY_VERSION, snap_to_tokens=False)
    services.submit_set(annotation_set, user, version=ANY_VERSION)
    return annotation_set


@pytest.fixture
def disputed(document, three):
    """All three agree on «سمير داود» PER; two say «القاهرة» GPE, one LOC (K=2: GPE is
    pre-selected in their conflict); «الخارجية» ORG by one only: a conflict."""
    a, b, c = three
    annotate(document, a, [("PER", "سمير داود"), ("GPE", "القاهرة"), ("ORG", "الخارجية")])
    annotate(document, b, [("PER", "سمير داود"), ("GPE", "القاهرة")])
    annotate(document, c, [("PER", "سمير داود"), ("LOC", "القاهرة")])
    return document


def gold_of(document):
    return AnnotationSet.objects.get(document=document, kind=SetKind.GOLD)


def gold_spans(document):
    spans = Span.objects.filter(set=gold_of(document)).select_related("entity_type")
    return sorted((s.entity_type.key, document.text[s.start:s.end]) for s in spans)


def test_first_open_pre_accepts_agreed_items_once_and_records_it(disputed, reviewer):
    state = adjudication.open_adjudication(disputed, reviewer)
    assert gold_spans(disputed) == [("PER", "سمير داود")]
    assert {c.id for c in state.open} and all(c.kind == "span" for c in state.open)
    ids_before = sorted(Span.objects.filter(set=gold_of(disputed)).values_list("pk", flat=True))
    adjudication.open_adjudication(disputed, reviewer)
    assert sorted(Span.objects.filter(set=gold_of(disputed)).values_list("pk", flat=True)) == ids_before
    [pre] = AdjudicationDecision.objects.filter(action="pre_accept")
    assert pre.reviewer == reviewer and pre.item["spans"] == 1 and pre.variant["annotators"] == ["ann1", "ann2", "ann3"]


def test_pre_acceptance_waits_for_the_expected_sets_unless_forced(document, three, reviewer, project):
    services.assignment.update_workflow(project, None, annotators_per_document=3)
    annotate(document, three[0], [("PER", "سمير داود")])
    assert not adjudication.open_adjudication(document, reviewer).started
    state = adjudication.open_adjudication(document, reviewer, force=True)
    assert state.started and gold_spans(document) == [("PER", "سمير داود")]


def test_accepting_a_variant_records_whose_it_was(disputed, reviewer):
    state = adjudication.open_adjudication(disputed, reviewer)
    org = next(c for c in state.open if any(v.value["type"] == "ORG" for v in c.variants))
    gold = gold_of(disputed)
    adjudication.decide(disputed, reviewer, conflict_id=org.id, action="accept", variant=0, version=gold.version)
    assert ("ORG", "الخارجية") in gold_spans(disputed)
    decision = AdjudicationDecision.objects.get(action="accept")
    assert decision.reviewer == reviewer and decision.item["id"] == org.id
    assert decision.variant["annotators"] == ["ann1"] and decision.variant["value"]["type"] == "ORG"
    assert org.id not in {c.id for c in adjudication.state_of(disputed).open}


def test_edit_accepts_a_variant_with_another_type_and_reject_adds_nothing(disputed, reviewer):
    state = adjudication.open_adjudication(disputed, reviewer)
    cairo = next(c for c in state.open if c.variants[-1].value["type"] == "LOC")
    org = next(c for c in state.open if c.variants[0].value["type"] == "ORG")
    adjudication.decide(disputed, reviewer, conflict_id=org.id, action="edit", variant=0, entity_type="FAC",
                        version=ANY_VERSION)
    adjudication.decide(disputed, reviewer, conflict_id=cairo.id, action="reject", version=ANY_VERSION)
    assert gold_spans(disputed) == [("FAC", "الخارجية"), ("PER", "سمير داود")]
    assert AdjudicationDecision.objects.get(action="edit").variant["edited"] == {"type": "FAC"}
    assert AdjudicationDecision.objects.filter(action="reject", item__id=cairo.id).exists()


def test_a_conflict_is_settled_only_once_and_stale_versions_are_refused(disputed, reviewer):
    state = adjudication.open_adjudication(disputed, reviewer)
    conflict = state.open[0]
    with pytest.raises(services.StaleVersion):
        adjudication.decide(disputed, reviewer, conflict_id=conflict.id, action="reject",
                            version=gold_of(disputed).version - 1)
    adjudication.decide(disputed, reviewer, conflict_id=conflict.id, action="reject", version=ANY_VERSION)
    with pytest.raises(services.Invalid) as refused:
        adjudication.decide(disputed, reviewer, conflict_id=conflict.id, action="accept", variant=0,
                            version=ANY_VERSION)
    assert refused.value.field == "conflict"


def test_confirm_is_refused_while_conflicts_remain_then_reopen_is_recorded(disputed, reviewer, project, monkeypatch):
    retrained = []
    import annotate.services.adjudication as module
    monkeypatch.setattr(module, "retrain_if_due", lambda p: retrained.append(p.pk))
    state = adjudication.open_adjudication(disputed, reviewer)
    with pytest.raises(services.Invalid) as refused:
        adjudication.confirm(disputed, reviewer, version=ANY_VERSION)
    assert "still open" in refused.value.message and gold_of(disputed).status == SetStatus.IN_PROGRESS
    for conflict in state.open:
        adjudication.decide(disputed, reviewer, conflict_id=conflict.id, action="reject", version=ANY_VERSION)
    adjudication.confirm(disputed, reviewer, version=ANY_VERSION)
    assert gold_of(disputed).status == SetStatus.ADJUDICATED and retrained == [project.pk]
    with pytest.raises(services.Invalid):  # an adjudicated set is locked
        adjudication.remove_gold_span(Span.objects.filter(set=gold_of(disputed)).first(), reviewer, version=ANY_VERSION)
    adjudication.reopen(disputed, reviewer, version=ANY_VERSION)
    assert gold_of(disputed).status == SetStatus.IN_PROGRESS
    actions = AdjudicationDecision.objects.filter(action__in=["confirm", "reopen"]).values_list("action", flat=True)
    assert list(actions) == ["confirm", "reopen"]


def cairo_conflict(state):
    return next(c for c in state.open if {v.value["type"] for v in c.variants} == {"GPE", "LOC"})


def test_a_type_disagreement_is_one_conflict_showing_every_variant_with_the_majority_pre_selected(disputed, reviewer):
    state = adjudication.open_adjudication(disputed, reviewer)
    conflict = cairo_conflict(state)
    assert [(v.value["type"], v.annotators) for v in conflict.variants] == [
        ("GPE", ("ann1", "ann2")), ("LOC", ("ann3",))]
    assert conflict.preselected == 0 and conflict.abstained == ()
    assert ("GPE", "القاهرة") not in gold_spans(disputed)  # pre-selected, not applied


def test_accepting_the_minority_type_leaves_one_type_on_the_words(disputed, reviewer):
    state = adjudication.open_adjudication(disputed, reviewer)
    adjudication.decide(disputed, reviewer, conflict_id=cairo_conflict(state).id, action="accept", variant=1,
                        version=ANY_VERSION)
    assert [s for s in gold_spans(disputed) if s[1] == "القاهرة"] == [("LOC", "القاهرة")]


def test_accepting_a_variant_replaces_another_type_already_on_its_words(disputed, reviewer):
    state = adjudication.open_adjudication(disputed, reviewer)
    gold = gold_of(disputed)
    start, end = where(disputed, "القاهرة")
    with services.base.recorded(reviewer, "test", gold):  # e.g. an accepted event's filler brought it in
        services.spans.add_span(gold, entity_type="FAC", start=start, end=end, snap_to_tokens=False)
    adjudication.decide(disputed, reviewer, conflict_id=cairo_conflict(state).id, action="edit", variant=0,
                        entity_type="GPE", version=ANY_VERSION)
    assert [s for s in gold_spans(disputed) if s[1] == "القاهرة"] == [("GPE", "القاهرة")]


def test_a_replaced_type_that_fills_a_role_stays_and_confirm_names_it(disputed, reviewer):
    state = adjudication.open_adjudication(disputed, reviewer)
    gold = gold_of(disputed)
    start, end = where(disputed, "القاهرة")
    trigger_start, trigger_end = where(disputed, "التقى")
    with services.base.recorded(reviewer, "test", gold):
        fac = services.spans.add_span(gold, entity_type="FAC", start=start, end=end, snap_to_tokens=False)
    event = services.create_event(gold, reviewer, event_type="MEET", trigger_start=trigger_start,
                                  trigger_end=trigger_end, version=ANY_VERSION)
    services.add_argument(event, reviewer, role="Place", span=fac, version=ANY_VERSION)
    adjudication.decide(disputed, reviewer, conflict_id=cairo_conflict(state).id, action="accept", variant=0,
                        version=ANY_VERSION)
    assert event.arguments.filter(span=fac).exists()  # the role keeps its filler
    assert sorted(s for s in gold_spans(disputed) if s[1] == "القاهرة") == [("FAC", "القاهرة"), ("GPE", "القاهرة")]
    assert [extent[:2] for extent in adjudication.doubled_extents(gold)] == [(start, end)]


def test_keeping_every_variant_is_the_deliberate_way_to_two_types(disputed, reviewer, monkeypatch):
    import annotate.services.adjudication as module
    monkeypatch.setattr(module, "retrain_if_due", lambda p: None)
    state = adjudication.open_adjudication(disputed, reviewer)
    org = next(c for c in state.open if c.variants[0].value["type"] == "ORG")
    with pytest.raises(services.Invalid) as refused:  # one variant: nothing to keep beside it
        adjudication.decide(disputed, reviewer, conflict_id=org.id, action="keep", version=ANY_VERSION)
    assert refused.value.field == "action"
    adjudication.decide(disputed, reviewer, conflict_id=org.id, action="reject", version=ANY_VERSION)
    adjudication.decide(disputed, reviewer, conflict_id=cairo_conflict(state).id, action="keep", version=ANY_VERSION)
    assert [s for s in gold_spans(disputed) if s[1] == "القاهرة"] == [("GPE", "القاهرة"), ("LOC", "القاهرة")]
    decision = AdjudicationDecision.objects.get(action="keep")
    assert decision.variant["annotators"] == ["ann1", "ann2", "ann3"] and len(decision.variant["values"]) == 2
    adjudication.confirm(disputed, reviewer, version=ANY_VERSION)
    assert gold_of(disputed).status == SetStatus.ADJUDICATED


def test_a_keep_allows_the_variants_it_kept_and_no_other_type_on_those_words(disputed, reviewer):
    state = adjudication.open_adjudication(disputed, reviewer)
    adjudication.decide(disputed, reviewer, conflict_id=cairo_conflict(state).id, action="keep", version=ANY_VERSION)
    gold = gold_of(disputed)
    start, end = where(disputed, "القاهرة")
    assert adjudication.doubled_extents(gold) == []
    with services.base.recorded(reviewer, "test", gold):  # a third type, which nobody chose to keep
        services.spans.add_span(gold, entity_type="FAC", start=start, end=end, snap_to_tokens=False)
    assert adjudication.doubled_extents(gold) == [(start, end, ["FAC", "GPE", "LOC"])]


def test_confirm_refuses_two_types_on_the_same_words_nobody_kept_on_purpose(disputed, reviewer):
    state = adjudication.open_adjudication(disputed, reviewer)
    for conflict in state.open:
        adjudication.decide(disputed, reviewer, conflict_id=conflict.id, action="accept", variant=0,
                            version=ANY_VERSION)
    gold = gold_of(disputed)
    start, end = where(disputed, "القاهرة")
    with services.base.recorded(reviewer, "test", gold):  # legacy gold, or a span added around the rules
        services.spans.add_span(gold, entity_type="LOC", start=start, end=end, snap_to_tokens=False)
    with pytest.raises(services.Invalid) as refused:
        adjudication.confirm(disputed, reviewer, version=ANY_VERSION)
    names = dict(disputed.project.entity_types.values_list("key", "name_en"))
    assert f"«القاهرة» ({names['GPE']} / {names['LOC']})" in refused.value.message
    assert gold_of(disputed).status == SetStatus.IN_PROGRESS


def test_events_enter_gold_role_by_role(document, three, reviewer):
    a, b, c = three
    meet_full = ("MEET", "التقى", {"Participant": ("PER", "سمير داود"), "Place": ("GPE", "القاهرة")}, "ASSERTED")
    annotate(document, a, [], [meet_full])
    annotate(document, b, [], [meet_full])
    annotate(document, c, [], [("MEET", "التقى", {"Participant": ("PER", "سمير داود")}, "REPORTED")])
    adjudication.open_adjudication(document, reviewer)
    event = Event.objects.get(set=gold_of(document))
    roles = sorted((arg.role.key, document.text[arg.span.start:arg.span.end]) for arg in event.arguments.all())
    assert roles == [("Participant", "سمير داود"), ("Place", "القاهرة")]
    assert event.attributes["factuality"] == "ASSERTED"


def test_accepting_a_role_variant_replaces_the_role_fillers(document, three, reviewer):
    a, b, _c = three
    annotate(document, a, [], [
        ("MEET", "التقى", {"Participant": ("PER", "سمير داود"), "Place": ("GPE", "القاهرة")}, "ASSERTED"),
    ])
    annotate(document, b, [], [("MEET", "التقى", {"Participant": ("PER", "سمير داود")}, "ASSERTED")])
    state = adjudication.open_adjudication(document, reviewer, force=True)
    [place] = [c for c in state.open if c.kind == "role"]
    index = next(i for i, v in enumerate(place.variants) if v.value["fillers"])
    adjudication.decide(document, reviewer, conflict_id=place.id, action="accept", variant=index, version=ANY_VERSION)
    event = Event.objects.get(set=gold_of(document))
    assert sorted(arg.role.key for arg in event.arguments.all()) == ["Participant", "Place"]


# --- pages and API --------------------------------------------------------------------

def test_reviewer_adjudicates_through_the_page(client, disputed, reviewer):
    client.force_login(reviewer)
    url = reverse("adjudicate", args=[disputed.project.slug, disputed.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-t="CONFLICT"' in html and "ann3" in html and "سمير داود" in html
    conflicts = response.context["conflicts"]
    decide = reverse("adjudicate_decide", args=[disputed.project.slug, disputed.pk])
    for conflict in conflicts:
        client.post(decide, {"conflict": conflict["id"], "action": "reject", "version": gold_of(disputed).version})
    response = client.post(reverse("adjudicate_confirm", args=[disputed.project.slug, disputed.pk]),
                           {"version": gold_of(disputed).version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and gold_of(disputed).status == SetStatus.ADJUDICATED


def test_the_page_shows_every_variant_with_who_chose_it_and_accept_as_defaults_to_its_type(
        client, disputed, reviewer):
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("adjudicate", args=[disputed.project.slug, disputed.pk])).content.decode()
    start, end = where(disputed, "القاهرة")
    cairo = html[html.index(f'data-conflict="span:{start}-{end}"'):]
    cairo = cairo[:cairo.index('class="conflict"')] if 'class="conflict"' in cairo else cairo
    assert "<bdi>ann1</bdi>, <bdi>ann2</bdi>" in cairo and "ann3" in cairo and "Marked nothing here" not in cairo
    assert cairo.count("data-preselected") == 1 and "pre-selected" in cairo
    types = {t.key: t for t in disputed.project.entity_types.all()}
    # Each variant's "accept as" list starts at its own type, and names types, not keys.
    assert f'<option value="GPE" selected>{types["GPE"].name_en}</option>' in cairo
    assert f'<option value="LOC" selected>{types["LOC"].name_en}</option>' in cairo
    assert 'value="keep"' in cairo


def test_confirm_through_the_page_while_conflicts_remain_says_why(client, disputed, reviewer):
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    client.get(reverse("adjudicate", args=[disputed.project.slug, disputed.pk]))
    response = client.post(reverse("adjudicate_confirm", args=[disputed.project.slug, disputed.pk]),
                           {"version": gold_of(disputed).version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "still open" in response.content.decode()


def test_api_merged_view_decide_confirm_reopen(client, disputed, reviewer):
    client.force_login(reviewer)
    base = f"/api/projects/{disputed.project.slug}/documents/{disputed.pk}/adjudication/"
    data = client.get(base).json()
    assert data["annotators"] == ["ann1", "ann2", "ann3"] and data["k"] == 2 and data["started"]
    samir = disputed.text.index("سمير")
    assert {"type": "PER", "start": samir, "end": samir + 9} in data["agreed_spans"]
    refused = client.post(base + "confirm/", {"version": data["version"]}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "conflict"
    version = data["version"]
    for conflict in data["conflicts"]:
        answer = client.post(base + "decisions/",
                             {"conflict": conflict["id"], "action": "accept", "variant": 0, "version": version},
                             content_type="application/json")
        assert answer.status_code == 201, answer.content
        assert answer.json()["variant"]["annotators"] == conflict["variants"][0]["annotators"]
        version = gold_of(disputed).version
    confirmed = client.post(base + "confirm/", {"version": version}, content_type="application/json")
    assert confirmed.json()["status"] == "adjudicated"
    reopened = client.post(base + "reopen/", {"version": version + 1}, content_type="application/json")
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"


@pytest.mark.parametrize(
    "name", ["adjudicate", "adjudicate_decide", "adjudicate_confirm", "adjudicate_reopen", "adjudicate_start"]
)
def test_annotators_get_404_on_adjudication_views(client, disputed, three, name):
    client.force_login(three[0])
    url = reverse(name, args=[disputed.project.slug, disputed.pk])
    response = client.get(url) if name == "adjudicate" else client.post(url, {"conflict": "x", "action": "reject"})
    assert response.status_code == 404
    assert not AnnotationSet.objects.filter(kind=SetKind.GOLD).exists()


@pytest.mark.parametrize("suffix", ["", "decisions/", "confirm/", "reopen/"])
def test_annotators_get_404_on_adjudication_endpoints(client, disputed, three, suffix):
    client.force_login(three[0])
    url = f"/api/projects/{disputed.project.slug}/documents/{disputed.pk}/adjudication/{suffix}"
    response = client.get(url) if not suffix else client.post(url, {"version": 0}, content_type="application/json")
    assert response.status_code == 404


def test_annotators_get_404_when_removing_gold_spans(client, disputed, reviewer, three):
    adjudication.open_adjudication(disputed, reviewer)
    span = Span.objects.filter(set=gold_of(disputed)).first()
    client.force_login(three[0])
    url = reverse("adjudicate_remove_span", args=[disputed.project.slug, disputed.pk, span.pk])
    assert client.post(url, {"version": gold_of(disputed).version}).status_code == 404
    assert Span.objects.filter(pk=span.pk).exists()


def test_every_html_adjudication_write_requires_the_version(client, disputed, reviewer):
    """A missing version is refused like a stale one (422, nothing changed), never taken
    as "no check": only internal callers skip the check, by naming ANY_VERSION."""
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    client.get(reverse("adjudicate", args=[disputed.project.slug, disputed.pk]))
    gold = gold_of(disputed)
    conflict = adjudication.state_of(disputed).open[0]
    span = Span.objects.filter(set=gold).first()
    args = [disputed.project.slug, disputed.pk]
    posts = [
        (reverse("adjudicate_decide", args=args), {"conflict": conflict.id, "action": "reject"}),
        (reverse("adjudicate_remove_span", args=[*args, span.pk]), {}),
        (reverse("adjudicate_confirm", args=args), {}),
        (reverse("adjudicate_reopen", args=args), {}),
    ]
    for url, data in posts:
        for version in ({}, {"version": ""}):
            response = client.post(url, {**data, **version}, HTTP_HX_REQUEST="true")
            assert response.status_code == 422, (url, response.status_code)
            assert "version" in response.content.decode()
    after = gold_of(disputed)
    assert (after.version, after.status) == (gold.version, gold.status)
    assert Span.objects.filter(pk=span.pk).exists()
    assert not AdjudicationDecision.objects.filter(gold_set=gold, action="reject").exists()


def test_an_earlier_decision_does_not_settle_a_wider_conflict_it_never_saw_whole(disputed, reviewer):
    """A conflict wider than an earlier decision holds text that decision never judged (a
    later annotator's longer span, say): it stays open, and the decision is reported."""
    adjudication.open_adjudication(disputed, reviewer)
    start, end = where(disputed, "القاهرة")
    narrower = AdjudicationDecision.objects.create(
        gold_set=gold_of(disputed), reviewer=reviewer, action="reject",
        item={"id": f"span:{start + 2}-{end}", "kind": "span", "start": start + 2, "end": end})
    state = adjudication.state_of(disputed)
    assert (start, end) in {(c.start, c.end) for c in state.open}
    assert state.carried == {} and state.unmatched == [narrower]


def test_decisions_taken_under_an_earlier_grouping_of_the_conflicts_still_apply_or_are_reported(
        client, disputed, reviewer):
    """A decision records its conflict's id, made of its text range; when the conflicts of
    the same text were grouped otherwise (before alternatives were one conflict), the id
    names no conflict now. Such a decision still settles the conflict of its kind that its
    range holds (or lies in), and one that settles none is reported, never dropped unseen."""
    state = adjudication.open_adjudication(disputed, reviewer)
    start, end = where(disputed, "القاهرة")
    cairo = next(c for c in state.open if (c.start, c.end) == (start, end))
    gold = gold_of(disputed)
    earlier = AdjudicationDecision.objects.create(
        gold_set=gold, reviewer=reviewer, action="reject",
        item={"id": f"span:{start - 3}-{end}", "kind": "span", "start": start - 3, "end": end})
    met_start, met_end = where(disputed, "التقى")
    lost = AdjudicationDecision.objects.create(
        gold_set=gold, reviewer=reviewer, action="reject",
        item={"id": f"span:{met_start}-{met_end}", "kind": "span", "start": met_start, "end": met_end})
    state = adjudication.state_of(disputed)
    assert cairo.id not in {c.id for c in state.open} and len(state.open) == 1  # «الخارجية» ORG stays open
    assert state.carried == {earlier.pk: [cairo.id]} and state.unmatched == [lost]
    with pytest.raises(services.Invalid):  # settled already: not decided twice
        adjudication.decide(disputed, reviewer, conflict_id=cairo.id, action="accept", variant=0,
                            version=gold.version)
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("adjudicate", args=[disputed.project.slug, disputed.pk])).content.decode()
    assert "1 decision was taken when the conflicts here were grouped otherwise" in html
    assert "1 earlier decision matches no conflict now" in html and "«التقى»" in html
    data = client.get(f"/api/projects/{disputed.project.slug}/documents/{disputed.pk}/adjudication/").json()
    assert data["carried"] == {str(earlier.pk): [cairo.id]} and data["unmatched"] == [lost.pk]
    assert cairo.id not in [c["id"] for c in data["conflicts"]]


def test_narrower_earlier_decisions_settle_a_conflict_when_each_variant_lies_in_one():
    from annotate.agreement.merge import Conflict, Variant
    from annotate.services.adjudication import _earlier_decisions

    def decision(pk, start, end):
        return AdjudicationDecision(pk=pk, action="reject",
                                    item={"id": f"span:{start}-{end}:old", "kind": "span", "start": start, "end": end})

    conflict = Conflict("span:0-10", "span", 0, 10, [
        Variant({"type": "PER", "start": 0, "end": 6}, ("ann1",)),
        Variant({"type": "ORG", "start": 4, "end": 10}, ("ann2",))], ())
    both = [decision(1, 0, 6), decision(2, 4, 10)]
    assert _earlier_decisions(both, [conflict], set()) == ({1: ["span:0-10"], 2: ["span:0-10"]}, [])
    one = [decision(1, 0, 6)]  # the ORG variant was never judged
    assert _earlier_decisions(one, [conflict], set()) == ({}, one)
