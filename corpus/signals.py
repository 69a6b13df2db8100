"""Signals the corpus sends for the layers above it (corpus never imports annotate).

documents_imported
    Sent after a file's documents are committed, with `project` and `document_ids`
    (the new documents' ids). annotate.pretagging listens to pre-tag them when the
    project's `pretag_on_import` setting is on.
"""
from django.dispatch import Signal

documents_imported = Signal()
