"""Bad files through all three import channels (the command, the import page, the API):
each is refused with an error naming the file, and where the format has them the line
and the field, with the reason; the database is left as it was (the row count of every
table)."""
from __future__ import annotations

import io
import json
import re
import struct
import zipfile
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.annotate.access_world import row_counts


def _zip(*entries: tuple[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = 0o120777 << 16  # a symbolic link to /etc/passwd
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def _declaring(data: bytes, size: int) -> bytes:
    """A one-entry zip whose headers (local and central) declare `size` uncompressed
    bytes, whatever the entry really holds."""
    patched = bytearray(data)
    local = patched.index(b"PK\x03\x04")
    struct.pack_into("<I", patched, local + 22, size)
    central = patched.index(b"PK\x01\x02")
    struct.pack_into("<I", patched, central + 24, size)
    return bytes(patched)


GOOD = json.dumps({"text": "وصل الوفد إلى حمص مساء"}, ensure_ascii=False)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
BRAT_TEXT = "وصل الوفد إلى حمص".encode()
# case: (file name, bytes, what the message must say besides the file's name: its line,
# field and reason, where the format has them). Messages are read in English.
BAD_FILES = {
    "invalid UTF-8": ("latin.txt", "وصل الوفد".encode("cp1256"), ["line 1", "invalid UTF-8"]),
    "binary file (PNG bytes)": ("image.txt", PNG, ["binary file: NUL byte at byte offset 8"]),
    "binary file (NUL bytes, valid UTF-8)": ("nul.jsonl", GOOD.encode() + b"\n\x00\x00\x00\n",
                                            ["line 2", "binary file: NUL byte"]),
    "malformed JSON line": ("news.jsonl", (GOOD + "\n{\"text\": \n").encode(), ["line 2", "JSON"]),
    "missing text field": ("news.jsonl", b'{"title": "x"}\n', ["line 1", "«text»"]),
    "CSV without the column": ("news.csv", "body\nنص الخبر\n".encode(), ["«text»"]),
    "empty document": ("empty.txt", b"", ["empty document"]),
    "zip slip": ("slip.zip", _zip(("../escape.txt", "خبر هارب".encode())), ["../escape.txt", "escapes"]),
    "zip symlink entry": ("link.zip", _zip(symlink="passwd.txt"), ["passwd.txt", "symbolic link"]),
    "zip bomb (declares 4 GB)": ("bomb.zip", _declaring(_zip(("news.txt", "خبر".encode())), 4_000_000_000),
                                 ["4000000000 bytes", "the limit is"]),
    "zip bomb (16 MB of zeros in 16 KB)": ("ratio.zip", _zip(("zeros.txt", bytes(16 * 1024 * 1024))),
                                           ["zeros.txt", "times larger", "the limit is 100 times"]),
    "zip entry larger than it declares": ("liar.zip", _declaring(_zip(("news.txt", "خبر طويل " * 500)), 10),
                                          ["damaged zip archive"]),
    "oversized document (limit 40 characters here)": ("long.txt", ("خبر طويل جدا " * 10).encode(),
                                                      ["over the size limit", "the limit is 40 characters"]),
    "brat offsets outside the text": (
        "outside.brat.zip", _zip(("doc.txt", BRAT_TEXT), ("doc.ann", "T1\tGPE 14 99\tحمص\n".encode())),
        ["outside.brat.zip/doc.ann, line 1", "«offsets»", "outside the text (0–17)"]),
    "brat offsets outside the text, without the mention": (
        "bare.brat.zip", _zip(("doc.txt", BRAT_TEXT), ("doc.ann", "T1\tGPE 0 3\tوصل\nT2\tGPE 30 40\n".encode())),
        ["bare.brat.zip/doc.ann, line 2", "«offsets»", "outside the text (0–17)"]),
    "CoNLL garbage (prose, not columns)": (
        "prose.conll", "وصل\tO\nthis line is prose and not token tag columns\n".encode(),
        ["line 2", "«tag»", "is not a BIO tag"]),
    "CoNLL line without a tag": ("lonely.conll", "وصل\tO\nالوفد\n".encode(), ["line 2", "«tag»", "expected a token"]),
}


def _untouched(before: dict) -> dict:
    after = row_counts()
    return {t: (before[t], after[t]) for t in before if before[t] != after[t] and t != "django_session"}


def _cli(project, admin, tmp_path, name, data) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_documents", project.slug, str(path), stdout=out, stderr=out, no_color=True)
    return out.getvalue()


def _web(project, admin, tmp_path, name, data) -> str:
    client = Client()
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("import_documents", args=[project.slug]),
                           {"files": [SimpleUploadedFile(name, data)]})
    assert response.status_code in (200, 400, 422)
    return re.sub(r"</?bdi>", "", response.content.decode())  # the text a reader sees (names are isolated)


def _api(project, admin, tmp_path, name, data) -> str:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(admin)
    response = client.post(f"/api/projects/{project.slug}/documents/import/",
                           {"files": [SimpleUploadedFile(name, data)]}, format="multipart")
    assert response.status_code == 400, response.content.decode()
    return response.content.decode()


CHANNELS = {"cli": _cli, "web": _web, "api": _api}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
@pytest.mark.parametrize("channel", sorted(CHANNELS))
def test_a_bad_file_is_named_and_changes_nothing(project, admin_user, tmp_path, settings, channel, case):
    settings.TAWSIM_MAX_DOCUMENT_CHARS = 40
    name, data, says = BAD_FILES[case]
    before = row_counts()
    message = unescape(CHANNELS[channel](project, admin_user, tmp_path, name, data))
    assert name in message, message[-2000:]
    missing = [fragment for fragment in says if fragment not in message]
    assert not missing, message[-2000:]
    assert not _untouched(before)
