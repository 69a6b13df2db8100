"""Two projects, each with one of every kind of object, and the eight identities the
access matrix asks about. Everything the routes point at belongs to annotator A of the
first project, so annotator B (blind mode) and the second project's admin must see none
of it."""
from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import get_resolver
from django.urls.resolvers import URLResolver

from annotate import services
from annotate.models import Job, Suggestion
from annotate.services import clusters, kb
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.models import Membership, Role

IDENTITIES = ("anon", "outsider", "ann_a", "ann_b", "reviewer", "admin", "other_admin", "staff")
TEXT = "استقبل الوزير كريم ناصر وفد الاتحاد في طرابلس صباح الأحد، وناقش معه خطة المياه."


def _user(name: str, **extra):
    return get_user_model().objects.create_user(username=name, password="pass-" + name, **extra)


def _objects(project, owner, admin) -> SimpleNamespace:
    add_documents(project, [DocumentRecord(external_id="m-1", title="زيارة", text=TEXT)])
    document = project.documents.get(external_id="m-1")
    own = services.own_set(document, owner)

    own.refresh_from_db()
    person = services.create_span(own, owner, entity_type="PER", start=TEXT.index("كريم ناصر"),
                                  end=TEXT.index("كريم ناصر") + 9, version=own.version)
    own.refresh_from_db()
    place = services.create_span(own, owner, entity_type="GPE", start=TEXT.index("طرابلس"),
                                 end=TEXT.index("طرابلس") + 6, version=own.version)
    own.refresh_from_db()
    trigger = TEXT.index("استقبل")
    event = services.create_event(own, owner, event_type="MEET", trigger_start=trigger, trigger_end=trigger + 6,
                                  version=own.version)
    own.refresh_from_db()
    argument = services.add_argument(event, owner, role="Participant", span=person, version=own.version)
    own.refresh_from_db()
    relation = services.create_relation(own, owner, relation_type="AFFILIATION", source=person, target=place,
                                        version=own.version)
    entity = kb.create_entity(project, admin, entity_type="PER", name="كريم ناصر")
    own.refresh_from_db()
    kb.link_span(person, owner, entity=entity, version=own.version)
    cluster = clusters.create_cluster(project, admin, name="زيارة طرابلس")
    own.refresh_from_db()
    clusters.join_cluster(event, owner, cluster=cluster, version=own.version)
    suggestion = Suggestion.objects.create(
        document=document, tagger="test", entity_type=project.entity_types.get(key="GPE"),
        start=place.start, end=place.end,
    )
    job = Job.objects.create(project=project, kind="export", status=Job.Status.DONE, created_by=admin)
    own.refresh_from_db()
    return SimpleNamespace(project=project, document=document, set=own, span=person, event=event,
                           argument=argument, relation=relation, entity=entity, cluster=cluster,
                           suggestion=suggestion, job=job, gold=services.gold_set(document))


def build_world() -> SimpleNamespace:
    from corpus.presets import create_project_from_preset

    first = create_project_from_preset("مشروع أول", slug="first", preset="news-ar")
    second = create_project_from_preset("مشروع ثان", slug="second", preset="news-ar")
    users = {"anon": None, "outsider": _user("outsider"), "staff": _user("staff", is_staff=True)}
    for name, role in (("ann_a", Role.ANNOTATOR), ("ann_b", Role.ANNOTATOR), ("reviewer", Role.REVIEWER),
                       ("admin", Role.ADMIN)):
        users[name] = _user(name)
        Membership.objects.create(project=first, user=users[name], role=role)
    users["other_admin"] = _user("other_admin")
    Membership.objects.create(project=second, user=users["other_admin"], role=Role.ADMIN)
    other_owner = _user("other_ann")
    Membership.objects.create(project=second, user=other_owner, role=Role.ANNOTATOR)
    return SimpleNamespace(
        users=users,
        first=_objects(first, users["ann_a"], users["admin"]),
        second=_objects(second, other_owner, users["other_admin"]),
    )


def all_routes() -> list[tuple[str, str]]:
    """(name, route) of every URL pattern, walking included resolvers; a pattern without a
    name is known by its route."""
    found = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                route = prefix + str(pattern.pattern)
                name = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else route
                found.append((name, route))

    walk(get_resolver().url_patterns, "", "")
    return found


# What each <int:pk> means follows the path segment before it.
PK_OF = {"documents": "document", "sets": "set", "spans": "span", "events": "event", "arguments": "argument",
         "relations": "relation", "kb": "entity", "clusters": "cluster"}
PARAM_OF = {"document_id": "document", "set_id": "set", "span_id": "span", "event_id": "event",
            "argument_id": "argument", "relation_id": "relation", "entity_id": "entity", "cluster_id": "cluster",
            "job_id": "job", "suggestion_id": "suggestion"}


def url_for(route: str, objects: SimpleNamespace, users: dict) -> str:
    """The route filled in with the objects' ids (regex admin routes by hand)."""
    if route.startswith("^") or "(?P<" in route:
        route = route.replace("^(?P<app_label>auth|authtoken|django_tasks_database)/$", "auth/")
        route = route.replace("(?P<url>.*)$", "no-such-page/")
    parts = route.split("/")
    original = list(parts)
    for i, part in enumerate(parts):
        if not part.startswith("<"):
            continue
        converter, _, name = part.strip("<>").rpartition(":")
        if name == "slug":
            value = objects.project.slug
        elif name == "pk" and original[i - 1] == "<str:kind>":
            value = objects.project.entity_types.get(key="PER").pk
        elif name == "pk" and original[i - 1] == "role":
            value = objects.argument.role_id
        elif name == "pk":
            value = getattr(objects, PK_OF[original[i - 1]]).pk
        elif name == "kind":
            value = "entity"
        elif name == "username":
            value = users["ann_a"].username
        elif name == "user_id":
            value = users["ann_a"].pk
        elif name in ("uidb64", "token", "version"):
            value = "x"
        elif name == "lang":
            value = "ar"
        elif name in PARAM_OF:
            value = getattr(objects, PARAM_OF[name]).pk
        elif name in ("object_id", "id"):
            value = users["ann_a"].pk
        elif name == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            value = ContentType.objects.get_for_model(get_user_model()).pk
        else:
            raise KeyError(f"no value for <{part}> in {route}")
        parts[i] = str(value)
    return "/" + "/".join(parts)


def row_counts() -> dict[str, int]:
    """Rows in every table of the public schema, in one query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))
