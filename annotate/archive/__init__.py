"""Project archives: a whole project (schema, guidelines, settings, members, documents,
every set with its annotations, suggestions and decisions, the knowledge base and event
clusters, assignments, adjudication decisions, trained tagger models) in one zip, to back
up, move to another site, or restore under another slug.

The zip holds `manifest.json`, `project.json` and one JSON Lines member per kind of row
(MEMBERS, in the order an import needs them), plus `tagger_models/<id>.bin`. Rows name
each other by their ids in the archive (the source database's ids) and name schema items,
users and roles by key or username, so an archive is readable without Tawsim.

Modules
    writing   the export, streamed into the zip member by member (export_project)
    jobs      both directions as background jobs with progress
The import writes, so it lives with the other writers: annotate.services.archive.
"""
from __future__ import annotations

FORMAT = "tawsim-project-archive"
VERSION = 1
CHUNK = 2000

# member -> what it holds; the import reads them in this order.
MEMBERS = (
    "users.jsonl",
    "members.jsonl",
    "documents.jsonl",
    "kb_entities.jsonl",
    "clusters.jsonl",
    "suggestions.jsonl",
    "sets.jsonl",
    "spans.jsonl",
    "events.jsonl",
    "arguments.jsonl",
    "relations.jsonl",
    "suggestion_decisions.jsonl",
    "assignments.jsonl",
    "adjudication_decisions.jsonl",
    "tagger_models.jsonl",
)


# Settings an archive leaves out: the bootstrap corpus's path (annotate.pretagging.
# bootstrap_corpus.KEY) names a file on this server; a file on another server, or any
# file an archive names, is never read.
SERVER_ONLY_SETTINGS = ("crf_bootstrap",)


def portable_settings(settings: dict | None) -> dict:
    """A project's settings as an archive carries them."""
    return {key: value for key, value in (settings or {}).items() if key not in SERVER_ONLY_SETTINGS}
