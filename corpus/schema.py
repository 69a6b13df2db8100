"""A project's schema loaded once into plain objects, with the rules that follow
from it: which entity types a role accepts and how many, which types a relation
links, which values an attribute takes. Writers (annotate.services), importers and
exporters ask it instead of querying the schema tables each time."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from corpus.models import (
    AttributeType,
    EntityType,
    EventType,
    Project,
    RelationType,
    RoleType,
    in_arabic,
    localised_name,
)


@dataclass
class RoleSchema:
    model: RoleType
    key: str
    allowed: frozenset[str]
    min_count: int
    max_count: int | None


@dataclass
class EventSchema:
    model: EventType
    key: str
    roles: dict[str, RoleSchema]
    attributes: dict[str, AttributeType]


@dataclass
class RelationSchema:
    model: RelationType
    key: str
    sources: frozenset[str]
    targets: frozenset[str]


@dataclass
class ProjectSchema:
    entity_types: dict[str, EntityType]
    event_types: dict[str, EventSchema]
    relation_types: dict[str, RelationSchema]
    attributes: dict[str, AttributeType] = field(default_factory=dict)

    @classmethod
    def load(cls, project: Project) -> ProjectSchema:
        """The project's schema, loaded once per project instance (Project.schema)."""
        return project.schema

    @classmethod
    def from_tables(cls, project: Project) -> ProjectSchema:
        """One query per schema table, whatever the schema's size."""
        entity_types = {t.key: t for t in project.entity_types.all()}
        attributes = list(project.attribute_types.prefetch_related("event_types"))
        events = {}
        for event_type in project.event_types.prefetch_related("roles__allowed_types"):
            roles = {
                r.key: RoleSchema(r, r.key, frozenset(t.key for t in r.allowed_types.all()), r.min_count, r.max_count)
                for r in event_type.roles.all()
            }
            applicable = {
                a.key: a for a in attributes
                if not a.event_types.all() or any(e.pk == event_type.pk for e in a.event_types.all())
            }
            events[event_type.key] = EventSchema(event_type, event_type.key, roles, applicable)
        relations = {
            r.key: RelationSchema(
                r, r.key, frozenset(t.key for t in r.source_types.all()), frozenset(t.key for t in r.target_types.all())
            )
            for r in project.relation_types.prefetch_related("source_types", "target_types")
        }
        return cls(entity_types, events, relations, {a.key: a for a in attributes})

    # --- names in the reader's language (pages show these; data keeps the keys) ----

    def entity_label(self, key: str) -> str:
        entity = self.entity_types.get(key)
        return (entity.label if entity else "") or key

    def event_label(self, key: str) -> str:
        event = self.event_types.get(key)
        return (event.model.label if event else "") or key

    def role_label(self, event_key: str, role_key: str) -> str:
        event = self.event_types.get(event_key)
        role = event.roles.get(role_key) if event else None
        return (role.model.label if role else "") or role_key

    def relation_label(self, key: str) -> str:
        relation = self.relation_types.get(key)
        return (relation.model.label if relation else "") or key

    def attribute_label(self, key: str) -> str:
        attribute = self.attributes.get(key)
        return (attribute.label if attribute else "") or key

    def attribute_value_label(self, key: str, value) -> str:
        """An enumeration's value by its name; yes/no for a flag; text as it is."""
        attribute = self.attributes.get(key)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if attribute is not None and attribute.kind == AttributeType.Kind.ENUM:
            names = {choice["key"]: localised_name(choice) for choice in attribute.values}
            return names.get(value, str(value))
        return str(value)

    # --- rules -------------------------------------------------------------------

    # Refusals name types, roles and values as the reader knows them (entity_label…);
    # a key the schema does not know is quoted as it was given.

    def event(self, key: str) -> EventSchema:
        if key not in self.event_types:
            raise SchemaError(_("Unknown event type «%(key)s» in this project.") % {"key": key}, "event_type")
        return self.event_types[key]

    def role(self, event_key: str, role_key: str) -> RoleSchema:
        event = self.event(event_key)
        if role_key not in event.roles:
            raise SchemaError(
                _("%(event)s has no role «%(role)s» (its roles: %(roles)s).")
                % {"event": self.event_label(event_key), "role": role_key,
                   "roles": _listed(self.role_label(event_key, r) for r in event.roles)},
                "role",
            )
        return event.roles[role_key]

    def check_argument(self, event_key: str, role_key: str, entity_key: str, already: int) -> RoleSchema:
        """Refuse an argument the schema does not allow; `already` counts the role's
        current fillers."""
        role = self.role(event_key, role_key)
        if entity_key not in role.allowed:
            raise SchemaError(
                _("A %(type)s cannot be the %(role)s of a %(event)s event (allowed: %(allowed)s).")
                % {"type": self.entity_label(entity_key), "role": self.role_label(event_key, role_key),
                   "event": self.event_label(event_key),
                   "allowed": _listed(self.entity_label(key) for key in sorted(role.allowed))},
                "role",
            )
        if role.max_count is not None and already >= role.max_count:
            raise SchemaError(
                _("%(event)s takes at most %(max)s %(role)s; remove one first.")
                % {"event": self.event_label(event_key), "max": role.max_count,
                   "role": self.role_label(event_key, role_key)},
                "role",
            )
        return role

    def missing_roles(self, event_key: str, counts: dict[str, int]) -> list[tuple[str, int]]:
        """Required roles with too few fillers: [(role key, minimum)]."""
        event = self.event(event_key)
        return [(r.key, r.min_count) for r in event.roles.values() if counts.get(r.key, 0) < r.min_count]

    def check_attribute(self, event_key: str, key: str, value) -> object:
        """The value to store for an attribute, or SchemaError."""
        attributes = self.event(event_key).attributes
        if key not in attributes:
            raise SchemaError(
                _("%(event)s events have no attribute «%(key)s».") % {"event": self.event_label(event_key), "key": key},
                "attributes",
            )
        attribute = attributes[key]
        if attribute.kind == AttributeType.Kind.ENUM:
            allowed = [v["key"] for v in attribute.values]
            if value not in allowed:
                raise SchemaError(
                    _("«%(value)s» is not a value of %(key)s (allowed: %(allowed)s).")
                    % {"value": value, "key": self.attribute_label(key),
                       "allowed": _listed(self.attribute_value_label(key, v) for v in allowed)},
                    "attributes",
                )
            return value
        if attribute.kind == AttributeType.Kind.BOOL:
            if not isinstance(value, bool):
                raise SchemaError(_("%(key)s takes true or false.") % {"key": self.attribute_label(key)}, "attributes")
            return value
        if not isinstance(value, str):
            raise SchemaError(_("%(key)s takes text.") % {"key": self.attribute_label(key)}, "attributes")
        return value

    def default_attributes(self, event_key: str) -> dict:
        return {a.key: a.default for a in self.event(event_key).attributes.values() if a.default != ""}

    def check_relation(self, relation_key: str, source_key: str, target_key: str) -> RelationSchema:
        if relation_key not in self.relation_types:
            raise SchemaError(_("Unknown relation type «%(key)s» in this project.") % {"key": relation_key},
                              "relation_type")
        relation = self.relation_types[relation_key]
        if source_key not in relation.sources or target_key not in relation.targets:
            raise SchemaError(
                _("%(relation)s links %(sources)s to %(targets)s, not %(source)s to %(target)s.")
                % {
                    "relation": self.relation_label(relation_key),
                    "sources": "/".join(self.entity_label(k) for k in sorted(relation.sources)),
                    "targets": "/".join(self.entity_label(k) for k in sorted(relation.targets)),
                    "source": self.entity_label(source_key), "target": self.entity_label(target_key),
                },
                "relation_type",
            )
        return relation


def _listed(names) -> str:
    """Names in a list, with the Arabic comma in Arabic."""
    return ("، " if in_arabic() else ", ").join(names)


class SchemaError(ValueError):
    """What the schema does not allow, with the field at fault."""

    def __init__(self, message: str, field: str = ""):
        self.message, self.field = message, field
        super().__init__(message)
