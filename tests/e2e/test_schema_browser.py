"""The schema editor in a real browser: an admin adds an entity type and an event type
with two roles (the preview follows the typing), and a type in use cannot be deleted
until it is merged into another one."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from annotate import services
from annotate.models import Span
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.models import EntityType, EventType, Membership, Role
from corpus.presets import create_project_from_preset

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = "قالت المتحدثة ليلى حمدان إن الوفد وصل إلى بيروت صباح الأحد."


def _log_in(page, url, username, password):
    page.goto(url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(url + reverse("home"))


def test_admin_edits_the_schema_and_cannot_delete_a_type_in_use(page, live_server):
    project = create_project_from_preset("أخبار", slug="akhbar", preset="news-ar")
    admin = get_user_model().objects.create_user("rana", password="pass-rana-1")
    annotator = get_user_model().objects.create_user("sami", password="pass-sami-1")
    Membership.objects.create(project=project, user=admin, role=Role.ADMIN)
    Membership.objects.create(project=project, user=annotator, role=Role.ANNOTATOR)
    url = live_server.url
    _log_in(page, url, "rana", "pass-rana-1")
    schema_url = url + reverse("schema_editor", args=[project.slug])
    page.goto(schema_url)

    # An entity type: the preview shows its palette button while it is typed.
    page.click("#add-entity summary")
    form = page.locator("#add-entity form")
    form.locator("input[name=key]").fill("WEAPON")
    form.locator("input[name=name_ar]").fill("سلاح")
    form.locator("input[name=name_en]").fill("Weapon")
    form.locator("input[name=colour]").fill("#1a4f8b")
    form.locator("input[name=shortcut]").fill("ذ")
    page.wait_for_selector("#schema-preview .type-btn[data-type=WEAPON]:has-text('سلاح')")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li.success")
    weapon = EntityType.objects.get(project=project, key="WEAPON")
    assert (weapon.colour, weapon.shortcut) == ("#1a4f8b", "ذ")

    # An event type, then two roles; the preview's event panel shows a role being typed.
    page.click("#add-event summary")
    form = page.locator("#add-event form")
    form.locator("input[name=key]").fill("ATTACK")
    form.locator("input[name=name_ar]").fill("هجوم")
    form.locator("input[name=name_en]").fill("Attack")
    form.locator("textarea[name=triggers]").fill("هاجم\nقصف")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li.success")
    attack = EventType.objects.get(project=project, key="ATTACK")
    for key, name, allowed in (("Attacker", "المهاجم", ["PER", "ORG"]), ("Weapon", "السلاح", ["WEAPON"])):
        page.goto(schema_url)
        page.click(f"#event-{attack.pk} > summary")
        add_role = page.locator(f"#event-{attack.pk} details.add.role")
        add_role.locator("summary").click()
        role_form = add_role.locator("form")
        role_form.locator("input[name=key]").fill(key)
        role_form.locator("input[name=name_ar]").fill(name)
        role_form.locator("input[name=name_en]").fill(key)
        for entity_key in allowed:
            role_form.locator(f"label.check:has-text('{entity_key}') input").first.check()
        page.wait_for_selector(f"#schema-preview .slot[data-role={key}]")
        role_form.locator("button[type=submit]").click()
        page.wait_for_selector(".messages li.success")
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
    assert "مستخدم في 1 وسم ضمن 1 وثيقة" in refusal.inner_text()
    assert EntityType.objects.filter(pk=person.pk).exists()

    # Merged into ORG (one undoable change), PER is unused and goes.
    page.click(f"#entity-{person.pk} > summary")
    page.select_option(f"#entity-{person.pk} .merge-form select", label="ORG")
    page.click(f"#entity-{person.pk} .merge-form button")
    page.wait_for_selector("#undo-merge")
    assert Span.objects.get().entity_type.key == "ORG"
    page.click(f"#entity-{person.pk} > summary")
    page.click(f"#entity-{person.pk} form[action$='/delete/'] button")
    page.wait_for_selector(".messages li.success")
    assert not EntityType.objects.filter(pk=person.pk).exists()
