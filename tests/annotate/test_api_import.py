"""Importing documents through the REST API: admins only, a report per file."""
from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _post(user, project, data):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client.post(f"/api/projects/{project.slug}/documents/import/", data, format="multipart")


def test_admin_imports_several_files(project, admin_user):
    lines = [{"id": "j1", "text": "وصل الوفد إلى حلب صباحاً."}, {"id": "j2", "text": "أمطار غزيرة في دمشق."}]
    jsonl = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode("utf-8")
    response = _post(admin_user, project, {"files": [_upload("news.jsonl", jsonl),
                                                     _upload("one.txt", "افتتح معرض الكتاب في القاهرة.".encode())]})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["imported"], body["duplicates"], body["failed"]) == (3, 0, 0)
    assert [(f["name"], f["imported"], f["failed"]) for f in body["files"]] == [("news.jsonl", 2, False), ("one.txt", 1, False)]
    assert sorted(project.documents.values_list("external_id", flat=True)) == ["j1", "j2", "one"]


def test_a_bad_file_is_400_with_its_reason_and_good_files_still_import(project, admin_user):
    good = _upload("good.txt", "زار سمير داود مدينة حلب.".encode())
    bad = _upload("bad.jsonl", b'{"text": "\xd8\xae\xd8\xa8\xd8\xb1"}\n{not json\n')
    response = _post(admin_user, project, {"files": [good, bad]})
    assert response.status_code == 400
    body = response.json()
    assert body["imported"] == 1 and body["failed"] == 1
    failed = next(f for f in body["files"] if f["failed"])
    assert failed["name"] == "bad.jsonl" and failed["imported"] == 0
    assert "bad.jsonl" in failed["errors"][0] and "2" in failed["errors"][0]  # the file and its line
    assert list(project.documents.values_list("external_id", flat=True)) == ["good"]


def test_csv_text_column_and_format_are_passed_on(project, admin_user):
    csv = "body,source\nانطلقت القمة في القاهرة.,وكالة\n".encode()
    response = _post(admin_user, project, {"files": [_upload("feed.data", csv)], "format": "csv", "text_column": "body"})
    assert response.status_code == 200, response.json()
    document = project.documents.get()
    assert document.text == "انطلقت القمة في القاهرة." and document.meta.get("source") == "وكالة"


def test_unknown_format_is_400_naming_the_field(project, admin_user):
    response = _post(admin_user, project, {"files": [_upload("a.txt", "نص".encode())], "format": "docx"})
    assert response.status_code == 400 and response.json()["field"] == "format"
    assert not project.documents.exists()


def test_no_files_is_400_naming_the_field(project, admin_user):
    response = _post(admin_user, project, {})
    assert response.status_code == 400 and response.json()["field"] == "files"


def test_reviewer_cannot_import(project, reviewer):
    response = _post(reviewer, project, {"files": [_upload("a.txt", "نص قصير.".encode())]})
    assert response.status_code == 404
    assert not project.documents.exists()
