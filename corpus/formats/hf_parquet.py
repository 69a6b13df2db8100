"""Hugging Face datasets as Parquet: the rows, features and card of `hf`, with the data
in `data/<split>.parquet` instead of JSONL. Load it with

    datasets.load_dataset("parquet", data_files={"train": "data/train.parquet", ...})

The file is written one row group per ROWS_PER_GROUP documents, each handed on as soon
as it is written, so memory stays flat whatever the export's size. Write-only: to bring
a dataset back, export and import the JSONL variant (`hf`).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from corpus.formats import hf
from corpus.formats._zipstream import stream_zip
from corpus.formats.base import DocumentRecord, WriteOptions

EXTENSIONS = ()
EXTENSION = ".zip"
MEDIA_TYPE = "application/zip"
WRITE_ONLY = True
ROWS_PER_GROUP = 1000


def arrow_schema():
    """hf.features as an Arrow schema (ner_tags are the label ids)."""
    import pyarrow as pa  # imported on use: the serving process does not need it otherwise

    offsets = [("start", pa.int32()), ("end", pa.int32())]
    return pa.schema([
        ("id", pa.string()),
        ("text", pa.string()),
        ("tokens", pa.list_(pa.string())),
        ("ner_tags", pa.list_(pa.int64())),
        ("entities", pa.list_(pa.struct([*offsets, ("label", pa.string()), ("text", pa.string())]))),
        ("events", pa.list_(pa.struct([
            ("type", pa.string()), ("trigger_start", pa.int32()), ("trigger_end", pa.int32()),
            ("arguments", pa.list_(pa.struct([("role", pa.string()), ("entity", pa.int32())]))),
        ]))),
        ("relations", pa.list_(pa.struct([("type", pa.string()), ("source", pa.int32()), ("target", pa.int32())]))),
    ])


class _Chunks:
    """A write-only file for pyarrow that keeps what was written until it is drained."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0
        self.closed = False

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def writable(self) -> bool:
        return True

    def drain(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data


def parquet_member(rows: Iterable[dict]) -> Iterator[bytes]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema, out, rows = arrow_schema(), _Chunks(), iter(rows)
    writer = pq.ParquetWriter(out, schema, compression="zstd")
    try:
        while batch := list(islice(rows, ROWS_PER_GROUP)):
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            yield out.drain()
    finally:
        writer.close()
    yield out.drain()


def members(parts: list[tuple[str, Iterable[DocumentRecord]]], options: WriteOptions):
    return hf.members(parts, options, encode=parquet_member, suffix=".parquet")


def write(records: Iterable[DocumentRecord], options: WriteOptions = WriteOptions()) -> Iterator[bytes]:
    yield from stream_zip(members([("", records)], options))
