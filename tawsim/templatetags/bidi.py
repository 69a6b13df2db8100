"""{{ message|isolating:name }}: a message with each occurrence of `name` (a file name, a
record id) wrapped in <bdi>, so a Latin name with neutral edges («report (2).txt»,
«2024-12.jsonl») keeps its order inside an Arabic sentence. The messages themselves stay
plain text for the API and the command line; only the page isolates."""
from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def isolating(message: str, name: str) -> SafeString:
    text = escape(message)
    if not name:
        return mark_safe(text)
    # The name and any path inside it («archive.zip/doc.ann»), up to a space, comma or colon.
    path = re.compile(re.escape(escape(name)) + r"(?:/[^\s,،:]*)?")
    return mark_safe(path.sub(lambda found: f"<bdi>{found.group(0)}</bdi>", text))
