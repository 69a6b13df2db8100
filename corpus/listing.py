"""Listing a project's documents at any size: keyset pages on the import order (the
unique (project, order) index; no OFFSET, no count(*)), and search by external id or
by the words of the title.

Title search uses PostgreSQL full-text search with the `simple` configuration (words
as written, each a prefix: «الخار» finds «الخارجية»), through a GIN index on the same
expression (corpus.models.Document.Meta.indexes). Substring search would need pg_trgm,
which the embedded server does not ship."""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Q, QuerySet

TITLE_VECTOR = SearchVector("title", config="simple")
_WORD = re.compile(r"\w+")


def search(documents: QuerySet, text: str) -> QuerySet:
    """Documents whose external id is `text`, or whose title holds each of its words
    (each word as a prefix). Empty text: every document."""
    text = (text or "").strip()
    if not text:
        return documents
    query = title_query(text)
    if query is None:
        return documents.filter(external_id=text)
    return documents.annotate(title_vector=TITLE_VECTOR).filter(Q(external_id=text) | Q(title_vector=query))


def title_query(text: str) -> SearchQuery | None:
    """Every word of `text` as a prefix; None without a word. Only word characters reach
    the raw tsquery, so its operators cannot be injected."""
    words = _WORD.findall(text)[:10]
    if not words:
        return None
    return SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config="simple")


@dataclass
class KeysetPage:
    items: list
    next_after: int | None  # the `after` of the next page, None on the last
    previous_before: int | None  # the `before` of the previous page, None on the first


def keyset_page(documents: QuerySet, *, after=None, before=None, size: int = 100) -> KeysetPage:
    """One page of `documents` in import order: those after `order` = after, or the page
    ending just before `order` = before. Reads size + 1 rows through the index, however
    deep the page."""
    after, before = _whole(after), _whole(before)
    if before is not None:
        rows = list(documents.filter(order__lt=before).order_by("-order")[: size + 1])
        items = rows[:size][::-1]
        more_after = bool(items) and documents.filter(order__gt=items[-1].order).exists()
        return KeysetPage(
            items, items[-1].order if more_after else None, items[0].order if len(rows) > size else None
        )
    rows = list((documents if after is None else documents.filter(order__gt=after)).order_by("order")[: size + 1])
    items = rows[:size]
    more_before = after is not None and bool(items) and documents.filter(order__lt=items[0].order).exists()
    return KeysetPage(
        items, items[-1].order if len(rows) > size else None, items[0].order if more_before else None
    )


def _whole(raw) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None
