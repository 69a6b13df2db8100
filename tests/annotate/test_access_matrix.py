"""The access matrix: every URL pattern Django knows, fetched by eight identities, against
objects of two projects (tests/annotate/access_world.py). A route added without a row here
fails `test_every_route_has_a_row`.

Codes per identity, in the order of IDENTITIES; "no" is a refusal to a member of the
project (403 or 404: issue 14 asks for one rule, and either refuses without leaking). Who
is not a member, annotator B on annotator A's work (blind mode), and the second project's
admin always get 404, 401 or a redirect to the login page, never the object. GETs write
nothing: the rows of every table are counted before and after each one."""
from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from tests.annotate.access_world import IDENTITIES, all_routes, build_world, row_counts, url_for

REFUSED = {"no": (403, 404)}

# route name (or route, when it has no name): codes for
#   anon outsider ann_a ann_b reviewer admin other_admin staff
MATRIX = {
    'adjudicate': '302 404 404 404 200 200 404 404',
    'adjudicate_confirm': '405 405 405 405 405 405 405 405',
    'adjudicate_decide': '405 405 405 405 405 405 405 405',
    'adjudicate_remove_span': '405 405 405 405 405 405 405 405',
    'adjudicate_reopen': '405 405 405 405 405 405 405 405',
    'adjudicate_start': '405 405 405 405 405 405 405 405',
    'agreement': '302 404 404 404 200 200 404 404',
    'agreement_csv': '302 404 404 404 200 200 404 404',
    'agreement_document': '302 404 404 404 200 200 404 404',
    'agreement_document_csv': '302 404 404 404 200 200 404 404',
    'api-docs': '200 200 200 200 200 200 200 200',
    'api-schema': '200 200 200 200 200 200 200 200',
    'api:adjudication': '401 404 404 404 200 200 404 404',
    'api:adjudication-confirm': '401 404 404 404 405 405 404 404',
    'api:adjudication-decide': '401 404 404 404 405 405 404 404',
    'api:adjudication-reopen': '401 404 404 404 405 405 404 404',
    'api:agreement': '401 404 404 404 200 200 404 404',
    'api:agreement-document': '401 404 404 404 200 200 404 404',
    'api:argument': '401 404 200 404 200 200 404 404',
    'api:assignments': '401 404 404 404 404 200 404 404',
    'api:cluster': '401 404 200 200 200 200 404 404',
    'api:cluster-merge': '401 404  no  no 405 405 404 404',
    'api:clusters': '401 404 200 200 200 200 404 404',
    'api:archive-import': '401 404 404 404 404 404 404 404',
    'api:archive-imports': '401 404 404 404 404 404 404 405',
    'api:dataset-export': '401 404  no  no  no 200 404 404',
    'api:dataset-export-download': '401 404  no  no  no 404 404 404',
    'api:dataset-export-job': '401 404  no  no  no 200 404 404',
    'api:dataset-export-jobs': '401 404  no  no  no 405 404 404',
    'api:dataset-import': '401 404  no  no  no 405 404 404',
    'api:document': '401 404 200 200 200 200 404 404',
    'api:document-sets': '401 404 200 200 200 200 404 404',
    'api:documents': '401 404 200 200 200 200 404 404',
    'api:documents-import': '401 404  no  no  no 405 404 404',
    'api:entities': '401 404 200 200 200 200 404 404',
    'api:entity': '401 404 200 200 200 200 404 404',
    'api:entity-mentions': '401 404 200 200 200 200 404 404',
    'api:entity-merge': '401 404  no  no 405 405 404 404',
    'api:event': '401 404 200 404 200 200 404 404',
    'api:event-arguments': '401 404 405 404  no  no 404 404',
    'api:event-attributes': '401 404 405 404  no  no 404 404',
    'api:event-cluster': '401 404 405 404  no  no 404 404',
    'api:event-cluster-create': '401 404 405 404  no  no 404 404',
    'api:member': '401 404  no  no  no 200 404 404',
    'api:member-reassign': '401 404  no  no  no 405 404 404',
    'api:members': '401 404  no  no  no 200 404 404',
    'api:pretag': '401 404  no  no  no 405 404 404',
    'api:pretag-evaluation': '401 404  no  no  no 200 404 404',
    'api:pretag-job': '401 404  no  no  no 404 404 404',
    'api:pretag-ner-model': '401 404  no  no  no 200 404 404',
    'api:pretag-retrain': '401 404  no  no  no 405 404 404',
    'api:project-archive-download': '401 404  no  no  no 404 404 404',
    'api:project-archive-job': '401 404  no  no  no 404 404 404',
    'api:project-archive-jobs': '401 404  no  no  no 405 404 404',
    'api:project': '401 404 200 200 200 200 404 404',
    'api:project-schema': '401 404 200 200 200 200 404 404',
    'api:projects': '401 200 200 200 200 200 200 200',
    'api:queue': '401 404 200 200 200 200 404 404',
    'api:queue-next': '401 404 405 405 405 405 404 404',
    'api:relation': '401 404 200 404 200 200 404 404',
    'api:set': '401 404 200 404 200 200 404 404',
    'api:set-events': '401 404 200 404 200 200 404 404',
    'api:set-relations': '401 404 200 404 200 200 404 404',
    'api:set-reopen': '401 404 405 404 405 405 404 404',
    'api:set-spans': '401 404 200 404 200 200 404 404',
    'api:set-submit': '401 404 405 404  no  no 404 404',
    'api:set-suggestions': '401 404 200 404 200 200 404 404',
    'api:span': '401 404 200 404 200 200 404 404',
    'api:span-create-entity': '401 404 405 404  no  no 404 404',
    'api:span-link': '401 404 405 404  no  no 404 404',
    'api:span-link-identical': '401 404 405 404  no  no 404 404',
    'api:suggestion-accept': '401 404 405 404  no  no 404 404',
    'api:suggestion-reject': '401 404 405 404  no  no 404 404',
    'api:suggestions-accept-all': '401 404 405 404  no  no 404 404',
    'api:workflow': '401 404 404 404 404 200 404 404',
    'argument_add': '405 405 405 405 405 405 405 405',
    'argument_remove': '405 405 405 405 405 405 405 405',
    'cluster_detail': '302 404 200 200 200 200 404 404',
    'cluster_event_panel': '302 404 200 404 200 200 404 404',
    'cluster_list': '302 404 200 200 200 200 404 404',
    'archive_import': '302 404 404 404 404 404 404 200',
    'dataset_export': '302 404 404 404 404 200 404 404',
    'dataset_export_download': '302 404 404 404 404 404 404 404',
    'dataset_export_jobs': '302 404 404 404 404 200 404 404',
    'editor': '302 404 200 200 200 200 404 404',
    'event_attribute': '405 405 405 405 405 405 405 405',
    'event_change_type': '405 405 405 405 405 405 405 405',
    'event_create': '405 405 405 405 405 405 405 405',
    'event_delete': '405 405 405 405 405 405 405 405',
    'guidelines': '302 404 200 200 200 200 404 404',
    'guidelines_preview': '302 405 405 405 405 405 405 405',
    'healthz': '503 503 503 503 503 503 503 503',
    'home': '302 200 200 200 200 200 200 200',
    'import_documents': '302 404 404 404 404 200 404 404',
    'javascript-catalog': '200 200 200 200 200 200 200 200',
    'kb_entity': '302 404 200 200 200 200 404 404',
    'kb_list': '302 404 200 200 200 200 404 404',
    'kb_span_panel': '302 404 200 404 200 200 404 404',
    'login': '200 200 200 200 200 200 200 200',
    'logout': '405 405 405 405 405 405 405 405',
    'member_reassign': '302 405 405 405 405 405 405 405',
    'member_remove': '302 405 405 405 405 405 405 405',
    'member_role': '302 405 405 405 405 405 405 405',
    'members': '302 404 404 404 404 200 404 404',
    'password_change': '302 200 200 200 200 200 200 200',
    'password_reset_confirm': '200 200 200 200 200 200 200 200',
    'pretag_evaluation': '302 404 404 404 404 200 404 404',
    'pretag_install_ner': '302 405 405 405 405 405 405 405',
    'pretag_job': '302 404 404 404 404 404 404 404',
    'pretag_page': '302 404 404 404 404 200 404 404',
    'pretag_retrain': '302 405 405 405 405 405 405 405',
    'pretag_start': '302 405 405 405 405 405 405 405',
    'project_archive': '302 405 405 405 405 405 405 405',
    'project_delete': '302 405 405 405 405 405 405 405',
    'project_detail': '302 404 200 200 200 200 404 404',
    'project_new': '302 404 404 404 404 404 404 200',
    'project_backup': '302 404 404 404 404 200 404 404',
    'project_backup_download': '302 404 404 404 404 404 404 404',
    'project_restore': '302 405 405 405 405 405 405 405',
    'project_settings': '302 404 404 404 404 200 404 404',
    'pull_next': '405 405 405 405 405 405 405 405',
    'relation_create': '405 405 405 405 405 405 405 405',
    'relation_delete': '405 405 405 405 405 405 405 405',
    'review_list': '302 404 404 404 200 200 404 404',
    'schema_add': '302 405 405 405 405 405 405 405',
    'schema_delete': '302 405 405 405 405 405 405 405',
    'schema_download': '302 404 404 404 404 200 404 404',
    'schema_editor': '302 404 404 404 404 200 404 404',
    'schema_merge': '302 405 405 405 405 405 405 405',
    'schema_merge_undo': '302 405 405 405 405 405 405 405',
    'schema_narrow': '302 405 405 405 405 405 405 405',
    'schema_preview': '302 404 404 404 404 200 404 404',
    'schema_save': '302 405 405 405 405 405 405 405',
    'set_history': '302 404 200 404 200 200 404 404',
    'set_language': '302 302 302 302 302 302 302 302',
    'set_redo': '405 405 405 405 405 405 405 405',
    'set_reopen': '405 405 405 405 405 405 405 405',
    'set_submit': '405 405 405 405 405 405 405 405',
    'set_undo': '405 405 405 405 405 405 405 405',
    'slug_suggestion': '302 404 404 404 404 404 404 200',
    'span_change_type': '405 405 405 405 405 405 405 405',
    'span_create': '405 405 405 405 405 405 405 405',
    'span_delete': '405 405 405 405 405 405 405 405',
    'span_panel': '302 404 200 404 200 200 404 404',
    'suggestion_accept': '302 405 405 405 405 405 405 405',
    'suggestion_reject': '302 405 405 405 405 405 405 405',
    'suggestions_accept_all': '302 405 405 405 405 405 405 405',
    'user_active': '302 405 405 405 405 405 405 405',
    'user_reset': '302 405 405 405 405 405 405 405',
    'users': '302 404 404 404 404 404 404 200',
    'workflow': '302 404 404 404 404 200 404 404',
}

ROUTES = dict(all_routes())


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module (two seconds), rolled back at its end; each request runs
    in its own rolled-back transaction, so no request sees another's writes."""
    _seen.clear()
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        world.clients = {}
        for identity in IDENTITIES:
            client = Client(raise_request_exception=False)
            if world.users[identity] is not None:
                client.force_login(world.users[identity])
            world.clients[identity] = client
        yield world
        transaction.set_rollback(True)


def fetch(world, identity: str, url: str, method: str = "get"):
    """The response and the tables whose row count it changed, rolled back."""
    with transaction.atomic():
        before = row_counts()
        response = getattr(world.clients[identity], method)(url)
        after = row_counts()
        transaction.set_rollback(True)
    return response, {table for table in before if before[table] != after[table]}


def matches(code: int, expected: str) -> bool:
    return code in REFUSED[expected] if expected in REFUSED else code == int(expected)


_seen: dict[str, dict[str, tuple[int, set]]] = {}


def observe(world, name: str) -> dict[str, tuple[int, set]]:
    """Each identity's GET of the route: (status, tables it wrote to), fetched once per
    module for both the status and the no-writes test."""
    if name not in _seen:
        url = url_for(ROUTES[name], world.first, world.users)
        _seen[name] = {}
        for identity in IDENTITIES:
            response, writes = fetch(world, identity, url)
            _seen[name][identity] = (response.status_code, writes)
    return _seen[name]


# Django's admin: everyone but site staff is sent to its login page; staff without model
# permissions (ours have none) reach only the index, their password and the admin's
# scripts, and are refused (403, or a redirect or 404 for what is not there) everywhere else.
ADMIN_OPEN_TO_STAFF = ("django-admin/", "django-admin/password_change/", "django-admin/password_change/done/",
                       "django-admin/jsi18n/")
ADMIN_ROWS = {"django-admin/login/": "200 200 200 200 200 200 200 302",
              "django-admin/logout/": "302 302 302 302 302 302 302 405"}
ADMIN_ROUTES = sorted(name for name, route in ROUTES.items() if route.startswith("django-admin/"))
REFUSED["ref"] = (302, 403, 404)


def admin_row(route: str) -> str:
    if route in ADMIN_ROWS:
        return ADMIN_ROWS[route]
    return "302 " * 7 + ("200" if route in ADMIN_OPEN_TO_STAFF else "ref")


def test_every_route_has_a_row():
    ours = set(ROUTES) - set(ADMIN_ROUTES)
    assert ours - set(MATRIX) == set(), "new routes need a row in MATRIX"
    assert set(MATRIX) - ours == set(), "rows for routes that no longer exist"


@pytest.mark.parametrize("name", ADMIN_ROUTES)
def test_django_admin_is_for_staff_only(db, world, name):
    expected = dict(zip(IDENTITIES, admin_row(ROUTES[name]).split(), strict=True))
    got = {identity: status for identity, (status, _) in observe(world, name).items()}
    wrong = {i: (got[i], expected[i]) for i in IDENTITIES if not matches(got[i], expected[i])}
    assert not wrong, f"GET {ROUTES[name]}: identity: (got, expected) {wrong}"


@pytest.mark.parametrize("name", sorted(set(MATRIX) & set(ROUTES)))
def test_route_answers_each_identity_as_tabled(db, world, name):
    expected = dict(zip(IDENTITIES, MATRIX[name].split(), strict=True))
    got = {identity: status for identity, (status, _) in observe(world, name).items()}
    wrong = {i: (got[i], expected[i]) for i in IDENTITIES if not matches(got[i], expected[i])}
    assert not wrong, f"GET {ROUTES[name]}: identity: (got, expected) {wrong}"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_get_writes_nothing(db, world, name):
    writes = {identity: tables for identity, (_, tables) in observe(world, name).items() if tables}
    assert not writes, f"GET {ROUTES[name]} wrote rows: {writes}"


# Routes into one annotator's work: annotator B may not even learn it exists.
BLIND_PREFIXES = ("sets/", "spans/", "events/", "arguments/", "relations/", "kb/span/", "clusters/event/")
# Routes that name an object; a password-reset link names only its own token.
# jsi18n/'s parameters are a language and a version, not an object of a project.
OBJECT_ROUTES = sorted(name for name, route in ROUTES.items()
                       if "<" in route and not route.startswith(("django-admin/", "set-password/", "jsi18n/")))
# Site staff manage the accounts; nobody else may.
STAFF_PREFIXES = ("users/",)
UNSAFE_METHODS = ("post", "put", "patch", "delete")


def operations(name: str) -> list[str]:
    """The unsafe methods a route's view implements: a DRF view's handlers; a page's
    writes are POSTs."""
    view = resolve_route(name)
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if cls is None:
        return ["post"]
    return [method for method in UNSAFE_METHODS if hasattr(cls, method)] or ["post"]


def resolve_route(name: str):
    from django.urls import get_resolver

    def walk(patterns, prefix: str):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                found = walk(pattern.url_patterns, prefix + str(pattern.pattern))
                if found:
                    return found
            elif prefix + str(pattern.pattern) == ROUTES[name]:
                return pattern.callback
        return None

    return walk(get_resolver().url_patterns, "")


def strangers(route: str) -> list[str]:
    if route.startswith(STAFF_PREFIXES):
        return ["outsider", "ann_a", "ann_b", "reviewer", "admin", "other_admin"]
    blind = route.removeprefix("api/").startswith(BLIND_PREFIXES)
    return ["outsider", "staff", "other_admin"] + (["ann_b"] if blind else [])


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_strangers_write_nothing_through_any_method(db, world, name):
    """Every operation (an empty body is enough: the object is looked up first) answers
    404 to whoever may not see the object, or 405 before looking; and writes nothing."""
    url = url_for(ROUTES[name], world.first, world.users)
    wrong = {}
    for method in operations(name):
        for identity in strangers(ROUTES[name]) + ["anon"]:
            response, writes = fetch(world, identity, url, method)
            allowed = (401, 302, 405) if identity == "anon" else (404, 405)
            if response.status_code not in allowed or writes:
                wrong[method, identity] = (response.status_code, writes)
    assert not wrong, f"{url}: {wrong}"


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_second_project_is_invisible_to_first_project_members(db, world, name):
    url = url_for(ROUTES[name], world.second, world.users)
    got = {identity: fetch(world, identity, url)[0].status_code for identity in ("ann_a", "ann_b", "reviewer", "admin")}
    assert set(got.values()) <= {404, 405}, f"GET {url}: {got}"


# Pages that take a form (their POST writes, or logs in); every other page only reads.
FORM_PAGES = {
    "agreement", "archive_import", "cluster_detail", "cluster_event_panel", "cluster_list", "dataset_export",
    "import_documents", "kb_entity", "kb_list", "kb_span_panel", "login", "members", "password_change",
    "password_reset_confirm", "pretag_page", "project_backup", "project_new", "project_settings", "users", "workflow",
}


def _reader(name: str) -> str | None:
    """An identity the page answers 200 (admin first: they reach the most)."""
    codes = dict(zip(IDENTITIES, MATRIX[name].split(), strict=True))
    return next((i for i in ("admin", "staff", "reviewer", "ann_a", "outsider", "anon") if codes[i] == "200"), None)


READ_ONLY_PAGES = sorted(name for name in MATRIX if not name.startswith("api") and name not in FORM_PAGES
                         and _reader(name) is not None)


@pytest.mark.parametrize("name", READ_ONLY_PAGES)
def test_read_only_pages_answer_post_with_405(db, world, name):
    """A page that only reads refuses a POST (405) rather than answering it like a GET, and writes nothing."""
    response, writes = fetch(world, _reader(name), url_for(ROUTES[name], world.first, world.users), "post")
    assert (response.status_code, writes) == (405, set()), f"POST {ROUTES[name]}"
