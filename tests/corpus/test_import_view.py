"""The import page: admins upload files; htmx gets the report partial, a plain post the page."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


def url(project) -> str:
    return reverse("import_documents", args=[project.slug])


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/octet-stream")


def post(client, project, files, htmx: bool = False, **data):
    client.cookies["django_language"] = "en"  # messages are checked in English
    headers = {}
    if htmx:
        headers["HTTP_HX_REQUEST"] = "true"
    return client.post(url(project), {"files": files, **data}, **headers)


def test_admin_sees_the_upload_form_with_progress(client, project, admin_user):
    client.force_login(admin_user)
    response = client.get(url(project))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'hx-encoding="multipart/form-data"' in page and 'enctype="multipart/form-data"' in page
    assert 'type="file" name="files" multiple' in page
    assert '<progress id="import-progress"' in page and '<script src="/static/import.js">' in page
    assert "htmx:xhr:progress" in (Path(__file__).resolve().parents[2] / "static" / "import.js").read_text()


@pytest.mark.parametrize("who", ["annotator", "outsider", "reviewer"])
def test_everyone_but_admins_gets_404(client, project, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(project)).status_code == 404
    assert post(client, project, [upload("a.txt", "نص")]).status_code == 404
    assert not project.documents.exists()


def test_anonymous_is_sent_to_log_in(client, project):
    response = client.get(url(project))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_plain_post_imports_and_renders_the_whole_page(client, project, admin_user):
    client.force_login(admin_user)
    response = post(client, project, [upload("cairo.txt", "خبر من القاهرة"), upload("bad.jsonl", "{oops\n")])
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith("<!DOCTYPE html>")
    assert "cairo.txt" in page and "1 document imported" in page and "1 file failed" in page
    assert "bad.jsonl, line 1: malformed JSON" in page
    assert list(project.documents.values_list("external_id", flat=True)) == ["cairo"]


def test_htmx_post_returns_only_the_report(client, project, admin_user):
    client.force_login(admin_user)
    response = post(client, project, [upload("a.txt", "خبر"), upload("b.txt", "خبر")], htmx=True)
    assert response.status_code == 200
    fragment = response.content.decode().strip()
    assert fragment.startswith('<section id="import-report"') and fragment.endswith("</section>")
    assert "<html" not in fragment and "<form" not in fragment
    assert "1 document imported" in fragment and "1 duplicate skipped" in fragment
    assert "HX-Request" in response["Vary"]


def test_format_and_text_column_are_passed_on(client, project, admin_user):
    client.force_login(admin_user)
    post(client, project, [upload("feed.data", "body,source\nخبر,وكالة\n")], format="csv", text_column="body")
    assert project.documents.get().meta == {"source": "وكالة"}


def test_file_names_and_errors_are_escaped(client, project, admin_user):
    client.force_login(admin_user)
    response = post(client, project, [upload("x.csv", "<script>alert(1)</script>\nنص\n")], htmx=True)
    fragment = response.content.decode()
    assert "<script>alert(1)</script>" not in fragment
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fragment


def test_no_file_shows_the_form_error(client, project, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    response = client.post(url(project), {"format": "txt"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not project.documents.exists()


def test_unknown_format_is_a_form_error(client, project, admin_user):
    client.force_login(admin_user)
    response = post(client, project, [upload("a.txt", "نص")], format="docx")
    assert "Select a valid choice" in response.content.decode()
    assert not project.documents.exists()
