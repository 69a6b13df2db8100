"""Pages in a real browser: the home page shows each role its own work; the import report
names skipped duplicates and offers the next steps; a tagger that is not installed is
shown so, unticked and disabled."""
from __future__ import annotations

import pytest
from django.urls import reverse

from annotate.models import Job
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.models import Membership, Role
from corpus.presets import create_project_from_preset

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_gives_each_role_its_own_widgets(page, live_server, project, annotator, log_in):
    running = create_project_from_preset("مشروع الإدارة", slug="running", preset="news-ar")
    Membership.objects.create(project=running, user=annotator, role=Role.ADMIN)
    log_in("ann1", "pass-ann1")
    page.goto(live_server.url + reverse("home"))
    annotating = page.locator(f'tr[data-project="{project.slug}"]')
    admin = page.locator('tr[data-project="running"]')
    assert annotating.locator("button.pull-next").is_visible()
    assert admin.locator("button.pull-next").count() == 0 and admin.locator("progress").count() == 0
    assert admin.get_by_role("navigation").get_by_role("link").count() == 5
    admin.get_by_role("link", name="استيراد المستندات").click()
    page.wait_for_url(live_server.url + reverse("import_documents", args=["running"]))


def test_import_report_names_duplicates_and_offers_to_pretag_the_new_documents(
    page, live_server, project, admin_user, log_in
):
    add_documents(project, [DocumentRecord(external_id="old", title="خبر قديم", text="خبر سبق استيراده.")])
    log_in("admin1", "pass-admin1")
    page.goto(live_server.url + reverse("import_documents", args=[project.slug]))
    page.set_input_files("#id_files", files=[
        {"name": "again.txt", "mimeType": "text/plain", "buffer": "خبر سبق استيراده.".encode()},
        {"name": "fresh.txt", "mimeType": "text/plain", "buffer": "خبر جديد عن حلب.".encode()},
    ])
    page.click("#import-form button[type=submit]")
    report = page.locator("#import-report")
    report.locator(".totals").wait_for()
    again = report.locator("tr", has_text="again.txt")
    assert "تُخطّي" in again.inner_text() and "مستورد" not in again.locator("td").last.inner_text()
    assert again.get_by_role("link", name="خبر قديم").get_attribute("href") == reverse(
        "editor", args=[project.slug, project.documents.get(external_id="old").pk])
    fresh = project.documents.get(external_id="fresh")
    opened = report.locator("#import-open-first").get_attribute("href")
    assert opened == reverse("editor", args=[project.slug, fresh.pk])
    report.locator("#import-pretag").click()
    page.wait_for_url(live_server.url + reverse("pretag_page", args=[project.slug]))
    assert Job.objects.get(kind="pretag").params["documents"] == [fresh.pk]


def test_a_ner_that_is_not_installed_is_shown_disabled_with_its_reason(
    page, live_server, project, admin_user, log_in, tmp_path, monkeypatch
):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "empty"))
    log_in("admin1", "pass-admin1")
    page.goto(live_server.url + reverse("pretag_page", args=[project.slug]))
    box = page.locator('input[name=taggers][value=camel_ner]')
    assert box.is_disabled() and not box.is_checked()
    assert page.locator('input[name=taggers][value=dates]').is_checked()
    state = page.locator("#tagger-camel_ner").inner_text()
    assert "غير مثبّت" in state
    assert page.locator("#pretag-jobs .errors").count() == 0
