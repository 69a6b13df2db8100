"""The rules one schema item obeys, whoever writes it: the schema editor
(annotate.services.schema_changes) and a schema file (corpus.schema_file) check keys,
names and shortcuts with these same functions, so a file cannot hold what the editor
would refuse (nor what the database would refuse with an error page)."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

from corpus.keyboard import RESERVED, physical_key
from corpus.models import KEY_PATTERN, AttributeType, EntityType, RoleType, SchemaItem

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


# --- a role's counts -------------------------------------------------------------------

def _column_range(model, name: str) -> tuple[int, int]:
    """The whole numbers the column holds (PostgreSQL's range for the field's type)."""
    from django.db import connection

    return connection.ops.integer_field_range(model._meta.get_field(name).get_internal_type())


COUNT_MAX = min(_column_range(RoleType, "min_count")[1], _column_range(RoleType, "max_count")[1])


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_counts(low, high, fields: tuple[str, str] = ("min_count", "max_count")) -> tuple[int, int | None]:
    """A role's minimum and maximum (None: no limit): 0 ≤ minimum ≤ maximum, a maximum of
    at least 1, both within what the database keeps. `fields` names them as the caller's
    input does (the editor's min_count/max_count, a schema file's min/max)."""
    if not _whole(low) or not 0 <= low <= COUNT_MAX:
        raise RuleBroken(_("The minimum of a role is a whole number from 0 to %(max)d, not %(value)s.")
                         % {"max": COUNT_MAX, "value": _shown(low)}, fields[0])
    if high is not None and (not _whole(high) or not 1 <= high <= COUNT_MAX):
        raise RuleBroken(_("The maximum of a role is empty (no limit) or a whole number from 1 to %(max)d, "
                           "not %(value)s.") % {"max": COUNT_MAX, "value": _shown(high)}, fields[1])
    if high is not None and high < low:
        raise RuleBroken(_("The maximum of a role (%(high)d) is below its minimum (%(low)d).")
                         % {"high": high, "low": low}, fields[1])
    return low, high


def _shown(value) -> str:
    """A refused value as the person gave it, cut short."""
    return str(value)[:20] if isinstance(value, (int, str)) and not isinstance(value, bool) else repr(value)[:20]


# --- an attribute's values and default -----------------------------------------------------

DEFAULT_MAX = AttributeType._meta.get_field("default").max_length


def check_attribute(kind, values, default) -> tuple[list[dict], str]:
    """An attribute's values and default as they are kept: an enumeration has at least
    one value, each with its own key (Latin letters, digits, _ or -, short enough to be a
    default) and names as text; its default is one of them or empty. A yes/no attribute
    has no values and no default; a text one no values and a default of at most
    DEFAULT_MAX characters. Fields are named as in a schema file (values[1].key)."""
    if kind not in AttributeType.Kind.values:
        raise RuleBroken(_("An attribute is an enumeration, a boolean or text (one of %(kinds)s).")
                         % {"kinds": ", ".join(AttributeType.Kind.values)}, "kind")
    if kind != AttributeType.Kind.ENUM:
        values = []
    elif not isinstance(values, list) or not values:
        raise RuleBroken(_("An enumeration needs at least one value."), "values")
    seen = set()
    for index, value in enumerate(values):
        where = f"values[{index}]"
        if not isinstance(value, dict):
            raise RuleBroken(_("A value is an object with a key and names."), where)
        key = value.get("key")
        if not isinstance(key, str) or not re.fullmatch(KEY_PATTERN, key):
            raise RuleBroken(_("A value's key is Latin letters, digits, _ or -, starting with a letter: "
                               "«%(key)s» is not.") % {"key": _shown(key)}, f"{where}.key")
        if len(key) > DEFAULT_MAX:
            raise RuleBroken(_("A value's key has at most %(max)d characters.") % {"max": DEFAULT_MAX}, f"{where}.key")
        if key in seen:
            raise RuleBroken(_("The value key «%(key)s» is used twice: each value has its own key.") % {"key": key},
                             f"{where}.key")
        seen.add(key)
        for name in ("name_ar", "name_en", "shortcut"):
            if not isinstance(value.get(name, ""), str):
                raise RuleBroken(_("A value's %(name)s is text.") % {"name": name}, f"{where}.{name}")
    if not isinstance(default, str):
        raise RuleBroken(_("The default is a value's key, or empty."), "default")
    default = default.strip()
    if kind == AttributeType.Kind.BOOL:
        default = ""
    if len(default) > DEFAULT_MAX:
        raise RuleBroken(_("The default has at most %(max)d characters.") % {"max": DEFAULT_MAX}, "default")
    if default and kind == AttributeType.Kind.ENUM and default not in seen:
        raise RuleBroken(_("The default «%(default)s» is not one of the values (%(values)s).")
                         % {"default": default, "values": ", ".join(v["key"] for v in values)}, "default")
    return values, default
