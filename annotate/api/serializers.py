"""What the REST API reads and writes. Output serializers are read-only views of the
models; input serializers only parse and type-check a request: the rules (offsets,
snapping, schema, versions) are applied by annotate.services."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotate.models import AnnotationSet, Argument, Event, Relation, SetKind, Span
from corpus.formats import FORMATS
from corpus.models import AttributeType, Document, EntityType, EventType, Project, RelationType, Role, RoleType

CODE_POINTS = "Unicode code points (Python str indices, PostgreSQL char_length), not UTF-16 units or bytes"
VERSION_HELP = (
    "The annotation set's version your change is based on (from the set or the last write's response). "
    "A stale version is refused with 409 and nothing is changed."
)


def _keys(**kwargs) -> serializers.SlugRelatedField:
    """Schema references written as type keys rather than database ids."""
    return serializers.SlugRelatedField(slug_field="key", many=True, read_only=True, **kwargs)


# --- projects and their schema ------------------------------------------------------

class EntityTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = EntityType
        fields = ["key", "name_ar", "name_en", "colour", "shortcut", "description", "kb_linkable"]


class RoleTypeSerializer(serializers.ModelSerializer):
    allowed_types = _keys(help_text="Entity type keys that may fill this role.")

    class Meta:
        model = RoleType
        fields = ["key", "name_ar", "name_en", "allowed_types", "min_count", "max_count"]


class EventTypeSerializer(serializers.ModelSerializer):
    roles = RoleTypeSerializer(many=True, read_only=True)

    class Meta:
        model = EventType
        fields = ["key", "name_ar", "name_en", "colour", "shortcut", "description", "triggers", "roles"]


class RelationTypeSerializer(serializers.ModelSerializer):
    source_types = _keys(help_text="Entity type keys allowed as the source.")
    target_types = _keys(help_text="Entity type keys allowed as the target.")

    class Meta:
        model = RelationType
        fields = ["key", "name_ar", "name_en", "colour", "source_types", "target_types"]


class AttributeTypeSerializer(serializers.ModelSerializer):
    # A plain string in the OpenAPI schema: an enum named "kind" would collide with the
    # annotation set's kind (settings.SPECTACULAR_SETTINGS has no ENUM_NAME_OVERRIDES).
    kind = serializers.CharField(read_only=True, help_text="enum (one of `values`), bool or text.")
    event_types = _keys(help_text="Event type keys this attribute applies to; empty: every event type.")

    class Meta:
        model = AttributeType
        fields = ["key", "name_ar", "name_en", "kind", "values", "default", "event_types"]


class SchemaSerializer(serializers.Serializer):
    entity_types = EntityTypeSerializer(many=True, read_only=True)
    event_types = EventTypeSerializer(many=True, read_only=True)
    relation_types = RelationTypeSerializer(many=True, read_only=True)
    attribute_types = AttributeTypeSerializer(many=True, read_only=True)


class ProjectSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(
        choices=Role.choices, read_only=True, help_text="Your role in this project."
    )

    class Meta:
        model = Project
        fields = ["slug", "name", "language", "direction", "role"]


class ProjectDetailSerializer(ProjectSerializer):
    schema = SchemaSerializer(source="*", read_only=True)
    archived = serializers.BooleanField(source="is_archived", read_only=True, help_text="Archived: read-only.")

    class Meta(ProjectSerializer.Meta):
        fields = ProjectSerializer.Meta.fields + ["description", "guidelines", "archived", "schema"]


# --- documents ----------------------------------------------------------------------

class DocumentSerializer(serializers.ModelSerializer):
    """A document without its text (lists stay small); `length` says how long it is."""

    length = serializers.IntegerField(read_only=True, help_text=f"Length of the text in {CODE_POINTS}.")

    class Meta:
        model = Document
        fields = ["id", "external_id", "title", "meta", "order", "length", "created_at"]


class DocumentDetailSerializer(DocumentSerializer):
    text = serializers.CharField(
        read_only=True, help_text=f"The text as imported; it never changes. Offsets count {CODE_POINTS}."
    )

    class Meta(DocumentSerializer.Meta):
        fields = DocumentSerializer.Meta.fields + ["text"]


class ImportRequestSerializer(serializers.Serializer):
    files = serializers.ListField(
        # An empty file reaches the importer, whose refusal names the file, not "files.0".
        child=serializers.FileField(allow_empty_file=True), allow_empty=False,
        help_text="One or more files (.txt, .zip, .jsonl, .csv); each is imported on its own.",
    )
    format = serializers.ChoiceField(
        choices=list(FORMATS), required=False, allow_blank=True, default="",
        help_text="Read every file as this format; empty: guessed from each file's extension.",
    )
    text_column = serializers.CharField(
        required=False, default="text", help_text="CSV: the column holding the text; other columns go to meta."
    )


# Read from corpus.importing's ImportReport and FileReport.
class ImportFileResultSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The uploaded file's name.")
    failed = serializers.BooleanField(help_text="True if the file was refused: nothing from it was stored.")
    imported = serializers.IntegerField()
    duplicates = serializers.IntegerField(help_text="Documents skipped because the project already has the same text.")
    errors = serializers.ListField(child=serializers.CharField(),
                                   help_text="Why the file failed: file, line, field, reason.")


class ImportReportSerializer(serializers.Serializer):
    imported = serializers.IntegerField(help_text="Documents stored, over all files.")
    duplicates = serializers.IntegerField(help_text="Documents skipped, over all files.")
    failed = serializers.IntegerField(help_text="Number of files refused.")
    files = ImportFileResultSerializer(many=True)


# --- annotation sets and spans -------------------------------------------------------

class SpanSerializer(serializers.ModelSerializer):
    entity_type = serializers.SlugRelatedField(slug_field="key", read_only=True, help_text="Entity type key.")
    start = serializers.IntegerField(read_only=True, help_text=f"First character, in {CODE_POINTS}.")
    end = serializers.IntegerField(read_only=True, help_text=f"One past the last character, in {CODE_POINTS}.")
    text = serializers.CharField(read_only=True, help_text="The covered text: document.text[start:end].")

    class Meta:
        model = Span
        fields = ["id", "set", "entity_type", "start", "end", "text", "origin"]


class SpanWithVersionSerializer(SpanSerializer):
    version = serializers.IntegerField(
        source="set.version", read_only=True, help_text="The set's version now: send it with your next change."
    )

    class Meta(SpanSerializer.Meta):
        fields = SpanSerializer.Meta.fields + ["version"]


class AnnotationSetSerializer(serializers.ModelSerializer):
    document = serializers.PrimaryKeyRelatedField(read_only=True)
    owner = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="The annotator; null for the gold set."
    )
    version = serializers.IntegerField(read_only=True, help_text="Send it with every change to this set.")

    class Meta:
        model = AnnotationSet
        fields = ["id", "document", "kind", "owner", "status", "version", "updated_at"]


class AnnotationSetDetailSerializer(AnnotationSetSerializer):
    spans = SpanSerializer(many=True, read_only=True)

    class Meta(AnnotationSetSerializer.Meta):
        fields = AnnotationSetSerializer.Meta.fields + ["spans"]


class OwnSetRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=SetKind.choices, default=SetKind.ANNOTATOR,
        help_text="annotator: your own set; gold: the document's gold set (reviewers and admins).",
    )


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, help_text=VERSION_HELP)


class SubmitSerializer(VersionSerializer):
    undecided = serializers.ChoiceField(
        choices=["keep", "reject"], required=False, default="", allow_blank=True,
        help_text="What becomes of the suggestions offered to you that are still undecided: `keep` leaves "
                  "them undecided, `reject` rejects them in the same change as the submit. Without it, a set "
                  "with undecided suggestions is not submitted: the answer is a 422 with their count.",
    )


class VersionResultSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The set's version now.")


class SpanCreateSerializer(VersionSerializer):
    entity_type = serializers.CharField(help_text="Entity type key from the project's schema, e.g. PER.")
    start = serializers.IntegerField(min_value=0, help_text=f"First character, in {CODE_POINTS}.")
    end = serializers.IntegerField(min_value=1, help_text=f"One past the last character, in {CODE_POINTS}.")
    snap = serializers.BooleanField(
        default=True,
        help_text=(
            "Snap outward to token boundaries (keeping a glued proclitic such as و or ب outside), as the editor does."
        ),
    )

    def validate(self, data: dict) -> dict:
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": _("end must be greater than start.")})
        return data


class SpanUpdateSerializer(VersionSerializer):
    entity_type = serializers.CharField(help_text="The new entity type key.")

    # Both fields are required even in a PATCH: without this, drf-spectacular documents a
    # PATCH body as partial (every field optional).
    partial = property(lambda self: False, lambda self, value: None)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    field = serializers.CharField(allow_null=True, help_text="The request field at fault, if any.")


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text="The set's current version: reload, then redo the change.")


class UndecidedSerializer(ErrorSerializer):
    undecided = serializers.IntegerField(help_text="How many suggestions are still undecided.")


# --- events, arguments and relations ----------------------------------------------------

class ArgumentSerializer(serializers.ModelSerializer):
    role = serializers.SlugRelatedField(slug_field="key", read_only=True, help_text="Role key, e.g. Participant.")
    span = serializers.PrimaryKeyRelatedField(read_only=True, help_text="The id of the entity span filling the role.")
    text = serializers.SerializerMethodField(help_text="The span's text.")

    class Meta:
        model = Argument
        fields = ["id", "event", "role", "span", "text"]

    @extend_schema_field(serializers.CharField())
    def get_text(self, argument: Argument) -> str:
        return argument.event.set.document.text[argument.span.start:argument.span.end]


class EventSerializer(serializers.ModelSerializer):
    event_type = serializers.SlugRelatedField(slug_field="key", read_only=True, help_text="Event type key.")
    trigger_start = serializers.IntegerField(read_only=True, help_text=f"Trigger's first character, in {CODE_POINTS}.")
    trigger_end = serializers.IntegerField(read_only=True,
                                           help_text=f"One past the trigger's last character, in {CODE_POINTS}.")
    trigger_text = serializers.CharField(read_only=True, help_text="document.text[trigger_start:trigger_end].")
    attributes = serializers.DictField(
        read_only=True, help_text="Attribute values by attribute key, e.g. {\"factuality\": \"REPORTED\"}."
    )
    arguments = ArgumentSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = ["id", "set", "event_type", "trigger_start", "trigger_end", "trigger_text", "attributes",
                  "cluster", "arguments", "origin"]


class RelationSerializer(serializers.ModelSerializer):
    relation_type = serializers.SlugRelatedField(slug_field="key", read_only=True, help_text="Relation type key.")
    source = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Source span id.")
    target = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Target span id.")

    class Meta:
        model = Relation
        fields = ["id", "set", "relation_type", "source", "target"]


def _with_version(base):
    """`base` plus the set's version after the write."""
    return type(
        base.__name__.replace("Serializer", "WithVersionSerializer"), (base,),
        {
            "version": serializers.IntegerField(
                source="set.version", read_only=True, help_text="The set's version now: send it with your next change."
            ),
            "Meta": type("Meta", (base.Meta,), {"fields": base.Meta.fields + ["version"]}),
        },
    )


EventWithVersionSerializer = _with_version(EventSerializer)
RelationWithVersionSerializer = _with_version(RelationSerializer)


class ArgumentWithVersionSerializer(ArgumentSerializer):
    version = serializers.IntegerField(
        source="event.set.version", read_only=True, help_text="The set's version now: send it with your next change."
    )

    class Meta(ArgumentSerializer.Meta):
        fields = ArgumentSerializer.Meta.fields + ["version"]


class AnnotationSetFullSerializer(AnnotationSetDetailSerializer):
    """A set with everything in it: spans, events with their arguments, relations."""

    events = EventSerializer(many=True, read_only=True)
    relations = RelationSerializer(many=True, read_only=True)

    class Meta(AnnotationSetDetailSerializer.Meta):
        fields = AnnotationSetDetailSerializer.Meta.fields + ["events", "relations"]


class Required:
    """PATCH bodies documented with their required fields (see SpanUpdateSerializer)."""

    partial = property(lambda self: False, lambda self, value: None)


class EventCreateSerializer(VersionSerializer):
    event_type = serializers.CharField(help_text="Event type key from the project's schema, e.g. MEET.")
    trigger_start = serializers.IntegerField(min_value=0, help_text=f"Trigger's first character, in {CODE_POINTS}.")
    trigger_end = serializers.IntegerField(min_value=1,
                                           help_text=f"One past the trigger's last character, in {CODE_POINTS}.")
    attributes = serializers.DictField(
        required=False, default=dict, help_text="Attribute values by key; the schema's defaults fill the rest."
    )
    snap = serializers.BooleanField(default=True, help_text="Snap the trigger outward to token boundaries.")

    def validate(self, data: dict) -> dict:
        if data["trigger_end"] <= data["trigger_start"]:
            raise serializers.ValidationError({"trigger_end": _("trigger_end must be greater than trigger_start.")})
        return data


class EventUpdateSerializer(Required, VersionSerializer):
    event_type = serializers.CharField(
        required=False, help_text="A new event type key; its roles must accept every current argument."
    )
    attributes = serializers.DictField(required=False, help_text="Attribute values to set, by key; others are kept.")


class AttributesUpdateSerializer(Required, VersionSerializer):
    attributes = serializers.DictField(help_text="Attribute values to set, by key; others are kept.")


class ArgumentCreateSerializer(VersionSerializer):
    role = serializers.CharField(help_text="Role key of the event's type, e.g. Participant.")
    span = serializers.IntegerField(
        required=False, help_text="An existing span of the same set. Or give entity_type, start and end instead."
    )
    entity_type = serializers.CharField(
        required=False,
        help_text="With start and end: mark this text as an entity (or reuse the identical span)"
                  " and fill the role with it.",
    )
    start = serializers.IntegerField(required=False, min_value=0, help_text=f"In {CODE_POINTS}.")
    end = serializers.IntegerField(required=False, min_value=1, help_text=f"In {CODE_POINTS}.")
    snap = serializers.BooleanField(default=True, help_text="Snap the selection to token boundaries.")

    def validate(self, data: dict) -> dict:
        selection = [name for name in ("entity_type", "start", "end") if name in data]
        if "span" in data and selection:
            raise serializers.ValidationError(
                {"span": _("Give either span, or entity_type with start and end; not both.")}
            )
        if "span" not in data:
            missing = [name for name in ("entity_type", "start", "end") if name not in data]
            if missing:
                raise serializers.ValidationError(
                    {missing[0]: _("Give span, or entity_type with start and end (missing: %(fields)s).")
                     % {"fields": ", ".join(missing)}}
                )
            if data["end"] <= data["start"]:
                raise serializers.ValidationError({"end": _("end must be greater than start.")})
        return data


class RelationCreateSerializer(VersionSerializer):
    relation_type = serializers.CharField(help_text="Relation type key, e.g. AFFILIATION.")
    source = serializers.IntegerField(help_text="Source span id (same set).")
    target = serializers.IntegerField(help_text="Target span id (same set).")


class JobTextSerializer(serializers.ModelSerializer):
    """A job's words for the reader: `messages` and the texts in `result` in the request's
    language (Accept-Language), whoever's language the worker had; `message_codes` the same
    messages as stored, {"msgid", "params"[, "plural", "n"]} (a parameter may be such an entry
    itself), or a plain string for a message stored before messages were kept that way."""

    messages = serializers.ListField(child=serializers.CharField(), source="shown_messages", read_only=True)
    message_codes = serializers.JSONField(source="messages", read_only=True)
    result = serializers.JSONField(source="shown_result", read_only=True)
