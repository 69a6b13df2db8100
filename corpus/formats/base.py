"""Plain dataclasses that every format reader yields and every writer takes.

No ORM here: readers and writers are pure, so they are fast to test and can run
anywhere. Offsets are Unicode code-point indices into `text`, in logical order.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class FormatError(ValueError):
    """Bad input, located: which file, which line (or item), which field, and why."""

    def __init__(self, reason: str, *, file: str = "", line: int | None = None, field: str = ""):
        self.reason, self.file, self.line, self.field = reason, file, line, field
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.file or "input"
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field «{self.field}»"
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class SpanRecord:
    type: str
    start: int
    end: int
    id: str = ""
    kb_id: str = ""
    # Machine suggestions only: which tagger proposed it, and how sure it was.
    tagger: str = ""
    score: float | None = None
    # The knowledge-base entry's name and entity type: what finds (or creates) the entry
    # when the file is imported into another project, where kb_id means nothing.
    kb_name: str = ""
    kb_type: str = ""


@dataclass(slots=True)
class ArgumentRecord:
    role: str
    entity_id: str


@dataclass(slots=True)
class EventRecord:
    type: str
    trigger_start: int
    trigger_end: int
    arguments: list[ArgumentRecord] = field(default_factory=list)
    attributes: dict = field(default_factory=dict)
    id: str = ""
    cluster: str = ""
    tagger: str = ""
    score: float | None = None
    cluster_name: str = ""  # finds (or creates) the cluster in another project


@dataclass(slots=True)
class RelationRecord:
    type: str
    source: str
    target: str
    id: str = ""


@dataclass
class DocumentRecord:
    """One document as read from a file; `source` says where (file and line) for errors."""

    text: str
    external_id: str = ""
    title: str = ""
    meta: dict = field(default_factory=dict)
    source: str = ""
    line: int | None = None
    entities: list[SpanRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    # Exports: the Tawsim document id, whose set this is (annotator username, empty for
    # gold) and the set's status. Readers fill what their format carries.
    document_id: int | None = None
    annotator: str = ""
    status: str = ""
    # Problems a reader met but could recover from (e.g. UTF-16 offsets converted).
    warnings: list[str] = field(default_factory=list)
    # The text was rebuilt from tokens (CoNLL): its spacing is the reader's, so the
    # importer attaches it to a document of the project with the same words if one exists.
    tokenised: bool = False

    @property
    def has_annotations(self) -> bool:
        return bool(self.entities or self.events or self.relations)


# The name used in exports and readers for the document-as-annotated.
AnnotatedDoc = DocumentRecord


@dataclass
class WriteOptions:
    """What a writer is told: whether to include meta, and where to report spans it
    could not represent (they are listed, never dropped silently)."""

    with_meta: bool = True
    warnings: list[str] = field(default_factory=list)
    # Schema labels for formats that declare them (brat's annotation.conf, HF's card).
    entity_types: list[str] = field(default_factory=list)
    # event type -> role -> (allowed entity types, min count, max count or None)
    event_roles: dict[str, dict[str, tuple[list[str], int, int | None]]] = field(default_factory=dict)
    # relation type -> (source types, target types)
    relation_types: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    # attribute -> (event types it applies to, empty for all; enumeration values, empty if free)
    attributes: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    project: str = ""
