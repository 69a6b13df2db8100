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


@dataclass
class SpanRecord:
    type: str
    start: int
    end: int
    id: str = ""
    kb_id: str = ""


@dataclass
class ArgumentRecord:
    role: str
    entity_id: str


@dataclass
class EventRecord:
    type: str
    trigger_start: int
    trigger_end: int
    arguments: list[ArgumentRecord] = field(default_factory=list)
    attributes: dict = field(default_factory=dict)
    id: str = ""
    cluster: str = ""


@dataclass
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
