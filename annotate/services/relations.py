"""Typed relations between two entity spans of one set."""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from annotate.models import AnnotationSet, Relation, Span
from annotate.services.base import Invalid, bump_version, ensure_editable, from_schema, recorded
from corpus.schema import ProjectSchema


def create_relation(
    annotation_set: AnnotationSet, user, *, relation_type: str, source: Span, target: Span, version: int | None
) -> Relation:
    with recorded(user, "create_relation", annotation_set):
        ensure_editable(annotation_set)
        bump_version(annotation_set, version)
        return add_relation(annotation_set, relation_type=relation_type, source=source, target=target)


def add_relation(annotation_set: AnnotationSet, *, relation_type: str, source: Span, target: Span) -> Relation:
    """Validate and insert a relation inside the caller's recorded transaction (the
    caller bumps the version): adjudication writes gold under its own action's name."""
    if source.set_id != annotation_set.pk or target.set_id != annotation_set.pk:
        raise Invalid(_("A relation links two spans of the same annotation set."), "source")
    if source.pk == target.pk:
        raise Invalid(_("A relation links two different spans."), "target")
    with from_schema():
        relation = ProjectSchema.load(annotation_set.document.project).check_relation(
            relation_type, source.entity_type.key, target.entity_type.key
        )
    try:
        with transaction.atomic():
            return Relation.objects.create(set=annotation_set, relation_type=relation.model,
                                           source=source, target=target)
    except IntegrityError:
        raise Invalid(_("These two spans are already linked by %(type)s.") % {"type": relation_type},
                      "target") from None


def delete_relation(relation: Relation, user, *, version: int | None) -> None:
    annotation_set = relation.set
    with recorded(user, "delete_relation", annotation_set):
        ensure_editable(annotation_set)
        bump_version(annotation_set, version)
        relation.delete()
