"""Every label is readable: white text on a type's colour has a contrast of at least
4.5:1 (WCAG AA) in every shipped preset, in the model's default, in a schema file
create_project takes, and in projects made from the old news-ar colours (a data
migration darkens them)."""
from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from corpus.colour import MIN_CONTRAST, label_contrast
from corpus.models import EntityType, EventType, Project, RelationType
from corpus.presets import available_presets, create_project_from_preset, load_preset
from corpus.schema_file import check_schema

readable_colours = importlib.import_module("corpus.migrations.0007_readable_label_colours")


def preset_colours():
    for name in available_presets():
        data = load_preset(name)
        for kind in ("entity_types", "event_types", "relation_types"):
            for item in data.get(kind, []):
                yield pytest.param(item.get("colour"), id=f"{name}:{item['key']}")


@pytest.mark.parametrize("colour", list(preset_colours()))
def test_every_preset_type_has_a_readable_label(colour):
    assert colour is None or label_contrast(colour) >= MIN_CONTRAST


def test_a_type_without_a_colour_gets_a_readable_one(db):
    for model in (EntityType, EventType, RelationType):
        assert label_contrast(model._meta.get_field("colour").default) >= MIN_CONTRAST
    assert check_schema({"entity_types": [{"key": "X", "name_ar": "س", "name_en": "X"}]}) == []


def test_a_schema_file_with_an_unreadable_colour_is_refused(db, tmp_path):
    schema = {"entity_types": [{"key": "FAC", "name_ar": "منشأة", "name_en": "Facility", "colour": "#f3a712"}]}
    assert check_schema(schema) == [
        "entity_types[0] (FAC).colour: white labels on #f3a712 have a contrast of 2.03:1; at least 4.5:1 is "
        "needed (choose a darker colour)"]
    path = tmp_path / "light.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(CommandError, match=r"entity_types\[0\] \(FAC\)\.colour: white labels on #f3a712"):
        call_command("create_project", "x", "--slug", "x", "--schema", str(path))
    assert not Project.objects.filter(slug="x").exists()


def test_the_migration_darkens_the_old_preset_colours_and_keeps_chosen_ones(db):
    project = create_project_from_preset("قديم", slug="old", preset="news-ar")
    EntityType.objects.filter(project=project, key="FAC").update(colour="#F3A712")
    EntityType.objects.filter(project=project, key="GPE").update(colour="#3bb273")
    EntityType.objects.filter(project=project, key="LOC").update(colour="#123456")  # the admin's own choice
    EventType.objects.filter(project=project, key="MEET").update(colour="#1b998b")
    readable_colours.darken_old_preset_colours(apps, None)
    colours = dict(EntityType.objects.filter(project=project).values_list("key", "colour"))
    assert colours["FAC"] == "#a16207" and colours["GPE"] == "#15803d" and colours["LOC"] == "#123456"
    assert EventType.objects.get(project=project, key="MEET").colour == "#0f766e"
    every = list(EntityType.objects.values_list("colour", flat=True)) + list(
        EventType.objects.values_list("colour", flat=True))
    assert all(label_contrast(colour) >= MIN_CONTRAST for colour in every)
