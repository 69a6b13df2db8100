"""Pausing Python's cyclic garbage collector while a bulk step builds many objects.

Exports and imports build hundreds of thousands of tuples, dicts and lists per batch,
none of them in reference cycles: reference counting frees them all, yet each batch
set off hundreds of collections that walked the young objects for nothing (about a
fifth of an export's time, measured). Each pause covers one batch; but an import's
reader and writer pause in turn, so the collector may stay off for a whole import or
export, and reference cycles made meanwhile elsewhere in the process wait until then.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# The collector is one switch for the whole process: pauses in several threads (an
# import's reader and writer) nest, and the last one out switches it back on.
_lock = threading.Lock()
_paused = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
