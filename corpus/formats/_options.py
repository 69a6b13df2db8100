"""What a reader may be told: which CSV columns to use, and the limits that keep bad
input from exhausting the server. Plain data: callers build it from settings."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadOptions:
    text_column: str = "text"
    id_column: str = "id"
    title_column: str = "title"
    max_document_chars: int = 1_000_000
    max_zip_entries: int = 50_000
    # Sum of the uncompressed sizes a zip declares: a zip bomb is refused before
    # anything is decompressed.
    max_unzipped_bytes: int = 1024 * 1024 * 1024

    @property
    def max_document_bytes(self) -> int:
        """UTF-8 spends at most 4 bytes per character (plus a 3-byte BOM)."""
        return self.max_document_chars * 4 + 3

    @property
    def max_line_bytes(self) -> int:
        """A JSONL line may escape each character as \\uXXXX (6 bytes) and carry meta."""
        return self.max_document_chars * 6 + 1024 * 1024
