"""The rules one schema item obeys, whoever writes it: the schema editor
(annotate.services.schema_changes) and a schema file (corpus.schema_file) check keys,
names and shortcuts with these same functions, so a file cannot hold what the editor
would refuse (nor what the database would refuse with an error page)."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

from corpus.keyboard import RESERVED, physical_key
from corpus.models import KEY_PATTERN, EntityType, SchemaItem

KEY_MAX = SchemaItem._meta.get_field("key").max_length
NAME_MAX = SchemaItem._meta.get_field("name_ar").max_length
SHORTCUT_MAX = EntityType._meta.get_field("shortcut").max_length


class RuleBroken(ValueError):
    """Why a value is refused, and the field it is in."""

    def __init__(self, message: str, field: str):
        self.message, self.field = message, field
        super().__init__(message)


def check_key(key: str) -> str:
    if not re.fullmatch(KEY_PATTERN, key):
        raise RuleBroken(_("A key is Latin letters, digits, _ or -, starting with a letter: «%(key)s» is not.")
                         % {"key": key[:KEY_MAX]}, "key")
    if len(key) > KEY_MAX:
        raise RuleBroken(_("A key has at most 50 characters."), "key")
    return key


def check_name(name: str, field: str) -> str:
    """A name in Arabic (name_ar) or English (name_en): given, and short enough to keep."""
    name = name.strip()
    if not name:
        raise RuleBroken(_("Give the name in Arabic and in English."), field)
    if len(name) > NAME_MAX:
        raise RuleBroken(_("A name has at most %(max)d characters (this one has %(length)d).")
                         % {"max": NAME_MAX, "length": len(name)}, field)
    return name


def check_shortcut(shortcut: str, taken: dict[str, tuple[str, str]]) -> str:
    """One character on a key the editor leaves free and that none of `taken` (physical
    key -> (shortcut, type key), the project's other types) is on, with a Latin or an
    Arabic layout (the editor matches the physical key)."""
    shortcut = shortcut.strip()
    if not shortcut:
        return ""
    if len(shortcut) != SHORTCUT_MAX:
        raise RuleBroken(_("A shortcut is one key."), "shortcut")
    key = physical_key(shortcut)
    if key in RESERVED:
        raise RuleBroken(_("The key «%(key)s» is taken by the editor itself; choose another.") % {"key": shortcut},
                         "shortcut")
    if key in taken:
        other, owner = taken[key]
        raise RuleBroken(_("The shortcut «%(shortcut)s» is on the same key as «%(other)s» of %(type)s.")
                         % {"shortcut": shortcut, "other": other, "type": owner}, "shortcut")
    return shortcut
