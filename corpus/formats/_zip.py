"""The members of a zip archive, checked before anything is decompressed: entry count,
paths that would escape the folder, declared uncompressed size and compression ratio
(zip bombs), and compression methods whose output we can bound."""
from __future__ import annotations

import re
import stat
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from corpus.formats._options import ReadOptions
from corpus.formats.base import FormatError

# zipfile stops reading an entry at its declared size (and then checks the CRC), so with
# these methods the declared sizes bound what we decompress. bzip2/lzma decompress a
# whole chunk at once, so they are refused.
_BOUNDED_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_DRIVE = re.compile(r"^[A-Za-z]:")
# Text compresses about 3 to 10 times; an entry that would grow more than this, and to
# more than _RATIO_FLOOR bytes, is a zip bomb (refused from its header, not unpacked).
MAX_RATIO = 100
_RATIO_FLOOR = 1024 * 1024


def iter_members(stream: BinaryIO, name: str, options: ReadOptions) -> Iterator[tuple[str, BinaryIO]]:
    """(name shown in errors, open binary stream) for each file member worth reading."""
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile as error:
        raise FormatError(_("not a valid zip archive: %(error)s") % {"error": error}, file=name) from None
    with archive:
        members = _checked(archive.infolist(), name, options)
        for info in members:
            with archive.open(info) as member:
                yield f"{name}/{info.filename}", member


def _checked(infos: list[zipfile.ZipInfo], name: str, options: ReadOptions) -> list[zipfile.ZipInfo]:
    if len(infos) > options.max_zip_entries:
        raise FormatError(
            ngettext("the archive has %(count)d entry; the limit is %(limit)d",
                     "the archive has %(count)d entries; the limit is %(limit)d", len(infos))
            % {"count": len(infos), "limit": options.max_zip_entries},
            file=name,
        )
    for info in infos:
        _check_path(info.filename, name)
        if stat.S_ISLNK(info.external_attr >> 16):
            # Unpacked, a link would point elsewhere; read as a file, its "text" is the target path.
            raise FormatError(
                _("entry «%(entry)s» is a symbolic link; links are not imported") % {"entry": info.filename},
                file=name)
    declared = sum(info.file_size for info in infos)
    if declared > options.max_unzipped_bytes:
        raise FormatError(
            _("the archive would unpack to %(size)d bytes; the limit is %(limit)d bytes")
            % {"size": declared, "limit": options.max_unzipped_bytes},
            file=name,
        )
    for info in infos:
        _check_ratio(info, name)
    members = [info for info in infos if _wanted(info)]
    for info in members:
        _check_readable(info, name)
    return members


def _check_ratio(info: zipfile.ZipInfo, name: str) -> None:
    if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise FormatError(
            _("entry «%(entry)s» would unpack %(ratio)d times larger than stored (%(size)d bytes); "
              "the limit is %(limit)d times: a zip bomb is not unpacked")
            % {"entry": info.filename, "ratio": info.file_size // max(info.compress_size, 1),
               "size": info.file_size, "limit": MAX_RATIO},
            file=name,
        )


def _check_path(path: str, name: str) -> None:
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if path.startswith(("/", "\\")) or _DRIVE.match(path) or ".." in parts:
        raise FormatError(
            _("entry «%(entry)s» has a path that escapes the archive folder (absolute or with ..)")
            % {"entry": path},
            file=name,
        )


def _wanted(info: zipfile.ZipInfo) -> bool:
    """Skip folders and the clutter archivers add (__MACOSX/, .DS_Store and other dot files)."""
    parts = PurePosixPath(info.filename).parts
    return not info.is_dir() and parts[0] != "__MACOSX" and not parts[-1].startswith(".")


def _check_readable(info: zipfile.ZipInfo, name: str) -> None:
    where = f"{name}/{info.filename}"
    if info.flag_bits & 0x1:
        raise FormatError(_("encrypted entries are not supported"), file=where)
    if info.compress_type not in _BOUNDED_METHODS:
        raise FormatError(
            _("compression method %(method)d is not supported (use deflate or none)")
            % {"method": info.compress_type},
            file=where,
        )
