"""A text's skeleton: its characters without white space and invisible format marks.

A token file (CoNLL) keeps the words of a document but not its spacing: the reader joins
the tokens with spaces, and a writer may have split a proclitic off its word («و» «حلب»
for «وحلب»). Two texts with the same skeleton differ only in that, so the offsets of
one map onto the other exactly, character for character. The importer uses this to
attach a token file's annotations to a document imported earlier as plain text.

PostgreSQL keeps the MD5 of each document's skeleton in a generated column
(`Document.words_md5`, computed with `translate(text, SKIPPED, '')`), so a document is
found by its words through an index; `words_md5()` is the same digest in Python.
"""
from __future__ import annotations

import hashlib
from bisect import bisect_left

from corpus.text.tokens import FORMAT_CHARS

# Python's white space (str.isspace), written out: the generated column holds this very
# string, and a migration must change both if it ever changes (a test compares them).
WHITE_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
SKIPPED = WHITE_SPACE + "".join(sorted(FORMAT_CHARS))
_DROP = dict.fromkeys(map(ord, SKIPPED))


def skeleton(text: str) -> str:
    return text.translate(_DROP)


def words_md5(text: str) -> str:
    """The digest PostgreSQL stores in Document.words_md5 (a lookup key, not a secret)."""
    return hashlib.md5(skeleton(text).encode("utf-8"), usedforsecurity=False).hexdigest()


class OffsetMap:
    """Maps offsets in `source` onto `target`, two texts with the same skeleton."""

    def __init__(self, source: str, target: str):
        self._source = _kept(source)
        self._target = _kept(target)
        if len(self._source) != len(self._target):
            raise ValueError("the texts do not have the same skeleton")

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The target extent of source [start, end): from its first kept character to
        its last; None when it holds only white space."""
        first = bisect_left(self._source, start)
        last = bisect_left(self._source, end) - 1
        if first > last:
            return None
        return self._target[first], self._target[last] + 1


def _kept(text: str) -> list[int]:
    return [i for i, char in enumerate(text) if ord(char) not in _DROP]
