"""The document list at any size: keyset pages (project page and API) visit every
document once, in import order, forwards and backwards; search by external id and by
the words of the title; plans that use the indexes, not OFFSET or a scan."""
from __future__ import annotations

import re

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from annotate.services import assignment
from corpus import listing
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents


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


def test_deep_pages_use_the_order_index(project):
    _documents(project, 50)
    documents = project.documents.all()
    with CaptureQueriesContext(connection) as queries:
        listing.keyset_page(documents, after=40, size=5)
    assert not any("OFFSET" in q["sql"] for q in queries.captured_queries)
    deep = documents.filter(order__gt=40).order_by("order")[:101]
    assert "Index Scan using document_order_unique" in _plan(deep, "sort", "bitmapscan")


TITLES = [
    "تقرير حلب عن المياه", "Al-Quds Report", "ŞEHİR haberleri", "تقرير2 دمشق", "foo_bar baz",
    "المياه في حلب", "حلبة السباق", "تقرير عن الطاقة", "report on WATER", "",
]
QUERIES = ["حلب", "حلب المياه", "تقرير", "quds", "QUDS report", "şehir", "تقرير2", "foo bar", "water", "wat",
           "غائب", "n-17", "n-17 حلب", "2", "المياه"]


def _varied(project, count):
    add_documents(project, [
        DocumentRecord(external_id=f"n-{i}", title=f"{TITLES[i % len(TITLES)]} {i}".strip(), text=f"نص {i}.")
        for i in range(count)
    ])


def _paged(found, size, **start) -> list[str]:
    """Every match, a keyset page at a time (forwards, or backwards from `before`)."""
    seen, page = [], listing.keyset_page(found, size=size, **start)
    backwards = "before" in start
    while True:
        seen += [d.external_id for d in (page.items[::-1] if backwards else page.items)]
        position = page.previous_before if backwards else page.next_after
        if position is None:
            return seen[::-1] if backwards else seen
        page = listing.keyset_page(found, size=size, **({"before": position} if backwards else {"after": position}))


def test_title_search_pages_give_every_match_in_import_order(project, monkeypatch):
    """Whichever way a page is found (one walk step, the index for the sparse rest, or
    walking on past many), it holds the same matches, in import order, as filtering
    every document and sorting them all."""
    _varied(project, 240)
    documents = project.documents.all()
    reference = {q: list(listing.search(documents, q).order_by("order").values_list("external_id", flat=True))
                 for q in QUERIES}
    assert reference["حلب"] and reference["quds"] == reference["QUDS report"] and reference["n-17"] == ["n-17"]
    assert reference["foo bar"] and not reference["غائب"] and reference["şehir"]
    for walk_rows, sparse in ((20_000, 1_000), (7, 3), (30, 2), (3, 500)):
        monkeypatch.setattr(listing, "WALK_ROWS", walk_rows)
        monkeypatch.setattr(listing, "SPARSE_MATCHES", sparse)
        for query in QUERIES:
            found = listing.matches(documents, query)
            assert _paged(found, 4) == reference[query], (walk_rows, sparse, query)
            assert _paged(found, 5, before=10**6) == reference[query], (walk_rows, sparse, query)
            middle = 120
            assert [d.external_id for d in found.fetch(3, after=middle)] == [
                e for e in reference[query] if int(e[2:]) > middle - 1][:3]


def _replayed_plans(run) -> list[tuple[str, tuple, str]]:
    """(SQL, parameters, plan) of each query `run` makes, each explained under the planner settings
    it ran with."""
    statements = []

    def record(execute, sql, params, many, context):
        if sql.startswith("SELECT"):  # not the savepoints
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        run()
    plans, settings = [], None
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE corpus_document")
        for sql, params in statements:
            if "set_config" in sql:
                settings = (sql, params)
                continue
            with transaction.atomic():
                if settings:
                    cursor.execute(*settings)
                cursor.execute("EXPLAIN " + sql, params)
                plans.append((sql, tuple(params or ()), "\n".join(row[0] for row in cursor.fetchall())))
                transaction.set_rollback(True)
            settings = None
    return plans


def test_a_title_search_page_never_sorts_every_match(project, monkeypatch):
    """The plan, not a timing: a page of a title search walks a bounded window of the
    order index (no sort), or takes at most SPARSE_MATCHES + 1 matches past it by bitmap
    scans (no order asked); neither sorts every match of a common word."""
    _varied(project, 400)
    monkeypatch.setattr(listing, "WALK_ROWS", 100)
    monkeypatch.setattr(listing, "SPARSE_MATCHES", 50)
    documents = project.documents.all()
    plans = _replayed_plans(lambda: listing.matches(documents, "حلب").fetch(101, after=20))
    (walk, walk_params, walk_plan), (beyond, beyond_params, beyond_plan), (page, _, _) = plans[0], plans[1], plans[-1]
    assert '"order" > %s' in walk and '"order" <= %s' in walk and {20, 120} <= set(walk_params)
    assert walk.endswith("LIMIT 101")
    assert "Index Scan using document_order_unique" in walk_plan and "Sort" not in walk_plan
    assert '"order" > %s' in beyond and 120 in beyond_params
    assert "ORDER BY" not in beyond and beyond.endswith("LIMIT 51")
    # Bitmap scans only (the title index, or the order index past the window where the
    # planner deems the words common), stopped at the limit; never a sort or a walk.
    assert "Bitmap Heap Scan" in beyond_plan and "Sort" not in beyond_plan and "Seq Scan" not in beyond_plan
    assert "Index Scan" not in beyond_plan.replace("Bitmap Index Scan", "")
    assert "LIMIT" not in page and '"id" IN' in page  # columns for the page's rows only
    # A common word: one walk step fills the page; the title index is not asked.
    plans = _replayed_plans(lambda: listing.matches(documents, "تقرير").fetch(11))
    assert len(plans) == 2 and plans[0][0].endswith("LIMIT 11") and "Sort" not in plans[0][2]
