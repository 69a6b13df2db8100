"""Behaviour on the corpus models: names in the active language, translated choice
labels, the schema loaded once per project instance, and what a valid span is."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from corpus.models import EntityType, Membership, Role, localised_name
from corpus.schema import ProjectSchema
from corpus.text.offsets import valid_span, whole_numbers


def test_a_schema_item_is_labelled_in_the_active_language(project):
    person = EntityType(project=project, key="PER", name_ar="شخص", name_en="Person")
    with translation.override("ar"):
        assert person.label == "شخص"
    with translation.override("en"):
        assert person.label == "Person"


def test_an_attribute_value_is_named_in_the_active_language_or_by_its_key():
    asserted = {"key": "ASSERTED", "name_ar": "مؤكد", "name_en": "asserted"}
    with translation.override("ar"):
        assert localised_name(asserted) == "مؤكد"
        assert localised_name({"key": "DENIED"}) == "DENIED"
    with translation.override("en"):
        assert localised_name(asserted) == "asserted"


def test_member_roles_are_labelled_in_arabic_from_the_catalogue(project, annotator):
    membership = Membership.objects.get(project=project, user=annotator)
    with translation.override("ar"):
        assert membership.get_role_display() == "موسِّم"
        assert str(Role.ADMIN.label) == "مدير"
    with translation.override("en"):
        assert membership.get_role_display() == "annotator"


def test_the_schema_is_loaded_once_per_project_instance_until_forgotten(project):
    with CaptureQueriesContext(connection) as first:
        schema = ProjectSchema.load(project)
    with CaptureQueriesContext(connection) as again:
        assert ProjectSchema.load(project) is schema and project.entity_type_list is project.entity_type_list
    assert len(first) > 0 and len(again) == 1  # the second: entity_type_list, once

    EntityType.objects.create(project=project, key="WEAPON", name_ar="سلاح", name_en="Weapon", order=99)
    assert "WEAPON" not in ProjectSchema.load(project).entity_types
    project.forget_schema()
    assert "WEAPON" in ProjectSchema.load(project).entity_types
    assert "WEAPON" in [t.key for t in project.entity_type_list]


@pytest.mark.parametrize(("start", "end", "valid"), [
    (0, 5, True), (4, 5, True), (0, 1, True),
    (2, 2, False),  # empty
    (3, 2, False),  # reversed
    (-1, 2, False), (4, 6, False),  # outside the text
    (0.0, 2, False), ("0", 2, False), (None, 2, False), (False, True, False),  # not whole numbers
])
def test_a_valid_span_is_a_non_empty_range_of_whole_numbers_inside_the_text(start, end, valid):
    assert valid_span("مرحبا", start, end) is valid


def test_booleans_are_not_whole_numbers_for_offsets():
    assert whole_numbers(0, 3) and not whole_numbers(True, 3) and not whole_numbers(1.0)
