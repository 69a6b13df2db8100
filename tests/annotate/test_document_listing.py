"""The document list at any size: keyset pages (project page and API) visit every
document once, in import order, forwards and backwards; search by external id and by
the words of the title; plans that use the indexes, not OFFSET or a scan."""
from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from annotate.services import assignment
from corpus import listing
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.models import Document


def _documents(project, count):
    add_documents(project, [
        DocumentRecord(external_id=f"n-{i}", title=f"تقرير {'الخارجية' if i % 7 == 0 else 'الداخلية'} رقم {i}",
                       text=f"نص الخبر رقم {i} عن الاجتماع.") for i in range(count)
    ])
    return list(project.documents.order_by("order").values_list("external_id", flat=True))


def test_keyset_pages_walk_every_document_forwards_and_back(project):
    expected = _documents(project, 23)
    documents = project.documents.all()
    seen, pages, page = [], [], listing.keyset_page(documents, size=5)
    assert page.previous_before is None
    while True:
        pages.append([d.external_id for d in page.items])
        seen += pages[-1]
        if page.next_after is None:
            break
        page = listing.keyset_page(documents, after=page.next_after, size=5)
    assert seen == expected and [len(p) for p in pages] == [5, 5, 5, 5, 3]
    back = []
    while page.previous_before is not None:
        page = listing.keyset_page(documents, before=page.previous_before, size=5)
        back.append([d.external_id for d in page.items])
    assert back == pages[-2::-1]
    assert listing.keyset_page(documents, after="junk", size=5).items[0].external_id == "n-0"


def test_search_by_external_id_and_title_words(project):
    _documents(project, 30)
    found = lambda text: sorted(d.external_id for d in listing.search(project.documents.all(), text))  # noqa: E731
    assert found("n-12") == ["n-12"]
    assert found("الخارجية") == ["n-0", "n-14", "n-21", "n-28", "n-7"]
    assert found("الخار 21") == ["n-21"]  # each word a prefix, all of them
    assert found("غائب") == [] and found("'&|!") == []
    assert len(found("")) == 30


def test_project_page_pages_by_keyset_and_searches(project, reviewer, client):
    expected = _documents(project, 230)
    client.force_login(reviewer)
    url = reverse("project_detail", args=[project.slug])
    seen, next_url = [], url
    while next_url:
        html = client.get(next_url).content.decode()
        seen += re.findall(r'/documents/\d+/"><bdi>(.*?)</bdi>', html)  # the documents' links
        link = re.search(r'href="(\?[^"]*after=\d+)" rel="next"', html)
        next_url = url + link.group(1).replace("&amp;", "&") if link else None
    titles = dict(project.documents.values_list("external_id", "title"))
    assert seen == [titles[e] for e in expected]
    html = client.get(url, {"q": "الخارجية"}).content.decode()
    links = r'/documents/\d+/"><bdi>'
    assert len(re.findall(links, html)) == len([i for i in range(230) if i % 7 == 0]) and 'rel="next"' not in html
    nothing = client.get(url, {"q": "غائب"}).content.decode()
    assert not re.findall(links, nothing) and "لا وثيقة تطابق هذا البحث." in nothing


def test_api_pages_by_cursor_and_searches(project, annotator):
    expected = _documents(project, 150)
    api = APIClient()
    api.force_authenticate(annotator)
    url = f"/api/projects/{project.slug}/documents/"
    body = api.get(url, {"limit": 40}).json()
    seen = [d["external_id"] for d in body["results"]]
    while body["next"]:
        body = api.get(body["next"]).json()
        seen += [d["external_id"] for d in body["results"]]
    assert seen == expected and "count" not in body
    back = api.get(body["previous"]).json()
    assert [d["external_id"] for d in back["results"]] == expected[80:120]
    assert [d["external_id"] for d in api.get(url, {"q": "n-99"}).json()["results"]] == ["n-99"]
    assert len(api.get(url, {"q": "الخارجية"}).json()["results"]) == len(range(0, 150, 7))
    # Assignments narrow an annotator's list as before.
    assignment.assign_documents(project, annotators=[annotator], documents=list(project.documents.all()[:3]))
    assert len(api.get(url).json()["results"]) == 3


def _plan(queryset, *off) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE corpus_document")
        for method in ("seqscan", "indexscan", "bitmapscan", "sort"):  # a tiny table: ask which index it can use
            cursor.execute(f"SET LOCAL enable_{method} = {'off' if method == 'seqscan' or method in off else 'on'}")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_deep_pages_and_title_search_use_indexes(project):
    _documents(project, 50)
    documents = project.documents.all()
    with CaptureQueriesContext(connection) as queries:
        listing.keyset_page(documents, after=40, size=5)
    assert not any("OFFSET" in q["sql"] for q in queries.captured_queries)
    deep = documents.filter(order__gt=40).order_by("order")[:101]
    assert "Index Scan using document_order_unique" in _plan(deep, "sort", "bitmapscan")
    # The search's expression is the index's (any project: the project's own index aside).
    by_title = Document.objects.annotate(title_vector=listing.TITLE_VECTOR).filter(
        title_vector=listing.title_query("الخا"))
    assert "Bitmap Index Scan on document_title_words" in _plan(by_title.order_by(), "indexscan")
