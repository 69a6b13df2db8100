"""Datasets in and out: a project's annotations to and from the files of corpus.formats.

Modules
    importing   imports with annotations: AnnotationSink (validates against the schema,
                writes through annotate.services.bulk), sinks, parse_target, parse_map
    exporting   streamed exports in every format: ExportOptions, records, export,
                export_to_path, the split, and the export as a background job
    rows        the rows of an export, chunk by chunk, read with plain SQL
    native      the fast writer of the native format (Tawsim JSONL) straight from rows,
                held to the lines of corpus.formats.tawsim_jsonl by the tests

The canonical order and ids of an exported document (T1…, E1…, R1…) are defined once,
in corpus.formats.canonical. The public names are re-exported here: callers write
`from annotate import dataset` and `dataset.export(...)`.
"""
from __future__ import annotations

from annotate.dataset.exporting import (
    ExportOptions,
    check_options,
    export,
    export_folder,
    export_job,
    export_to_path,
    file_name,
    may_lose,
    media_type,
    nothing_to_export,
    records,
    split_of,
    write_options,
)
from annotate.dataset.importing import AnnotationSink, parse_map, parse_target, sinks

__all__ = [
    "AnnotationSink",
    "ExportOptions",
    "check_options",
    "export",
    "export_folder",
    "export_job",
    "export_to_path",
    "file_name",
    "may_lose",
    "media_type",
    "nothing_to_export",
    "parse_map",
    "parse_target",
    "records",
    "sinks",
    "split_of",
    "write_options",
]
