"""The checks every document's text passes, whatever format it came from."""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from corpus.formats.base import FormatError


def normalise_newlines(text: str) -> str:
    """What is stored, and what offsets refer to forever: LF line ends, no BOM."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def document_text(text: str, *, max_chars: int, file: str, line: int | None = None, field: str = "") -> str:
    """The normalised text, or a FormatError if it is empty or over the size limit."""
    text = normalise_newlines(text)
    if not text.strip():
        raise FormatError(_("empty document"), file=file, line=line, field=field)
    if len(text) > max_chars:
        raise FormatError(
            ngettext("document of %(count)d character is over the limit of %(limit)d characters",
                     "document of %(count)d characters is over the limit of %(limit)d characters", len(text))
            % {"count": len(text), "limit": max_chars},
            file=file,
            line=line,
            field=field,
        )
    return text
