"""Pages name schema entries as the schema does, in the reader's language, never by key:
the adjudication view's event, role and attribute conflicts and its decisions, and the
history page's lines."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from annotate import services
from annotate.services import ANY_VERSION
from tests.annotate.test_adjudication import annotate, where

# Keys that differ from their English names (the preset names the role Participant "Participant").
KEYS = ("MEET", "STATEMENT", "factuality", "ASSERTED", "REPORTED", "PER", "GPE")


@pytest.fixture
def meetings(document, three):
    """Two annotators mark a meeting and disagree on its place and factuality; the third
    calls the same word a statement."""
    a, b, c = three
    full = ("MEET", "التقى", {"Participant": ("PER", "سمير داود"), "Place": ("GPE", "القاهرة")}, "ASSERTED")
    annotate(document, a, [], [full])
    annotate(document, b, [], [("MEET", "التقى", {"Participant": ("PER", "سمير داود")}, "REPORTED")])
    annotate(document, c, [], [("STATEMENT", "التقى", {"Speaker": ("PER", "سمير داود")}, "ASSERTED")])
    return document


def page(client, user, url, language):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(url).content.decode()


def visible_text(html: str) -> str:
    """What a reader sees: tags, attribute values and scripts left out."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def conflicts_text(client, reviewer, document, language) -> str:
    html = page(client, reviewer, reverse("adjudicate", args=[document.project.slug, document.pk]), language)
    return visible_text(html[html.index('id="conflicts"'):html.index('id="gold-list"')])


@pytest.mark.parametrize("language", ["ar", "en"])
def test_adjudication_names_events_roles_and_attributes(client, meetings, reviewer, language):
    from annotate.services import adjudication

    project = meetings.project
    name = "name_ar" if language == "ar" else "name_en"
    meet, statement = (project.event_types.get(key=key) for key in ("MEET", "STATEMENT"))
    conflicts = conflicts_text(client, reviewer, meetings, language)
    assert f"{getattr(meet, name)} «التقى»" in conflicts and f"{getattr(statement, name)} «التقى»" in conflicts
    assert not [key for key in KEYS if re.search(rf"\b{key}\b", conflicts)], conflicts

    # Once the meeting is in gold, its role and attribute disagreements open, by name.
    state = adjudication.open_adjudication(meetings, reviewer)
    [event] = [c for c in state.open if c.kind == "event"]
    chosen = next(i for i, v in enumerate(event.variants) if v.value["type"] == "MEET")
    adjudication.decide(meetings, reviewer, conflict_id=event.id, action="accept", variant=chosen, version=ANY_VERSION)
    conflicts = conflicts_text(client, reviewer, meetings, language)
    place = meet.roles.get(key="Place")
    factuality = project.attribute_types.get(key="factuality")
    reported = next(v for v in factuality.values if v["key"] == "REPORTED")
    assert getattr(place, name) in conflicts and getattr(factuality, name) in conflicts
    assert reported[name] in conflicts
    assert not [key for key in KEYS if re.search(rf"\b{key}\b", conflicts)], conflicts


def test_adjudication_decisions_name_the_action_and_the_words(client, meetings, reviewer):
    from annotate.services import adjudication

    state = adjudication.open_adjudication(meetings, reviewer, force=True)
    [event] = [c for c in state.open if c.kind == "event"]
    adjudication.decide(meetings, reviewer, conflict_id=event.id, action="reject", version=ANY_VERSION)
    html = page(client, reviewer, reverse("adjudicate", args=[meetings.project.slug, meetings.pk]), "en")
    decisions = html[html.index('class="decisions"'):]
    decisions = visible_text(decisions[:decisions.index("</details>")])
    assert "rejected" in decisions and "pre-accepted what annotators agree on" in decisions
    # The words decided on, not the conflict's internal id («event:MEET:…») nor the raw action.
    assert "«التقى»" in decisions and "MEET" not in decisions and "reject " not in decisions


@pytest.mark.parametrize("language", ["ar", "en"])
def test_history_lines_name_actions_types_and_roles(client, document, annotator, language):
    own = services.own_set(document, annotator)
    start, end = where(document, "التقى")
    event = services.create_event(own, annotator, event_type="MEET", trigger_start=start, trigger_end=end,
                                  version=ANY_VERSION, attributes={"factuality": "ASSERTED"})
    s, e = where(document, "سمير داود")
    services.add_argument_from_selection(event, annotator, role="Participant", entity_type="PER", start=s, end=e,
                                         version=ANY_VERSION)
    html = page(client, annotator, reverse("set_history", args=[own.pk]), language)
    lines = visible_text(html[html.index("<tbody>"):html.index("</tbody>")])
    raw = (*KEYS, "insert", "update", "delete", "argument", "span")
    assert not [key for key in raw if re.search(rf"\b{key}\b", lines)], lines
    if language == "en":
        assert "added role filler: Participant: Person «سمير داود» in Meeting «التقى»" in " ".join(lines.split())
        assert "Meeting «التقى» Factuality: asserted" in " ".join(lines.split())
    else:
        assert "مشارك: شخص «سمير داود» في لقاء «التقى»" in " ".join(lines.split())


def test_every_recorded_action_has_a_name():
    """Undo messages and the history name each action («إنشاء مدخل في قاعدة المعرفة من وسم»),
    never its internal name (kb_create_from_span)."""
    from pathlib import Path

    from annotate.services import adjudication
    from annotate.services.schema_changes import MERGE
    from annotate.views.events import ACTION_LABELS

    services_dir = Path(adjudication.__file__).parent
    source = "\n".join(path.read_text(encoding="utf-8") for path in services_dir.glob("*.py"))
    actions = set(re.findall(r'recorded\(\s*\w+,\s*"([a-z_]+)"', source))
    actions |= {f"adjudication_{action}" for action in adjudication.SETTLING} | {MERGE}
    assert len(actions) > 20 and not actions - set(ACTION_LABELS), sorted(actions - set(ACTION_LABELS))
