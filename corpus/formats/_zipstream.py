"""Writing a zip while it streams out: members are added one at a time and the bytes
written so far are handed on, so an export never holds the whole archive. Fixed
timestamps make the same content give the same bytes."""
from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator

_EPOCH = (1980, 1, 1, 0, 0, 0)


class ZipStream:
    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        # An object with only write() makes zipfile write data descriptors: no seeking back.
        self._zip = zipfile.ZipFile(self, "w", zipfile.ZIP_DEFLATED)

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def _drain(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data

    def member(self, name: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """Add a member from its chunks, yielding the archive bytes as they are made."""
        info = zipfile.ZipInfo(name, date_time=_EPOCH)
        info.compress_type = zipfile.ZIP_DEFLATED
        with self._zip.open(info, "w", force_zip64=True) as out:
            for chunk in chunks:
                out.write(chunk)
                if self._chunks:
                    yield self._drain()
        yield self._drain()

    def close(self) -> bytes:
        self._zip.close()
        return self._drain()


def stream_zip(members: Iterable[tuple[str, Iterable[bytes]]]) -> Iterator[bytes]:
    archive = ZipStream()
    for name, chunks in members:
        yield from archive.member(name, chunks)
    yield archive.close()
