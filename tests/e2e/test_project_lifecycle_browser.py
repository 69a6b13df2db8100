"""A project's whole life in a real browser, from a fresh database with one staff user and
no shell: create the project, its schema, guidelines, users and members; import a text;
two annotators (who chose their passwords from their links) each mark a span; the type in
use cannot be deleted without a merge; the project's archive, imported under a new slug,
exports the same archive again."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from annotate.models import Span
from corpus.models import EntityType, EventType, Membership, Project
from tests.annotate.archive_fixtures import canonical
from tests.e2e.conftest import (
    add_entity_type,
    add_event_type,
    add_role,
    choose_password,
    create_site_user,
    log_in_on,
    select_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = "استقبل رئيس البلدية نادر عيسى الوزير كريم الساعدي في مدينة صور صباح الخميس.\n"
SLUG = "sur-news"


def _download_archive(page, url, slug, path):
    """On the project's backup page: prepare an archive (a background job) and download it."""
    page.goto(url + reverse("project_backup", args=[slug]))
    page.click("form button.primary")
    link = page.locator("#archive-jobs a[href$='/download/']")
    with page.expect_download() as download:
        link.click()
    download.value.save_as(path)


def test_a_project_is_set_up_annotated_and_moved_in_the_browser(page, browser, live_server, tmp_path):
    get_user_model().objects.create_user("staff", password="pass-staff-1", is_staff=True)
    url = live_server.url
    log_in_on(page, url, "staff", "pass-staff-1")

    # A new project with an empty schema, from the home page.
    page.click(f"a[href='{reverse('project_new')}']")
    page.fill("#id_name", "Sur News")
    page.wait_for_selector(f"#slug-suggestion:has-text('{SLUG}')")
    page.select_option("#id_schema", "empty")
    page.click("form.setup-form button[type=submit]")
    page.wait_for_url(url + reverse("members", args=[SLUG]))
    project = Project.objects.get(slug=SLUG)

    # Its schema: one entity type, one event type with two roles.
    schema_url = url + reverse("schema_editor", args=[SLUG])
    page.goto(schema_url)
    add_entity_type(page, "PER", "شخص", "Person", "#1a4f8b", "7")
    add_event_type(page, "VISIT", "زيارة", "Visit", "استقبل\nزار")
    visit = EventType.objects.get(project=project, key="VISIT")
    add_role(page, schema_url, visit.pk, "Host", "المضيف", ["PER"])
    add_role(page, schema_url, visit.pk, "Guest", "الضيف", ["PER"])
    assert sorted(visit.roles.values_list("key", flat=True)) == ["Guest", "Host"]

    # Guidelines.
    page.goto(url + reverse("project_settings", args=[SLUG]))
    page.fill("#id_guidelines", "## الأشخاص\n\nيُوسَم **الاسم الكامل** دون المنصب.")
    page.wait_for_selector("#guidelines-preview strong")
    page.click("form.setup-form button.primary")
    page.wait_for_selector(".messages li.success")

    # Two annotators: created on the site users page, then added as members.
    page.goto(url + reverse("users"))
    links = {name: create_site_user(page, name, f"{name}@example.org") for name in ("dana", "fadi")}
    page.goto(url + reverse("members", args=[SLUG]))
    for name in links:
        page.fill("#id_user", name)
        page.select_option("#id_role", "annotator")
        page.click("form.setup-form button[type=submit]")
        page.wait_for_selector(".messages li.success")
    assert dict(Membership.objects.filter(project=project).values_list("user__username", "role")) == {
        "staff": "admin", "dana": "annotator", "fadi": "annotator"}

    # A plain-text file imported on the import page.
    page.goto(url + reverse("import_documents", args=[SLUG]))
    page.set_input_files("#id_files", files=[{"name": "sur.txt", "mimeType": "text/plain",
                                               "buffer": TEXT.encode()}])
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-report .totals")
    document = project.documents.get()

    # Each annotator chooses a password from the link, logs in and marks a name with the new type.
    for name, words in (("dana", "نادر عيسى"), ("fadi", "كريم الساعدي")):
        context = browser.new_context(locale="ar", viewport={"width": 1280, "height": 800})
        annotator = context.new_page()
        annotator.set_default_timeout(10_000)
        choose_password(annotator, links[name], f"{name}-passphrase-1")
        log_in_on(annotator, url, name, f"{name}-passphrase-1")
        annotator.goto(url + reverse("editor", args=[SLUG, document.pk]))
        select_in(annotator, words, 0, len(words))
        annotator.keyboard.press("7")
        annotator.locator(f'#doc-text mark[data-t="PER"]:not(.pending):has-text("{words.split()[0]}")').wait_for()
        context.close()
    marked = {(s.set.owner.username, TEXT[s.start:s.end]) for s in Span.objects.select_related("set__owner")}
    assert marked == {("dana", "نادر عيسى"), ("fadi", "كريم الساعدي")}

    # The type now in use cannot be deleted: the refusal gives the counts (Arabic dual) and
    # offers the merge instead.
    person = EntityType.objects.get(project=project, key="PER")
    page.goto(schema_url)
    page.click(f"#entity-{person.pk} > summary")
    page.click(f"#entity-{person.pk} form[action$='/delete/'] button")
    assert "مستخدم في وسمين ضمن وثيقة واحدة" in page.wait_for_selector(".messages li.error").inner_text()
    assert page.locator(f"#entity-{person.pk} .merge-form").count() == 1
    assert EntityType.objects.filter(pk=person.pk).exists()

    # Exported as an archive, imported under a new slug, it exports the same archive.
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    _download_archive(page, url, SLUG, first)
    page.goto(url + reverse("archive_import"))
    page.set_input_files("#id_archive", str(first))
    page.fill("#id_slug", "sur-news-copy")
    page.click("main form button.primary")
    page.locator(f"#archive-imports a[href='{reverse('project_detail', args=['sur-news-copy'])}']").wait_for()
    _download_archive(page, url, "sur-news-copy", second)
    a, b = canonical(first), canonical(second)
    assert a == b
    assert len(a["spans.jsonl"]) == 2 and len(a["members.jsonl"]) == 3 and a["project.json"]["guidelines"]
