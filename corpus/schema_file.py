"""A project's schema as a file: the preset format (corpus/presets/*.json), written by
`dump_schema` (the editor's download, GET /api/projects/<slug>/schema/) and checked by
`check_schema` before a project is made from it (create_project --schema FILE, the
new-project page's file, POST /api/projects/ with `schema`). Colours are held to the
editor's contrast rule (corpus.colour), naming the type and the colour."""
from __future__ import annotations

import json
import re
from pathlib import Path

from django.utils.translation import gettext as _

from corpus import schema_rules
from corpus.colour import MIN_CONTRAST, label_contrast
from corpus.keyboard import physical_key
from corpus.models import COLOUR_PATTERN, DEFAULT_COLOUR, Project
from corpus.presets import schema_of
from corpus.schema_rules import RuleBroken


class SchemaFileError(ValueError):
    """What is wrong with a schema file, naming the file, the item and the field."""


def dump_schema(project: Project) -> dict:
    """The project's schema file: its name and schema (corpus.presets.schema_of)."""
    return {"name": project.name, **schema_of(project)}


def read_schema_file(path: str | Path) -> dict:
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as error:
        raise SchemaFileError(f"{path}: cannot read it ({error.strerror})") from None
    return parse_schema_file(content, str(path))


def parse_schema_file(content: bytes, name: str) -> dict:
    """The checked schema of a file's content (an upload, a file on disk), or
    SchemaFileError with every problem, each line starting with the file's name."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SchemaFileError(_("%(name)s: not UTF-8 text") % {"name": name}) from None
    except json.JSONDecodeError as error:
        where = {"name": name, "line": error.lineno, "column": error.colno, "reason": error.msg}
        raise SchemaFileError(_("%(name)s: line %(line)d, column %(column)d: not JSON (%(reason)s)") % where) from None
    problems = check_schema(data)
    if problems:
        raise SchemaFileError("\n".join(f"{name}: {problem}" for problem in problems))
    return data


def check_schema(data) -> list[str]:
    """Every problem of a schema description, each naming the item and field
    ("event_types[1] (MEET).roles[0].allowed: unknown entity type XYZ"). Attributes are
    cleaned in place by the editor's rule (schema_rules.check_attribute), so that what is
    stored is what the editor would store."""
    if not isinstance(data, dict):
        return [_("the schema is a JSON object with entity_types, event_types, attribute_types, relation_types")]
    problems = [_("%(where)s: text without the NUL character (PostgreSQL keeps no text holding it)")
                % {"where": where} for where in _holding_nul(data)]
    if not isinstance(data.get("guidelines", ""), str):
        problems.append(_("guidelines: text (Markdown)"))
    shortcuts: dict[str, tuple[str, str]] = {}  # one key for one type, entity and event types alike
    entities = _check_items(data, "entity_types", problems, colour=True, shortcuts=shortcuts)
    for where, item in entities.items():
        if not isinstance(item.get("kb_linkable", True), bool):
            problems.append(_("%(where)s.kb_linkable: true or false") % {"where": where})
    events = _check_items(data, "event_types", problems, colour=True, shortcuts=shortcuts)
    for where, item in events.items():
        roles = _check_items(item, "roles", problems, prefix=where + ".")
        for role_where, role in roles.items():
            _check_refs(role, "allowed", entities, role_where, problems, required=True)
            _follow(schema_rules.check_counts, (role.get("min", 0), role.get("max"), ("min", "max")), role_where,
                    problems)
        triggers = item.get("triggers", [])
        if not isinstance(triggers, list) or not all(isinstance(trigger, str) for trigger in triggers):
            problems.append(_("%(where)s.triggers: a list of words") % {"where": where})
    for where, item in _check_items(data, "attribute_types", problems).items():
        try:
            # Kept as the editor keeps it (a default stripped, none on a yes/no attribute):
            # the project is made from what was checked, not from the raw file.
            item["values"], item["default"] = schema_rules.check_attribute(
                item.get("kind", "enum"), item.get("values", []), item.get("default", ""))
        except RuleBroken as broken:
            problems.append(_broken(where, broken))
        _check_refs(item, "event_types", events, where, problems)
    for where, item in _check_items(data, "relation_types", problems).items():
        colour = item.get("colour", "#666666")  # drawn as a line, not under label text: no contrast rule
        if not isinstance(colour, str) or not re.fullmatch(COLOUR_PATTERN, colour):
            problems.append(_("%(where)s.colour: written #rrggbb (got %(colour)s)")
                            % {"where": where, "colour": repr(colour)})
        _check_refs(item, "source", entities, where, problems, required=True)
        _check_refs(item, "target", entities, where, problems, required=True)
    return problems


def _holding_nul(value, where: str = "") -> list[str]:
    """Where a text of the description holds the NUL character (a key or a value)."""
    if isinstance(value, str):
        return [where or "(schema)"] if "\x00" in value else []
    if isinstance(value, dict):
        return [found for key, item in value.items()
                for found in ([f"{where}.{key}".lstrip(".")] if "\x00" in str(key) else [])
                + _holding_nul(item, f"{where}.{key}".lstrip("."))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _holding_nul(item, f"{where}[{index}]")]
    return []


def _check_items(data: dict, name: str, problems: list[str], *, colour: bool = False, prefix: str = "",
                 shortcuts: dict | None = None) -> dict:
    """{"name[i] (KEY)": item} for the well-formed items of the list `name`, checked by the
    schema editor's rules (corpus.schema_rules); `shortcuts` holds the keys taken so far
    when the items have a shortcut."""
    items = data.get(name, [])
    if not isinstance(items, list):
        problems.append(_("%(where)s: a list") % {"where": prefix + name})
        return {}
    found, keys = {}, set()
    for index, item in enumerate(items):
        where = f"{prefix}{name}[{index}]"
        if not isinstance(item, dict):
            problems.append(_("%(where)s: an object") % {"where": where})
            continue
        key = item.get("key")
        try:
            if not isinstance(key, str):
                raise RuleBroken(_("A key is Latin letters, digits, _ or -, starting with a letter: «%(key)s» is not.")
                                 % {"key": repr(key)[:50]}, "key")
            schema_rules.check_key(key)
        except RuleBroken as broken:
            problems.append(_broken(where, broken))
            continue
        where = f"{where} ({key})"
        if key in keys:
            problems.append(_("%(where)s.key: used twice") % {"where": where})
        keys.add(key)
        for field in ("name_ar", "name_en"):
            if not isinstance(item.get(field), str) or not item[field].strip():
                problems.append(_("%(where)s.%(field)s: a name is required") % {"where": where, "field": field})
                continue
            _follow(schema_rules.check_name, (item[field], field), where, problems)
        if colour:
            _check_colour(str(item.get("colour", DEFAULT_COLOUR)), where, problems)
        if shortcuts is not None:
            shortcut = item.get("shortcut", "")
            if not isinstance(shortcut, str):
                problems.append(_("%(where)s.shortcut: one character") % {"where": where})
            elif _follow(schema_rules.check_shortcut, (shortcut, shortcuts), where, problems) and shortcut.strip():
                shortcuts[physical_key(shortcut.strip())] = (shortcut.strip(), key)
        if not isinstance(item.get("description", ""), str):
            problems.append(_("%(where)s.description: text") % {"where": where})
        found[where] = item
    return found


def _broken(where: str, broken: RuleBroken) -> str:
    return f"{where}.{broken.field}: {broken.message}"


def _follow(rule, arguments: tuple, where: str, problems: list[str]) -> bool:
    """Whether the value keeps the rule; when not, its reason joins the problems."""
    try:
        rule(*arguments)
    except RuleBroken as broken:
        problems.append(_broken(where, broken))
        return False
    return True


def _check_colour(colour: str, where: str, problems: list[str]) -> None:
    """Labels are white on the type's colour (corpus.colour): it must leave them readable."""
    if not re.fullmatch(COLOUR_PATTERN, colour):
        problems.append(_("%(where)s.colour: written #rrggbb (got %(colour)s)")
                        % {"where": where, "colour": repr(colour)})
    elif label_contrast(colour) < MIN_CONTRAST:
        problems.append(_("%(where)s.colour: white labels on %(colour)s have a contrast of %(ratio).2f:1; at least "
                          "%(min)s:1 is needed (choose a darker colour)")
                        % {"where": where, "colour": colour, "ratio": label_contrast(colour), "min": MIN_CONTRAST})


def _check_refs(item: dict, field: str, known: dict, where: str, problems: list[str], required: bool = False) -> None:
    keys = {key.split(" (")[1].rstrip(")") for key in known}
    refs = item.get(field, [])
    if not isinstance(refs, list) or (required and not refs):
        problems.append((_("%(where)s.%(field)s: a list of keys, not empty") if required
                         else _("%(where)s.%(field)s: a list of keys")) % {"where": where, "field": field})
        return
    for ref in refs:
        if ref not in keys:
            problems.append(_("%(where)s.%(field)s: unknown type %(ref)s")
                            % {"where": where, "field": field, "ref": repr(ref)})
