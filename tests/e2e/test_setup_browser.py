"""A project set up in a real browser, from a fresh database with one staff user and no
shell: create the project, write its guidelines (with the live preview), create two
users, add them as members; one of them chooses a password from the link and sees the
project."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from corpus.models import Membership, Project
from tests.e2e.conftest import choose_password, create_site_user, log_in_on

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_set_up_a_project_and_a_member_sees_it(page, browser, live_server):
    get_user_model().objects.create_user("staff", password="pass-staff-1", is_staff=True)
    url = live_server.url
    log_in_on(page, url, "staff", "pass-staff-1")
    assert page.locator("html").get_attribute("dir") == "rtl"

    # New project from the home page; the slug is suggested as the name is typed.
    page.click(f"a[href='{reverse('project_new')}']")
    page.fill("#id_name", "Gulf News")
    page.wait_for_selector("#slug-suggestion:has-text('gulf-news')")
    page.select_option("#id_schema", "news-ar")
    page.click("form.setup-form button[type=submit]")
    page.wait_for_url(url + reverse("members", args=["gulf-news"]))
    project = Project.objects.get(slug="gulf-news")

    # Guidelines, previewed as they are typed (raw HTML stays text), then saved.
    page.goto(url + reverse("project_settings", args=["gulf-news"]))
    page.fill("#id_guidelines", "## الأشخاص\n\nيُوسَم **الاسم** دون اللقب. <b>لا</b>")
    page.wait_for_selector("#guidelines-preview h2:has-text('الأشخاص')")
    assert page.locator("#guidelines-preview strong").inner_text() == "الاسم"
    assert page.locator("#guidelines-preview b").count() == 0
    page.click("form.setup-form button.primary")
    page.wait_for_selector(".messages li.success")
    project.refresh_from_db()
    assert project.guidelines.startswith("## الأشخاص")

    # Two users; each gets a one-time set-password link.
    page.goto(url + reverse("users"))
    hala_link = create_site_user(page, "hala", "hala@example.org")
    create_site_user(page, "omar", "")

    # Both join the project.
    page.goto(url + reverse("members", args=["gulf-news"]))
    for name, role in (("hala@example.org", "annotator"), ("omar", "reviewer")):
        page.fill("#id_user", name)
        page.select_option("#id_role", role)
        page.click("form.setup-form button[type=submit]")
        page.wait_for_selector(".messages li.success")
    assert dict(Membership.objects.filter(project=project).values_list("user__username", "role")) == {
        "staff": "admin", "hala": "annotator", "omar": "reviewer"}

    # Hala, in her own browser, chooses a password, logs in and sees the project.
    context = browser.new_context(locale="ar")
    hala = context.new_page()
    hala.set_default_timeout(10_000)
    choose_password(hala, hala_link, "hala-passphrase-1")
    log_in_on(hala, url, "hala", "hala-passphrase-1")
    hala.click("a:has-text('Gulf News')")
    hala.wait_for_url(url + reverse("project_detail", args=["gulf-news"]))
    hala.click(f"a[href='{reverse('guidelines', args=['gulf-news'])}']")
    assert hala.locator("article.guidelines strong").inner_text() == "الاسم"
    context.close()


def test_an_admin_gives_a_placeholders_work_to_a_real_account(page, live_server):
    """An archive import's placeholder (an inactive member) holds a set: the project's
    admin gives it to the person's real account on the members page."""
    from annotate import services
    from annotate.models import AnnotationSet
    from corpus.formats.base import DocumentRecord
    from corpus.importing import add_documents
    from corpus.presets import create_project_from_preset

    users = get_user_model().objects
    admin = users.create_user("lina", password="pass-lina-1")
    ghost = users.create_user("old-ann", is_active=False)
    users.create_user("sami", password="pass-sami-1")
    project = create_project_from_preset("أخبار الساحل", slug="coast", preset="news-ar")
    Membership.objects.bulk_create([Membership(project=project, user=admin, role="admin"),
                                    Membership(project=project, user=ghost, role="annotator")])
    add_documents(project, [DocumentRecord(external_id="c1", text="وصل الوفد إلى صيدا مساء الأحد.")])
    own = services.own_set(project.documents.get(), ghost)
    start = own.document.text.index("صيدا")
    services.create_span(own, ghost, entity_type="GPE", start=start, end=start + 4, version=own.version)

    log_in_on(page, live_server.url, "lina", "pass-lina-1")
    page.goto(live_server.url + reverse("members", args=["coast"]))
    page.click(f"#member-{ghost.pk} details.reassign > summary")
    page.fill(f"#reassign-{ghost.pk}", "sami")
    page.click(f"#member-{ghost.pk} details.reassign button[type=submit]")
    assert "sami" in page.wait_for_selector(".messages li.success").inner_text()
    assert page.locator(f"#member-{ghost.pk}").count() == 0  # the placeholder left the list
    assert AnnotationSet.objects.get(pk=own.pk).owner.username == "sami"
    assert Membership.objects.get(project=project, user__username="sami").role == "annotator"
