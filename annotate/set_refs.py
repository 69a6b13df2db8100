"""How the editor's URLs name a set: by its id, or, before the visitor's own set exists,
as "mine-<document id>" (the set the first write creates; annotate.access.get_set_for).

Opening the editor writes nothing: a reviewer or annotator without a set sees an empty,
unsaved one, and its page posts to `sets/mine-<document id>/...`. Those URLs keep
working once the set exists, so the page needs no reload after its first write."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OwnSetOf:
    """The requesting user's own annotator set of a document, whether or not it exists yet."""

    document_id: int


class SetRefConverter:
    regex = r"[0-9]+|mine-[0-9]+"
    PREFIX = "mine-"

    def to_python(self, value: str) -> int | OwnSetOf:
        if value.startswith(self.PREFIX):
            return OwnSetOf(int(value.removeprefix(self.PREFIX)))
        return int(value)

    def to_url(self, value) -> str:
        if isinstance(value, OwnSetOf):
            return f"{self.PREFIX}{value.document_id}"
        return str(int(value))


def set_ref(annotation_set) -> int | OwnSetOf:
    """What the editor's URLs call this set: its id, or OwnSetOf while it is not saved."""
    if annotation_set.pk is None:
        return OwnSetOf(annotation_set.document_id)
    return annotation_set.pk
