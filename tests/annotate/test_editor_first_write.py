"""Create on first write: opening the editor without a set writes nothing; the page
shows an empty, unsaved set (version 0) whose URLs name it as "mine-<document id>",
and the first accepted write creates it in the same transaction. A refused first write
leaves no set behind; the same URLs keep working once the set exists."""
import pytest
from django.urls import reverse

from annotate.models import AnnotationSet, Assignment, SetKind, SetStatus, Span, Suggestion
from annotate.set_refs import OwnSetOf

HTMX = {"HTTP_HX_REQUEST": "true"}


def editor_url(document):
    return reverse("editor", args=[document.project.slug, document.pk])


def mine(document, name: str, *args) -> str:
    return reverse(name, args=[OwnSetOf(document.pk), *args])


def word(document, text):
    start = document.text.index(text)
    return start, start + len(text)


def sets_of(user):
    return AnnotationSet.objects.filter(owner=user, kind=SetKind.ANNOTATOR)


@pytest.mark.parametrize("who", ["reviewer", "annotator", "admin_user"])
def test_opening_the_editor_creates_no_set(client, document, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(editor_url(document))
    html = response.content.decode()
    assert response.status_code == 200
    assert not sets_of(user).exists()
    assert 'data-version="0"' in html and 'data-set=""' in html
    assert f'data-create-url="{mine(document, "span_create")}"' in html
    assert f'action="{mine(document, "set_submit")}"' in html


def test_first_write_creates_the_set_and_the_same_urls_keep_working(client, document, reviewer):
    client.force_login(reviewer)
    start, end = word(document, "القاهرة")
    response = client.post(mine(document, "span_create"), {"type": "GPE", "start": start, "end": end, "version": 0},
                           **HTMX)
    assert response.status_code == 200 and 'data-version="1"' in response.content.decode()
    created = sets_of(reviewer).get()
    assert (created.document, created.version, created.status) == (document, 1, SetStatus.IN_PROGRESS)
    assert Span.objects.filter(set=created).count() == 1
    start, end = word(document, "سمير")
    response = client.post(mine(document, "span_create"), {"type": "PER", "start": start, "end": end, "version": 1},
                           **HTMX)
    assert response.status_code == 200
    assert sets_of(reviewer).get().version == 2 and Span.objects.filter(set=created).count() == 2
    # Once the set exists, the editor names it by its id again.
    html = client.get(editor_url(document)).content.decode()
    assert f'data-create-url="{reverse("span_create", args=[created.pk])}"' in html


def test_first_event_and_first_submit_create_the_set(client, meeting_doc, annotator, reviewer):
    client.force_login(annotator)
    trigger = meeting_doc.text.index("التقى")
    response = client.post(mine(meeting_doc, "event_create"),
                           {"type": "MEET", "start": trigger, "end": trigger + 5, "version": 0}, **HTMX)
    assert response.status_code == 200
    assert sets_of(annotator).get().events.count() == 1
    client.force_login(reviewer)
    response = client.post(mine(meeting_doc, "set_submit"), {"version": 0}, **HTMX)
    assert response.status_code == 200
    assert sets_of(reviewer).get().status == SetStatus.SUBMITTED


@pytest.mark.parametrize("name, data, status", [
    ("span_create", {"type": "NOPE", "start": 0, "end": 5, "version": 0}, 422),
    ("span_create", {"type": "PER", "start": 0, "end": 99999, "version": 0}, 422),
    ("span_create", {"type": "PER", "start": 0, "end": 5}, 400),
    ("set_undo", {"version": 0}, 422),
    ("set_reopen", {"version": 0}, 422),
])
def test_a_refused_first_write_leaves_no_set(client, document, reviewer, name, data, status):
    client.force_login(reviewer)
    response = client.post(mine(document, name), data, **HTMX)
    assert response.status_code == status
    assert not sets_of(reviewer).exists()


def test_a_second_tab_on_version_0_gets_409_and_changes_nothing(client, document, reviewer):
    """Two pages opened before the set existed: the first write creates it; the other
    page's version 0 is stale, as for any set."""
    client.force_login(reviewer)
    start, end = word(document, "القاهرة")
    client.post(mine(document, "span_create"), {"type": "GPE", "start": start, "end": end, "version": 0}, **HTMX)
    start, end = word(document, "سمير")
    response = client.post(mine(document, "span_create"), {"type": "PER", "start": start, "end": end, "version": 0},
                           **HTMX)
    assert response.status_code == 409
    assert sets_of(reviewer).get().version == 1 and Span.objects.filter(set__owner=reviewer).count() == 1


def test_history_of_a_set_not_created_yet_is_empty_and_writes_nothing(client, document, reviewer):
    client.force_login(reviewer)
    assert client.get(mine(document, "set_history")).status_code == 200
    assert not sets_of(reviewer).exists()


@pytest.mark.parametrize("who", ["outsider", "other_project_admin", "unassigned_annotator"])
def test_who_may_not_open_the_document_gets_404_and_no_set(client, document, project, who, request, django_user_model):
    from corpus.models import Membership, Role
    from corpus.presets import create_project_from_preset

    if who == "outsider":
        user = request.getfixturevalue("outsider")
    elif who == "other_project_admin":
        other = create_project_from_preset("مشروع آخر", slug="other", preset="news-ar")
        user = django_user_model.objects.create_user(username="other_admin", password="x")
        Membership.objects.create(project=other, user=user, role=Role.ADMIN)
    else:
        # Once the project hands out assignments, an annotator opens only what they were given.
        user = request.getfixturevalue("annotator")
        Assignment.objects.create(document=document, user=request.getfixturevalue("other_annotator"))
    client.force_login(user)
    start, end = word(document, "القاهرة")
    response = client.post(mine(document, "span_create"), {"type": "GPE", "start": start, "end": end, "version": 0},
                           **HTMX)
    assert response.status_code == 404
    assert not AnnotationSet.objects.filter(owner=user).exists()


def test_anonymous_post_to_an_own_set_url_writes_nothing(client, document):
    response = client.post(mine(document, "span_create"), {"type": "GPE", "start": 0, "end": 5, "version": 0})
    assert response.status_code in (302, 401, 404)
    assert not AnnotationSet.objects.exists()


def test_accepting_a_suggestion_first_creates_the_set(client, project, document, annotator):
    start, end = word(document, "القاهرة")
    suggestion = Suggestion.objects.create(document=document, tagger="test", start=start, end=end,
                                           entity_type=project.entity_types.get(key="GPE"))
    client.force_login(annotator)
    html = client.get(editor_url(document)).content.decode()
    assert "القاهرة" in html and not sets_of(annotator).exists()
    response = client.post(mine(document, "suggestion_accept", suggestion.pk), {"version": 0}, **HTMX)
    assert response.status_code == 204
    created = sets_of(annotator).get()
    assert created.version == 1 and Span.objects.get(set=created).start == start
