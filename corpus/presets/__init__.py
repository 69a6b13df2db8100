"""Schema presets shipped with Tawsim. A preset is data (JSON); creating a project
from one copies it, so a project can change its schema without touching the preset."""
from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from corpus.models import DEFAULT_COLOUR, AttributeType, EntityType, EventType, Project, RelationType, RoleType

PRESETS_DIR = Path(__file__).resolve().parent


def available_presets() -> list[str]:
    return sorted(path.stem.replace("_", "-") for path in PRESETS_DIR.glob("*.json"))


def load_preset(name: str) -> dict:
    path = PRESETS_DIR / f"{name.replace('-', '_')}.json"
    if not path.is_file():
        raise ValueError(f"unknown preset {name!r}; available: {', '.join(available_presets())}")
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def create_project_from_preset(name: str, *, slug: str | None = None, preset: str = "news-ar") -> Project:
    data = load_preset(preset)
    project = Project.objects.create(
        name=name, slug=slug or slugify(name) or "project", guidelines=data.get("guidelines", "")
    )
    apply_schema(project, data)
    return project


def apply_schema(project: Project, data: dict) -> None:
    """Copy a schema description (the preset format) into the project's schema tables."""
    entities = {}
    for order, item in enumerate(data.get("entity_types", [])):
        entities[item["key"]] = EntityType.objects.create(
            project=project, order=order, key=item["key"], name_ar=item["name_ar"], name_en=item["name_en"],
            colour=item.get("colour", DEFAULT_COLOUR), shortcut=item.get("shortcut", ""),
            description=item.get("description", ""), kb_linkable=item.get("kb_linkable", True),
        )
    event_types = {}
    for order, item in enumerate(data.get("event_types", [])):
        event_type = EventType.objects.create(
            project=project, order=order, key=item["key"], name_ar=item["name_ar"], name_en=item["name_en"],
            colour=item.get("colour", DEFAULT_COLOUR), shortcut=item.get("shortcut", ""),
            triggers=item.get("triggers", []), description=item.get("description", ""),
        )
        event_types[item["key"]] = event_type
        for role_order, role in enumerate(item.get("roles", [])):
            role_type = RoleType.objects.create(
                event_type=event_type, order=role_order, key=role["key"], name_ar=role["name_ar"],
                name_en=role["name_en"], min_count=role.get("min", 0), max_count=role.get("max"),
            )
            role_type.allowed_types.set([entities[key] for key in role["allowed"]])
    for order, item in enumerate(data.get("attribute_types", [])):
        attribute = AttributeType.objects.create(
            project=project, order=order, key=item["key"], name_ar=item["name_ar"], name_en=item["name_en"],
            kind=item.get("kind", "enum"), values=item.get("values", []), default=item.get("default", ""),
        )
        attribute.event_types.set([event_types[key] for key in item.get("event_types", [])])
    for order, item in enumerate(data.get("relation_types", [])):
        relation = RelationType.objects.create(
            project=project, order=order, key=item["key"], name_ar=item["name_ar"], name_en=item["name_en"],
            colour=item.get("colour", "#666666"),
        )
        relation.source_types.set([entities[key] for key in item["source"]])
        relation.target_types.set([entities[key] for key in item["target"]])


def schema_of(project: Project) -> dict:
    """The project's schema in the preset format: apply_schema(other, schema_of(project))
    gives `other` the same schema."""
    def names(item) -> dict:
        return {"key": item.key, "name_ar": item.name_ar, "name_en": item.name_en}

    def keys(items) -> list[str]:
        return sorted(item.key for item in items.all())

    event_types = project.event_types.order_by("order", "key")  # a one-off copy: a few queries are fine
    return {
        "entity_types": [
            {**names(t), "colour": t.colour, "shortcut": t.shortcut, "description": t.description,
             "kb_linkable": t.kb_linkable}
            for t in project.entity_types.order_by("order", "key")
        ],
        "event_types": [
            {**names(t), "colour": t.colour, "shortcut": t.shortcut, "description": t.description,
             "triggers": t.triggers,
             "roles": [{**names(r), "allowed": keys(r.allowed_types), "min": r.min_count, "max": r.max_count}
                       for r in t.roles.order_by("order", "key")]}
            for t in event_types
        ],
        "attribute_types": [
            {**names(a), "kind": a.kind, "values": a.values, "default": a.default, "event_types": keys(a.event_types)}
            for a in project.attribute_types.order_by("order", "key")
        ],
        "relation_types": [
            {**names(r), "colour": r.colour, "source": keys(r.source_types), "target": keys(r.target_types)}
            for r in project.relation_types.order_by("order", "key")
        ],
    }
