"""The schema editor in a real browser: an admin adds an entity type and an event type
with two roles (the preview follows the typing), and a type in use cannot be deleted
until it is merged into another one."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from annotate import services
from annotate.models import Argument, Span
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.models import EntityType, EventType, Membership, Role
from corpus.presets import create_project_from_preset
from tests.e2e.conftest import add_entity_type, add_event_type, add_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = "قالت المتحدثة ليلى حمدان إن الوفد وصل إلى بيروت صباح الأحد."


def test_admin_edits_the_schema_and_cannot_delete_a_type_in_use(page, live_server, log_in):
    project = create_project_from_preset("أخبار", slug="akhbar", preset="news-ar")
    admin = get_user_model().objects.create_user("rana", password="pass-rana-1")
    annotator = get_user_model().objects.create_user("sami", password="pass-sami-1")
    Membership.objects.create(project=project, user=admin, role=Role.ADMIN)
    Membership.objects.create(project=project, user=annotator, role=Role.ANNOTATOR)
    url = live_server.url
    log_in("rana", "pass-rana-1")
    schema_url = url + reverse("schema_editor", args=[project.slug])
    page.goto(schema_url)

    # An entity type: the preview shows its palette button while it is typed.
    add_entity_type(page, "WEAPON", "سلاح", "Weapon", "#1a4f8b", "ذ")
    weapon = EntityType.objects.get(project=project, key="WEAPON")
    assert (weapon.colour, weapon.shortcut) == ("#1a4f8b", "ذ")

    # An event type, then two roles; the preview's event panel shows a role being typed.
    add_event_type(page, "ATTACK", "هجوم", "Attack", "هاجم\nقصف")
    attack = EventType.objects.get(project=project, key="ATTACK")
    for key, name, allowed in (("Attacker", "المهاجم", ["PER", "ORG"]), ("Weapon", "السلاح", ["WEAPON"])):
        add_role(page, schema_url, attack.pk, key, name, allowed)
    roles = {r.key: sorted(r.allowed_types.values_list("key", flat=True)) for r in attack.roles.all()}
    assert roles == {"Attacker": ["ORG", "PER"], "Weapon": ["WEAPON"]}

    # A person marked by the annotator: PER cannot be deleted, the refusal gives the counts.
    add_documents(project, [DocumentRecord(external_id="n-1", title="وصول", text=TEXT)])
    document = project.documents.get()
    start = TEXT.index("ليلى حمدان")
    services.create_span(services.own_set(document, annotator), annotator, entity_type="PER", start=start,
                         end=start + len("ليلى حمدان"), version=services.ANY_VERSION)
    person = EntityType.objects.get(project=project, key="PER")
    page.goto(schema_url)
    page.click(f"#entity-{person.pk} > summary")
    page.click(f"#entity-{person.pk} form[action$='/delete/'] button")
    refusal = page.wait_for_selector(".messages li.error")
    assert "مستخدم في وسم واحد ضمن وثيقة واحدة" in refusal.inner_text()
    assert EntityType.objects.filter(pk=person.pk).exists()

    # Merged into ORG (one undoable change), PER is unused and goes.
    page.click(f"#entity-{person.pk} > summary")
    page.select_option(f"#entity-{person.pk} .merge-form select", label="منظمة (ORG)")  # the name, its key beside it
    page.click(f"#entity-{person.pk} .merge-form button")
    page.wait_for_selector("#undo-merge")
    assert Span.objects.get().entity_type.key == "ORG"
    page.click(f"#entity-{person.pk} > summary")
    page.click(f"#entity-{person.pk} form[action$='/delete/'] button")
    page.wait_for_selector(".messages li.success")
    assert not EntityType.objects.filter(pk=person.pk).exists()


def test_admin_narrows_a_role_in_use_in_one_step_and_undoes_it(page, live_server, log_in):
    """Leaving a type out of a role it fills is refused, with the offer to narrow the role
    and remove those arguments in one step; the undo button takes both back."""
    project = create_project_from_preset("أخبار", slug="akhbar", preset="news-ar")
    admin = get_user_model().objects.create_user("rana", password="pass-rana-1")
    annotator = get_user_model().objects.create_user("sami", password="pass-sami-1")
    Membership.objects.create(project=project, user=admin, role=Role.ADMIN)
    Membership.objects.create(project=project, user=annotator, role=Role.ANNOTATOR)
    add_documents(project, [DocumentRecord(external_id="n-1", title="وصول", text=TEXT)])
    own = services.own_set(project.documents.get(), annotator)
    spans = {}
    for word, entity_type in (("ليلى حمدان", "PER"), ("بيروت", "GPE")):
        start = TEXT.index(word)
        spans[entity_type] = services.create_span(own, annotator, entity_type=entity_type, start=start,
                                                  end=start + len(word), version=services.ANY_VERSION)
    start = TEXT.index("وصل")
    event = services.create_event(own, annotator, event_type="MEET", trigger_start=start, trigger_end=start + 3,
                                  version=services.ANY_VERSION)
    for span in spans.values():
        services.add_argument(event, annotator, role="Participant", span=span, version=services.ANY_VERSION)
    role = event.event_type.roles.get(key="Participant")
    gpe = EntityType.objects.get(project=project, key="GPE")

    log_in("rana", "pass-rana-1")
    page.goto(live_server.url + reverse("schema_editor", args=[project.slug]))
    page.click(f"#event-{event.event_type_id} > summary")
    page.click(f"#role-{role.pk} > summary")
    page.uncheck(f"#role-{role.pk} input[name=allowed][value='{gpe.pk}']")
    page.click(f"#role-{role.pk} .role-form button[type=submit]")
    offer = page.wait_for_selector("#narrow-offer")
    assert "عنصر واحد في وثيقة واحدة (وصول)" in offer.inner_text()  # how many, in which documents
    assert Argument.objects.count() == 2  # offered, not done

    page.click("#narrow-and-remove")
    page.wait_for_selector("#undo-merge")
    assert list(Argument.objects.values_list("span__entity_type__key", flat=True)) == ["PER"]
    assert "GPE" not in role.allowed_types.values_list("key", flat=True)
    page.click("#undo-merge")
    page.wait_for_selector(".messages li.success")
    assert sorted(Argument.objects.values_list("span__entity_type__key", flat=True)) == ["GPE", "PER"]
    assert "GPE" in role.allowed_types.values_list("key", flat=True)
