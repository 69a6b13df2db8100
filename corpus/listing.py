"""Listing a project's documents at any size: keyset pages on the import order (the
unique (project, order) index; no OFFSET, no count(*)), and search by external id or
by the words of the title.

Title search uses PostgreSQL full-text search with the `simple` configuration (words
as written, each a prefix: «الخار» finds «الخارجية»). Substring search would need
pg_trgm, which the embedded server does not ship.

Matches come in import order, a page at a time, at a cost that does not grow with the
project (TitleMatches): a GIN index finds matches but not in order, and sorting every
match to show the first hundred cost 0.7 s at a million documents. So a page is read
by walking the import order from its keyset position, a window at a time; only when a
window holds too few matches (a rare word) does the GIN index gather the few remaining
ones. Each step runs with the planner pinned to the index it is written for
(`_planner`), so no statistics can turn a walk into a scan of the project."""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections, transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Lower

TITLE_VECTOR = SearchVector("title", config="simple")
# Letters and digits: the `simple` parser splits on anything else (even "_"), so each
# word here is one token of the title, and a substring of it.
_WORD = re.compile(r"[^\W_]+")
# Documents one walk step reads in import order (about 10 ms); a page needs more
# steps only when its words are rarer than one title in WALK_ROWS / page size.
WALK_ROWS = 20_000
# Once a walk step finds too few matches, the GIN index is asked for the rest; up to
# this many are sorted by import order. More: the words are common further on, and
# the walk goes on there.
SPARSE_MATCHES = 1_000


def search(documents: QuerySet, text: str) -> QuerySet:
    """Documents whose external id is `text`, or whose title holds each of its words
    (each word as a prefix). Empty text: every document. Unordered: a page of them in
    import order comes from TitleMatches, whatever their number."""
    text = (text or "").strip()
    if not text:
        return documents
    query = title_query(text)
    if query is None:
        return documents.filter(external_id=text)
    return documents.alias(title_vector=TITLE_VECTOR).filter(Q(external_id=text) | Q(title_vector=query))


def title_words(text: str) -> list[str]:
    return _WORD.findall(text or "")[:10]


def title_query(text: str) -> SearchQuery | None:
    """Every word of `text` as a prefix; None without a word. Only word characters reach
    the raw tsquery, so its operators cannot be injected."""
    words = title_words(text)
    if not words:
        return None
    return SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config="simple")


class Matches:
    """Documents in import order, fetched `n` at a time from a keyset position."""

    def __init__(self, documents: QuerySet):
        self.documents = documents

    def fetch(self, n: int, *, after=None, before=None) -> list:
        """The first `n` documents after order `after`, or the `n` just before `before`,
        nearest first. One query through the (project, order) index, however deep."""
        if before is not None:
            return list(self.documents.filter(order__lt=before).order_by("-order")[:n])
        documents = self.documents if after is None else self.documents.filter(order__gt=after)
        return list(documents.order_by("order")[:n])


class TitleMatches(Matches):
    """The documents whose external id is `text` or whose title holds its words, in
    import order, `n` at a time. A page reads one window of WALK_ROWS documents, and if
    the words are rare there SPARSE_MATCHES index entries, or walks on to the page's last
    match where they are common: never all the matches of the project."""

    def __init__(self, documents: QuerySet, text: str):
        super().__init__(documents)
        self.text = text
        self.words = title_words(text)
        self.matching = Q(external_id=text) | Q(title_vector=title_query(text))

    def fetch(self, n: int, *, after=None, before=None) -> list:
        keys = self.keys(n, after=after, before=before)
        # Columns (and annotations such as the text's length) only for the page's rows.
        rows = self.documents.order_by().in_bulk([pk for pk, _order in keys])
        return [rows[pk] for pk, _order in keys if pk in rows]

    def keys(self, n: int, *, after=None, before=None) -> list[tuple[int, int]]:
        """(id, order) of the matches `fetch` returns, in the same order."""
        backwards = before is not None
        edge = before if backwards else (after if after is not None else -1)
        step = -WALK_ROWS if backwards else WALK_ROWS
        found = self._walk(edge, edge + step, n, backwards)
        if len(found) >= n:
            return found
        rest = self._beyond(edge + step, backwards, SPARSE_MATCHES + 1)
        if len(rest) <= SPARSE_MATCHES:
            rest.sort(key=lambda key: key[1], reverse=backwards)
            return found + rest[: n - len(found)]
        # Many matches further on (the words are common there): walk on until the page
        # is full, which those matches bound.
        return found + self._walk(edge + step, None, n - len(found), backwards)

    def _walk(self, start: int, stop: int | None, n: int, backwards: bool) -> list[tuple[int, int]]:
        """The first `n` matches from order `start` (excluded) to `stop` (or the end),
        walking the (project, order) index in that direction: the words are first looked
        for as substrings of the title (cheap), and only the titles holding them parsed."""
        if backwards:
            window = self.documents.filter(order__lt=start).order_by("-order")
            window = window if stop is None else window.filter(order__gte=stop)
        else:
            window = self.documents.filter(order__gt=start).order_by("order")
            window = window if stop is None else window.filter(order__lte=stop)
        matching = Q(external_id=self.text) | (_in_title(self.words) & Q(title_vector=title_query(self.text)))
        window = window.alias(title_lower=Lower("title"), title_vector=TITLE_VECTOR).filter(matching)
        with _planner(window.db, seqscan=False, bitmapscan=False, sort=False):
            return list(window.values_list("pk", "order")[:n])

    def _beyond(self, edge: int, backwards: bool, n: int) -> list[tuple[int, int]]:
        """Up to `n` matches past order `edge`, in no order, from the GIN index on the
        titles (and the external id index): bitmap scans only, so never a walk."""
        beyond = self.documents.filter(order__lt=edge) if backwards else self.documents.filter(order__gt=edge)
        beyond = beyond.alias(title_vector=TITLE_VECTOR).filter(self.matching).order_by()
        with _planner(beyond.db, seqscan=False, indexscan=False):
            return list(beyond.values_list("pk", "order")[:n])


def _in_title(words: list[str]) -> Q:
    """True for every title with a word starting with each of `words` (and for a few
    more). Parsing a title costs 15 µs, lower-casing it 3 µs, a LIKE under 1 µs: words
    without case (Arabic, digits) are looked for as they are; only when there are none
    are the others looked for in the lower-cased title."""
    caseless = [word for word in words if word == word.lower() == word.upper()]
    if caseless:
        return Q(*[Q(title__contains=word) for word in caseless])
    return Q(*[Q(title_lower__contains=Lower(Value(word))) for word in words])


def matches(documents: QuerySet, text: str) -> Matches:
    """The documents a search for `text` finds (all of them for no text), page by page."""
    text = (text or "").strip()
    if not text:
        return Matches(documents)
    if not title_words(text):
        return Matches(documents.filter(external_id=text))
    return TitleMatches(documents, text)


@contextmanager
def _planner(alias: str, **enable: bool):
    """Run the queries inside with these planner methods on or off, then put them back
    (SET LOCAL inside a savepoint that is rolled back: these queries only read)."""
    settings = {f"enable_{method}": "on" if on else "off" for method, on in enable.items()}
    settings["max_parallel_workers_per_gather"] = "0"  # starting workers costs more than these reads
    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(settings)),
                           [item for pair in settings.items() for item in pair])
        yield
        transaction.set_rollback(True, using=alias)


@dataclass
class KeysetPage:
    items: list
    next_after: int | None  # the `after` of the next page, None on the last
    previous_before: int | None  # the `before` of the previous page, None on the first


def keyset_page(documents: QuerySet | Matches, *, after=None, before=None, size: int = 100) -> KeysetPage:
    """One page of `documents` in import order: those after `order` = after, or the page
    ending just before `order` = before. Reads size + 1 rows through the index, however
    deep the page."""
    found = documents if isinstance(documents, Matches) else Matches(documents)
    after, before = _whole(after), _whole(before)
    if before is not None:
        rows = found.fetch(size + 1, before=before)
        items = rows[:size][::-1]
        more_after = bool(items) and bool(found.fetch(1, after=items[-1].order))
        return KeysetPage(
            items, items[-1].order if more_after else None, items[0].order if len(rows) > size else None
        )
    rows = found.fetch(size + 1, after=after)
    items = rows[:size]
    more_before = after is not None and bool(items) and bool(found.fetch(1, before=items[0].order))
    return KeysetPage(
        items, items[-1].order if len(rows) > size else None, items[0].order if more_before else None
    )


def _whole(raw) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None
