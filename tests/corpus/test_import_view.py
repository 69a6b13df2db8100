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
    assert "<bdi>bad.jsonl</bdi>, line 1: malformed JSON" in page
    assert list(project.documents.values_list("external_id", flat=True)) == ["cairo"]


def test_htmx_post_returns_only_the_report(client, project, admin_user):
    client.force_login(admin_user)
    response = post(client, project, [upload("a.txt", "خبر"), upload("b.txt", "خبر")], htmx=True)
    assert response.status_code == 200
    fragment = response.content.decode().strip()
    assert fragment.startswith('<section id="import-report"') and fragment.endswith("</section>")
    assert "<html" not in fragment and 'id="import-form"' not in fragment
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


def test_duplicates_are_reported_as_skipped_naming_the_document_they_repeat(client, project, admin_user):
    client.force_login(admin_user)
    post(client, project, [upload("first.txt", "خبر أول عن حلب")])
    original = project.documents.get()
    response = post(client, project, [upload("again.txt", "خبر أول عن حلب"), upload("new.txt", "خبر ثان عن حمص")])
    page = response.content.decode()
    row = page[page.index("again.txt"):page.index("new.txt")]
    editor = reverse("editor", args=[project.slug, original.pk])
    assert "Skipped" in row and "Imported" not in row.split("<td>")[-1]
    assert f'skipped (duplicate of <a href="{editor}"><bdi>first</bdi></a>)' in row
    assert "1 document imported" in page and "1 duplicate skipped" in page


def test_duplicate_counts_use_arabic_plurals(client, project, admin_user):
    client.force_login(admin_user)
    post(client, project, [upload("a.txt", "نص للتكرار")])
    client.cookies["django_language"] = "ar"
    again = [upload(f"{n}.txt", "نص للتكرار") for n in range(3)]
    page = client.post(url(project), {"files": again}).content.decode()
    assert "تُخطّيت 3 تكرارات" in page and "لم تُستورد أي وثيقة" in page
    assert page.count("تُخطّي (تكرار لـ<a href=") == 3


def test_the_report_offers_to_open_and_pretag_the_new_documents(client, project, admin_user):
    from annotate.models import Job

    client.force_login(admin_user)
    post(client, project, [upload("old.txt", "خبر قديم")])
    page = post(client, project, [upload("a.txt", "خبر جديد"), upload("b.txt", "خبر آخر")]).content.decode()
    new = list(project.documents.filter(external_id__in=["a", "b"]).order_by("order").values_list("pk", flat=True))
    assert reverse("editor", args=[project.slug, new[0]]) in page
    assert f'name="documents" value="{new[0]},{new[1]}"' in page and "Pre-tag the 2 new documents" in page
    response = client.post(reverse("pretag_start", args=[project.slug]), {"documents": f"{new[0]},{new[1]}"})
    assert response.status_code == 302
    assert Job.objects.get(kind="pretag").params["documents"] == new


def test_pretagging_named_documents_of_another_project_is_404(client, project, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("pretag_start", args=[project.slug]), {"documents": "999999"})
    assert response.status_code == 404
