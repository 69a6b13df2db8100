"""What gets annotated: projects, their schema (as data), members and documents."""
from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import MD5
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from corpus.schema import ProjectSchema

from corpus.listing import TITLE_VECTOR
from corpus.text.skeleton import SKIPPED

COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"
KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
COLOUR = RegexValidator(COLOUR_PATTERN, "A colour is written #rrggbb.")
# A type without a colour of its own: white labels on it are readable (5.33:1, corpus.colour).
DEFAULT_COLOUR = "#6b6b6b"
KEY = RegexValidator(KEY_PATTERN, "A key is Latin letters, digits, _ or -.")


def valid_key_and_colour(model: str, *, colour: bool = True) -> list[models.CheckConstraint]:
    """The validators, enforced by the database too: a key or colour written by any path
    (bulk_create from an imported file included) must be one the forms would accept,
    since keys are written verbatim into line-based export formats."""
    checks = [models.CheckConstraint(condition=Q(key__regex=KEY_PATTERN), name=f"{model}_key_valid",
                                     violation_error_message=KEY.message)]
    if colour:
        checks.append(models.CheckConstraint(condition=Q(colour__regex=COLOUR_PATTERN), name=f"{model}_colour_valid",
                                             violation_error_message=COLOUR.message))
    return checks


def in_arabic() -> bool:
    """Whether the active interface language is Arabic (the default)."""
    return (get_language() or "ar").startswith("ar")


def localised_name(item: dict) -> str:
    """The name of a schema entry given as data (an attribute's value) in the active
    language, or its key when it has no name."""
    return item.get("name_ar" if in_arabic() else "name_en") or item.get("key", "")


class Project(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=False)
    language = models.CharField(max_length=10, default="ar")
    direction = models.CharField(
        max_length=3, default="rtl", choices=[("rtl", "right to left"), ("ltr", "left to right")]
    )
    description = models.TextField(blank=True)
    guidelines = models.TextField(blank=True, help_text="Markdown")
    # Workflow options added by later features (annotators per document, blind mode,
    # pre-tagging on import, label mappings) live here as data, not as new columns.
    settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Archived: read-only and hidden from lists until an admin restores it
    # (corpus.projects.ensure_writable is where writes look at it).
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    # Loaded once per instance: a request, an import or a job holds one Project.
    @cached_property
    def schema(self) -> ProjectSchema:
        """The schema as plain objects with its rules (corpus.schema)."""
        from corpus.schema import ProjectSchema  # corpus.schema is built on these models

        return ProjectSchema.from_tables(self)

    @cached_property
    def entity_type_list(self) -> list[EntityType]:
        """The entity types alone, in order: one query."""
        return list(self.entity_types.all())

    @cached_property
    def member_roles(self) -> dict[int, str | None]:
        """Roles already looked up on this instance, by user id (see corpus.access.role_in)."""
        return {}

    def forget_schema(self) -> None:
        """Drop the loaded schema after its tables changed (an import added entity types)."""
        for name in ("schema", "entity_type_list"):
            self.__dict__.pop(name, None)


class Role(models.TextChoices):
    ADMIN = "admin", _("admin")
    REVIEWER = "reviewer", _("reviewer")
    ANNOTATOR = "annotator", _("annotator")


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="one_role_per_member")]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} — {self.project}"


class SchemaItem(models.Model):
    """Shared fields of every schema entry: a stable key and bilingual names."""

    key = models.CharField(max_length=50, validators=[KEY])
    name_ar = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.key

    @property
    def label(self) -> str:
        """The name in the active interface language."""
        return self.name_ar if in_arabic() else self.name_en


class EntityType(SchemaItem):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="entity_types")
    colour = models.CharField(max_length=7, validators=[COLOUR], default=DEFAULT_COLOUR)
    shortcut = models.CharField(max_length=1, blank=True)
    description = models.TextField(blank=True)
    # Whether its mentions link to knowledge-base entries: names do, dates do not.
    kb_linkable = models.BooleanField(default=True)

    class Meta(SchemaItem.Meta):
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="entity_type_key_unique"),
            models.UniqueConstraint(
                fields=["project", "shortcut"], condition=~Q(shortcut=""), name="entity_type_shortcut_unique"
            ),
            *valid_key_and_colour("entity_type"),
        ]


class EventType(SchemaItem):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="event_types")
    colour = models.CharField(max_length=7, validators=[COLOUR], default=DEFAULT_COLOUR)
    shortcut = models.CharField(max_length=1, blank=True)
    description = models.TextField(blank=True)
    # Trigger lexicon (words that express this event), editable, used by pre-tagging.
    triggers = models.JSONField(default=list, blank=True)

    class Meta(SchemaItem.Meta):
        constraints = [models.UniqueConstraint(fields=["project", "key"], name="event_type_key_unique"),
                       *valid_key_and_colour("event_type")]


class RoleType(SchemaItem):
    event_type = models.ForeignKey(EventType, on_delete=models.CASCADE, related_name="roles")
    allowed_types = models.ManyToManyField(EntityType, related_name="+")
    min_count = models.PositiveSmallIntegerField(default=0)
    max_count = models.PositiveSmallIntegerField(null=True, blank=True, help_text="empty: no limit")

    class Meta(SchemaItem.Meta):
        constraints = [
            models.UniqueConstraint(fields=["event_type", "key"], name="role_key_unique"),
            models.CheckConstraint(
                condition=Q(max_count__isnull=True) | Q(max_count__gte=F("min_count")),
                name="role_max_not_below_min",
            ),
            *valid_key_and_colour("role_type", colour=False),
        ]


class RelationType(SchemaItem):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="relation_types")
    source_types = models.ManyToManyField(EntityType, related_name="+")
    target_types = models.ManyToManyField(EntityType, related_name="+")
    colour = models.CharField(max_length=7, validators=[COLOUR], default="#666666")

    class Meta(SchemaItem.Meta):
        constraints = [models.UniqueConstraint(fields=["project", "key"], name="relation_type_key_unique"),
                       *valid_key_and_colour("relation_type")]


class AttributeType(SchemaItem):
    """An event attribute. `values` lists the choices of an enumeration:
    [{"key": "ASSERTED", "name_ar": "مؤكد", "name_en": "asserted", "shortcut": "1"}, ...]."""

    class Kind(models.TextChoices):
        ENUM = "enum"
        BOOL = "bool"
        TEXT = "text"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attribute_types")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ENUM)
    values = models.JSONField(default=list, blank=True)
    default = models.CharField(max_length=50, blank=True)
    # Empty: the attribute applies to every event type.
    event_types = models.ManyToManyField(EventType, blank=True, related_name="attribute_types")

    class Meta(SchemaItem.Meta):
        constraints = [models.UniqueConstraint(fields=["project", "key"], name="attribute_type_key_unique")]


class Document(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    external_id = models.CharField(max_length=255)
    title = models.CharField(max_length=500, blank=True)
    # Stored once, as imported: every offset in the project points into it.
    text = models.TextField()
    meta = models.JSONField(default=dict, blank=True)
    sha256 = models.CharField(max_length=64)
    # The MD5 of the text without white space (corpus.text.skeleton): finds the document
    # a token file (CoNLL) annotates, whose text was rebuilt with other spacing.
    words_md5 = models.GeneratedField(
        expression=MD5(Func(F("text"), Value(SKIPPED), Value(""), function="translate")),
        output_field=models.CharField(max_length=32),
        db_persist=True,
    )
    order = models.PositiveIntegerField(help_text="import order within the project")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "sha256"], name="document_text_unique_per_project"),
            models.UniqueConstraint(fields=["project", "order"], name="document_order_unique"),
            models.CheckConstraint(condition=~Q(text=""), name="document_text_not_empty"),
        ]
        indexes = [
            models.Index(fields=["project", "external_id"]),
            models.Index(fields=["project", "words_md5"], name="document_words"),
            # Title search by words (corpus.listing.search), whatever the project's size.
            GinIndex(TITLE_VECTOR, name="document_title_words"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="document_text_immutable",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("text"),
            )
        ]

    def __str__(self) -> str:
        return self.title or self.external_id
