"""Messages kept as a message id and its parameters, translated when shown.

A background job stores what it has to say (its messages, warnings, errors) and a reader
sees it later, in the reader's language, not in the worker's. The code says
`gettext_deferred(msgid, name=…)` (or `ngettext_deferred(singular, plural, n, …)`)
where it would say `_(msgid) % {…}`: the result is a DeferredText, a str holding the text in
the language active now (so printing, joining and exceptions work as before) that also
remembers its message id and parameters. `stored()` turns DeferredTexts (inside lists and
dicts too) into JSON entries {"msgid", "params"[, "plural", "n"]}; `shown()` turns stored
entries back into text in the language active when it is called. A parameter may itself be
a DeferredText (a reason inside a sentence): it is stored and translated in turn. Plain
strings (stored before messages were kept this way, or never translated) show as they are.
"""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, ngettext

MSGID = "msgid"


class DeferredText(str):
    entry: dict

    def __new__(cls, entry: dict) -> DeferredText:
        text = super().__new__(cls, _render(entry))
        text.entry = entry
        return text

    def __reduce__(self):
        return (DeferredText, (self.entry,))


def _param(value: Any) -> Any:
    if isinstance(value, DeferredText | int | float | None):
        return value
    return str(value)


def gettext_deferred(msgid: str, /, **params) -> DeferredText:
    return DeferredText({MSGID: msgid, "params": {k: _param(v) for k, v in params.items()}})


def ngettext_deferred(singular: str, plural: str, number: int, /, **params) -> DeferredText:
    return DeferredText({MSGID: singular, "plural": plural, "n": number,
                         "params": {k: _param(v) for k, v in params.items()}})


def text_of(error: BaseException) -> str:
    """An exception's message, still deferred when it was raised with a DeferredText."""
    if error.args and len(error.args) == 1 and isinstance(error.args[0], DeferredText):
        return error.args[0]
    return str(error)


def stored(value: Any) -> Any:
    """A JSON-ready copy of `value` with every DeferredText as its entry."""
    if isinstance(value, DeferredText):
        return {**value.entry, "params": {k: stored(v) for k, v in value.entry["params"].items()}}
    if isinstance(value, dict):
        return {key: stored(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [stored(item) for item in value]
    return value


def is_entry(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get(MSGID), str) and isinstance(value.get("params"), dict)


def shown(value: Any) -> Any:
    """`value` (as `stored` made it, or plain) with every entry as text in the active language."""
    if is_entry(value):
        return _render(value)
    if isinstance(value, dict):
        return {key: shown(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [shown(item) for item in value]
    return value


def _render(entry: dict) -> str:
    params = {key: shown(value) for key, value in entry["params"].items()}
    if entry.get("plural") is not None:
        number = entry.get("n") or 0
        translated, original = ngettext(entry[MSGID], entry["plural"], number), \
            (entry[MSGID] if number == 1 else entry["plural"])
    else:
        translated = original = gettext(entry[MSGID])
    for form in (translated, original):
        try:
            return form % params if params else form
        except (KeyError, ValueError, TypeError):  # a translation (or a stored entry) that no longer fits
            continue
    return entry[MSGID]
