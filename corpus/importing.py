"""Storing imported documents: normalise, de-duplicate by SHA-256, bulk insert.

(First cut; the import pipeline with per-file reports is being filled in.)
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Iterable

from django.db import transaction
from django.db.models import Max

from corpus.formats.base import DocumentRecord
from corpus.models import Document, Project


@dataclass
class AddResult:
    imported: int = 0
    duplicates: int = 0
    documents: list[Document] = field(default_factory=list)


def normalise_text(text: str) -> str:
    """What is stored, and what offsets refer to forever: LF line ends, no BOM."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def add_documents(project: Project, records: Iterable[DocumentRecord]) -> AddResult:
    result = AddResult()
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        order = (project.documents.aggregate(m=Max("order"))["m"] or 0)
        seen = set(project.documents.values_list("sha256", flat=True))
        batch = []
        for record in records:
            text = normalise_text(record.text)
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if digest in seen:
                result.duplicates += 1
                continue
            seen.add(digest)
            order += 1
            batch.append(
                Document(project=project, external_id=record.external_id or f"doc-{order}", title=record.title,
                         text=text, meta=record.meta, sha256=digest, order=order)
            )
        result.documents = Document.objects.bulk_create(batch, batch_size=1000)
        result.imported = len(batch)
    return result
