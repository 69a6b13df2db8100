"""The pure merge of N annotators' sets: K of N agreement, type and extent conflicts,
events merged role by role, relations only between gold spans."""
from annotate.agreement.merge import EventInput, SetInput, default_k, merge, missing_endpoints


def sets(**spans_by_user):
    return [SetInput(user, spans) for user, spans in spans_by_user.items()]


def test_default_k_is_a_strict_majority():
    assert [default_k(n) for n in (1, 2, 3, 4, 5)] == [1, 2, 2, 3, 3]


def test_items_two_of_three_agree_on_are_accepted_and_the_rest_conflict():
    result = merge(sets(a=[("PER", 0, 5), ("GPE", 10, 15)], b=[("PER", 0, 5)], c=[("PER", 0, 5), ("GPE", 10, 15)]))
    assert result.k == 2
    assert result.spans == [("GPE", 10, 15), ("PER", 0, 5)]
    assert result.conflicts == []


def test_k_of_n_is_configurable():
    data = sets(a=[("PER", 0, 5)], b=[("PER", 0, 5)], c=[])
    assert merge(data, k=2).spans == [("PER", 0, 5)]
    strict = merge(data, k=3)
    assert strict.spans == []
    [conflict] = strict.conflicts
    assert conflict.variants[0].annotators == ("a", "b") and conflict.abstained == ("c",)


def test_type_conflict_lists_who_chose_which_type():
    result = merge(sets(a=[("PER", 0, 5)], b=[("ORG", 0, 5)]))
    assert result.spans == []
    [conflict] = result.conflicts
    assert (conflict.kind, conflict.start, conflict.end) == ("span", 0, 5)
    chosen = {v.value["type"]: v.annotators for v in conflict.variants}
    assert chosen == {"PER": ("a",), "ORG": ("b",)}


def test_extent_conflict_groups_overlapping_variants_and_keeps_apart_distant_ones():
    result = merge(sets(a=[("ORG", 0, 12), ("GPE", 30, 35)], b=[("ORG", 6, 12)], c=[("GPE", 40, 45)]))
    first, second, third = result.conflicts
    assert (first.start, first.end) == (0, 12)
    assert sorted((v.value["start"], v.value["end"]) for v in first.variants) == [(0, 12), (6, 12)]
    assert first.abstained == ("c",)
    assert [(c.start, c.end) for c in (second, third)] == [(30, 35), (40, 45)]
    assert len({c.id for c in result.conflicts}) == 3


def test_a_majority_type_is_pre_selected_beside_the_minority_not_applied():
    result = merge(sets(a=[("FAC", 0, 5)], b=[("FAC", 0, 5)], c=[("LOC", 0, 5)]))
    assert result.spans == []  # nothing on these words enters gold before the reviewer decides
    [conflict] = result.conflicts
    assert [(v.value["type"], v.annotators) for v in conflict.variants] == [("FAC", ("a", "b")), ("LOC", ("c",))]
    assert conflict.preselected == 0 and conflict.abstained == ()


def test_overlapping_extents_are_one_conflict_even_when_one_reached_k():
    # «صحيفة The Daily Post» by two, «The Daily Post» by one.
    result = merge(sets(a=[("ORG", 0, 20)], b=[("ORG", 0, 20)], c=[("ORG", 6, 20)]))
    assert result.spans == []
    [conflict] = result.conflicts
    assert [(v.value["start"], v.annotators) for v in conflict.variants] == [(0, ("a", "b")), (6, ("c",))]
    assert conflict.preselected == 0 and (conflict.start, conflict.end) == (0, 20)


def test_a_tie_pre_selects_nothing():
    result = merge(sets(a=[("FAC", 0, 5)], b=[("LOC", 0, 5)], c=[("FAC", 0, 5)], d=[("LOC", 0, 5)]), k=2)
    [conflict] = result.conflicts
    assert conflict.preselected is None and len(conflict.variants) == 2


def test_nested_names_everyone_marks_stay_agreed_beside_a_type_conflict_inside():
    # Everyone marks the organisation and the city inside it; they differ on the city's type.
    result = merge(sets(a=[("ORG", 0, 12), ("GPE", 6, 12)], b=[("ORG", 0, 12), ("GPE", 6, 12)],
                        c=[("ORG", 0, 12), ("LOC", 6, 12)]))
    assert result.spans == [("ORG", 0, 12)]
    [conflict] = result.conflicts
    assert {v.value["type"] for v in conflict.variants} == {"GPE", "LOC"} and conflict.preselected == 0


def test_two_types_one_annotator_put_on_the_same_words_are_alternatives():
    result = merge(sets(a=[("PER", 0, 5), ("ORG", 0, 5)], b=[("PER", 0, 5)]))
    [conflict] = result.conflicts
    assert {v.value["type"] for v in conflict.variants} == {"PER", "ORG"}
    assert result.spans == []


def test_event_triggers_of_different_types_on_the_same_word_are_one_conflict():
    result = merge([SetInput("a", [], [EventInput("MEET", 0, 5)]), SetInput("b", [], [EventInput("MEET", 0, 5)]),
                    SetInput("c", [], [EventInput("ATTACK", 0, 5)])])
    assert result.events == []
    [conflict] = [c for c in result.conflicts if c.kind == "event"]
    assert [v.value["type"] for v in conflict.variants] == ["MEET", "ATTACK"] and conflict.preselected == 0


def meet(*arguments, factuality="ASSERTED"):
    return EventInput("MEET", 0, 5, {"factuality": factuality}, tuple(arguments))


PARTICIPANT = ("PER", 6, 10)
OTHER = ("PER", 11, 15)
PLACE = ("GPE", 20, 26)


def test_events_merge_role_by_role():
    data = [
        SetInput("a", [], [meet(("Participant", PARTICIPANT), ("Place", PLACE))]),
        SetInput("b", [], [meet(("Participant", PARTICIPANT), ("Place", PLACE))]),
        SetInput("c", [], [meet(("Participant", OTHER), factuality="REPORTED")]),
    ]
    result = merge(data)
    [event] = result.events
    assert event.key == ("MEET", 0, 5)
    assert event.roles == {"Participant": [PARTICIPANT], "Place": [PLACE]}
    assert event.attributes == {"factuality": "ASSERTED"}
    assert result.conflicts == []


def test_disagreeing_roles_and_attributes_become_conflicts_while_agreeing_ones_are_accepted():
    data = [
        SetInput("a", [], [meet(("Participant", PARTICIPANT), ("Place", PLACE))]),
        SetInput("b", [], [meet(("Participant", PARTICIPANT), factuality="REPORTED")]),
    ]
    result = merge(data)
    [event] = result.events
    assert event.roles == {"Participant": [PARTICIPANT]}
    assert event.attributes == {}
    by_kind = {c.kind: c for c in result.conflicts}
    assert set(by_kind) == {"role", "attribute"}
    place = by_kind["role"]
    assert place.role == "Place" and place.event == ("MEET", 0, 5)
    fillers = {tuple(f["start"] for f in v.value["fillers"]): v.annotators for v in place.variants}
    assert fillers == {(20,): ("a",), (): ("b",)}
    factuality = by_kind["attribute"]
    assert {v.value["value"]: v.annotators for v in factuality.variants} == {"ASSERTED": ("a",), "REPORTED": ("b",)}


def test_an_event_too_few_proposed_is_a_trigger_conflict_with_its_proposers_agreement_kept():
    data = [
        SetInput("a", [], [meet(("Participant", PARTICIPANT))]),
        SetInput("b", [], []),
        SetInput("c", [], [EventInput("STATEMENT", 0, 5)]),
    ]
    result = merge(data)
    assert result.events == []
    [trigger] = [c for c in result.conflicts if c.kind == "event"]
    assert {v.value["type"]: v.annotators for v in trigger.variants} == {"MEET": ("a",), "STATEMENT": ("c",)}
    assert trigger.abstained == ("b",)
    assert result.proposals[("MEET", 0, 5)].roles == {"Participant": [PARTICIPANT]}


def test_conflict_ids_are_stable_for_the_same_sets():
    data = sets(a=[("PER", 0, 5)], b=[("ORG", 0, 5)])
    assert [c.id for c in merge(data).conflicts] == [c.id for c in merge(list(reversed(data))).conflicts]


# --- relations ---------------------------------------------------------------------------

PER = ("PER", 0, 5)
ORG = ("ORG", 10, 15)
GPE = ("GPE", 10, 15)


def related(**relations_by_user):
    """Each user marks both endpoints of every relation they draw, as a real set must."""
    return [
        SetInput(user, sorted({end for _type, source, target in relations for end in (source, target)}), [], relations)
        for user, relations in relations_by_user.items()
    ]


def test_a_relation_k_annotators_draw_is_agreed():
    affiliation = ("AFFILIATION", PER, ORG)
    result = merge(related(a=[affiliation], b=[affiliation], c=[]))
    assert result.relations == [affiliation]
    assert all(c.kind != "relation" for c in result.conflicts)


def test_relations_that_differ_in_type_are_one_conflict_naming_who_chose_what():
    result = merge(related(a=[("AFFILIATION", PER, ORG)], b=[("LOCATED_IN", PER, ORG)], c=[]))
    assert result.relations == []
    [conflict] = [c for c in result.conflicts if c.kind == "relation"]
    assert (conflict.start, conflict.end) == (0, 15)
    assert {v.value["type"]: v.annotators for v in conflict.variants} == {"AFFILIATION": ("a",), "LOCATED_IN": ("b",)}
    assert conflict.variants[0].value["source"] == {"type": "PER", "start": 0, "end": 5}
    assert conflict.abstained == ("c",)
    again = merge(related(c=[], b=[("LOCATED_IN", PER, ORG)], a=[("AFFILIATION", PER, ORG)]))
    assert [c.id for c in again.conflicts if c.kind == "relation"] == [conflict.id]


def test_a_relation_variant_reports_endpoints_missing_from_gold():
    # Both draw the relation, but disagree on the target's type: neither relation nor
    # target span is agreed, so accepting a variant must wait for its target span.
    result = merge(related(a=[("AFFILIATION", PER, ORG)], b=[("AFFILIATION", PER, GPE)]))
    assert result.spans == [PER] and result.relations == []
    [conflict] = [c for c in result.conflicts if c.kind == "relation"]
    assert len(conflict.variants) == 2
    for variant in conflict.variants:
        target = variant.value["target"]
        assert missing_endpoints(variant.value, set(result.spans)) == [(target["type"], 10, 15)]
        assert missing_endpoints(variant.value, {PER, (target["type"], 10, 15)}) == []


def test_an_agreed_relation_without_agreed_endpoints_is_not_pre_accepted():
    # Inconsistent input (the relation's target is in nobody's spans): never a dangling link.
    data = [SetInput(user, [PER], [], [("AFFILIATION", PER, ORG)]) for user in ("a", "b")]
    result = merge(data)
    assert result.relations == []
    [conflict] = [c for c in result.conflicts if c.kind == "relation"]
    assert conflict.variants[0].annotators == ("a", "b")


def test_who_drew_the_agreed_type_at_a_pair_did_not_abstain_from_its_minority_conflict():
    result = merge(related(a=[("AFFILIATION", PER, ORG)], b=[("AFFILIATION", PER, ORG)], c=[("LOCATED_IN", PER, ORG)]))
    assert result.relations == [("AFFILIATION", PER, ORG)]
    [conflict] = [c for c in result.conflicts if c.kind == "relation"]
    assert [v.annotators for v in conflict.variants] == [("c",)] and conflict.abstained == ()


def test_an_endpoint_whose_type_the_reviewer_changed_is_found_by_its_text():
    value = {"type": "AFFILIATION", "source": {"type": "PER", "start": 0, "end": 5},
             "target": {"type": "ORG", "start": 10, "end": 15}}
    assert missing_endpoints(value, {PER, ("GPE", 10, 15)}) == []
    # two gold spans over that text: which one is meant is not known, so it waits
    assert missing_endpoints(value, {PER, ("GPE", 10, 15), ("LOC", 10, 15)}) == [("ORG", 10, 15)]
