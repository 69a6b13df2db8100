"""annotate.services relations: source/target types from the schema, one set only,
no duplicates, stale versions refused with nothing lost."""
from __future__ import annotations

import pytest

from annotate import services
from annotate.models import Relation
from tests.annotate.test_services_events import span, version


@pytest.fixture
def document(meeting_doc):
    """These tests annotate texts.MEETING; `own` (conftest) is the annotator's set on it."""
    return meeting_doc


def relate(own, user, key, source, target, seen=None):
    return services.create_relation(
        own, user, relation_type=key, source=source, target=target, version=version(own) if seen is None else seen
    )


def test_affiliation_links_a_person_to_an_organisation(own, annotator):
    person, org = span(own, annotator, "PER", "نبيل حداد"), span(own, annotator, "ORG", "منظمة الأمل")
    relation = relate(own, annotator, "AFFILIATION", person, org)
    assert (relation.source, relation.target, relation.relation_type.key) == (person, org, "AFFILIATION")
    assert version(own) == 3


@pytest.mark.parametrize(
    "key, source, target, message",
    [
        ("AFFILIATION", ("ORG", "منظمة الأمل"), ("PER", "نبيل حداد"),
         "Affiliation links Person to Geo-political entity/Organisation, not Organisation to Person."),
        ("LOCATED_IN", ("PER", "نبيل حداد"), ("GPE", "دمشق"),
         "Located in links Facility/Geo-political entity/Location to Geo-political entity/Location, "
         "not Person to Geo-political entity."),
        ("KNOWS", ("PER", "نبيل حداد"), ("PER", "سمير داود"), "Unknown relation type «KNOWS» in this project."),
    ],
)
def test_source_and_target_types_follow_the_schema(own, annotator, key, source, target, message):
    a, b = span(own, annotator, *source), span(own, annotator, *target)
    with pytest.raises(services.Invalid) as error:
        relate(own, annotator, key, a, b)
    assert error.value.message == message and error.value.field == "relation_type"
    assert not Relation.objects.exists()


def test_a_relation_cannot_cross_sets(own, annotator, other_annotator, meeting_doc):
    theirs = services.own_set(meeting_doc, other_annotator)
    mine = span(own, annotator, "PER", "نبيل حداد")
    foreign = span(theirs, other_annotator, "ORG", "منظمة الأمل")
    with pytest.raises(services.Invalid, match="same annotation set") as error:
        relate(own, annotator, "AFFILIATION", mine, foreign)
    assert error.value.field == "source" and not Relation.objects.exists()


def test_a_span_cannot_relate_to_itself(own, annotator):
    place = span(own, annotator, "GPE", "دمشق")
    with pytest.raises(services.Invalid, match="two different spans"):
        relate(own, annotator, "LOCATED_IN", place, place)


def test_the_same_relation_twice_is_refused(own, annotator):
    person, org = span(own, annotator, "PER", "نبيل حداد"), span(own, annotator, "ORG", "منظمة الأمل")
    relate(own, annotator, "AFFILIATION", person, org)
    before = version(own)
    with pytest.raises(services.Invalid, match="already linked by AFFILIATION"):
        relate(own, annotator, "AFFILIATION", person, org)
    assert Relation.objects.count() == 1 and version(own) == before


def test_stale_version_is_refused_and_nothing_is_lost(own, annotator):
    person, org = span(own, annotator, "PER", "نبيل حداد"), span(own, annotator, "ORG", "منظمة الأمل")
    with pytest.raises(services.StaleVersion):
        relate(own, annotator, "AFFILIATION", person, org, seen=1)
    assert not Relation.objects.exists() and version(own) == 2
    relation = relate(own, annotator, "AFFILIATION", person, org)
    with pytest.raises(services.StaleVersion):
        services.delete_relation(relation, annotator, version=1)
    assert Relation.objects.filter(pk=relation.pk).exists()


def test_delete_relation_keeps_the_spans(own, annotator):
    person, org = span(own, annotator, "PER", "نبيل حداد"), span(own, annotator, "ORG", "منظمة الأمل")
    relation = relate(own, annotator, "AFFILIATION", person, org)
    services.delete_relation(relation, annotator, version=version(own))
    assert not Relation.objects.exists() and own.spans.count() == 2


def test_deleting_a_span_deletes_its_relations(own, annotator):
    person, org = span(own, annotator, "PER", "نبيل حداد"), span(own, annotator, "ORG", "منظمة الأمل")
    relate(own, annotator, "AFFILIATION", person, org)
    services.delete_span(org, annotator, version=version(own))
    assert not Relation.objects.exists()
