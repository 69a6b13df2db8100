"""Knowledge-base pages and the editor's span panel: access, visibility, actions, query counts."""
from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotate import services
from annotate.models import KBEntity, Span
from annotate.services import kb
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from tests.annotate.test_kb_services import mark, version_of


@pytest.fixture
def document(kb_doc):
    """These tests annotate texts.KB_STORY; `own` (conftest) is the annotator's set on it."""
    return kb_doc


def client_for(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"  # messages are checked in English
    client.force_login(user)
    return client


@pytest.fixture
def fidan(project, reviewer):
    return kb.create_entity(project, reviewer, entity_type="PER", name="هاكان فيدان", aliases=["ه. فيدان"])


# --- the list ----------------------------------------------------------------------

def test_list_searches_across_spellings(project, annotator, fidan):
    response = client_for(annotator).get(reverse("kb_list", args=[project.slug]), {"q": "حقان فيدان"})
    assert response.status_code == 200
    assert "هاكان فيدان" in response.content.decode()


def test_list_search_as_htmx_returns_only_the_results(project, annotator, fidan):
    response = client_for(annotator).get(reverse("kb_list", args=[project.slug]), {"q": "فيدان"},
                                         HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="kb-results"') and "هاكان فيدان" in body
    assert "HX-Request" in response["Vary"]


def test_outsider_gets_404_everywhere(project, outsider, fidan, own, annotator):
    span = mark(own, annotator, "هاكان فيدان")
    client = client_for(outsider)
    assert client.get(reverse("kb_list", args=[project.slug])).status_code == 404
    assert client.get(reverse("kb_entity", args=[project.slug, fidan.pk])).status_code == 404
    assert client.get(reverse("kb_span_panel", args=[span.pk])).status_code == 404


def test_reviewer_creates_entities_annotator_cannot(project, reviewer, annotator):
    url = reverse("kb_list", args=[project.slug])
    body = {"name": "سمير داود", "type": "PER", "aliases": "سمير داوود\nس. داود", "description": "وزير"}
    assert client_for(annotator).post(url, body).status_code == 404
    assert not KBEntity.objects.exists()
    response = client_for(reviewer).post(url, body)
    entity = KBEntity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("kb_entity", args=[project.slug, entity.pk])
    assert entity.aliases == ["سمير داوود", "س. داود"]


def test_duplicate_name_is_explained(project, reviewer, fidan):
    client = client_for(reviewer)
    response = client.post(reverse("kb_list", args=[project.slug]), {"name": "هاكان فيدان", "type": "PER"}, follow=True)
    assert "already has a PER entity" in response.content.decode()
    assert KBEntity.objects.count() == 1


# --- an entity's page --------------------------------------------------------------

def test_entity_page_lists_mentions_with_context_and_editor_links(project, reviewer, fidan, own, annotator, document):
    span = mark(own, annotator, "هاكان فيدان", occurrence=1)
    kb.link_span(span, annotator, entity=fidan, version=version_of(own))
    body = client_for(reviewer).get(reverse("kb_entity", args=[project.slug, fidan.pk])).content.decode()
    assert "<mark>هاكان فيدان</mark>" in body
    assert "حقان فيدان سيزور" in body  # the context before the mention
    assert reverse("editor", args=[project.slug, document.pk]) + f"?span={span.pk}" in body


def test_annotator_sees_only_their_own_mentions(project, fidan, document, annotator, other_annotator, reviewer):
    mine, theirs = services.own_set(document, annotator), services.own_set(document, other_annotator)
    kb.link_span(mark(mine, annotator, "هاكان فيدان"), annotator, entity=fidan, version=version_of(mine))
    kb.link_span(mark(theirs, other_annotator, "هاكان فيدان", occurrence=2), other_annotator, entity=fidan,
                 version=version_of(theirs))
    url = reverse("kb_entity", args=[project.slug, fidan.pk])
    mine_page = client_for(annotator).get(url)
    assert mine_page.context["page"].paginator.count == 1
    assert "ann2" not in mine_page.content.decode()
    assert client_for(reviewer).get(url).context["page"].paginator.count == 2
    listed = client_for(annotator).get(reverse("kb_list", args=[project.slug]))
    assert [row["mentions"] for row in listed.context["rows"]] == [1]


def _add_linked_documents(project, user, entity, count: int, start: int) -> None:
    add_documents(project, [
        DocumentRecord(external_id=f"many-{i}", text=f"وصل هاكان فيدان إلى حلب في اليوم {i}.")
        for i in range(start, start + count)
    ])
    for document in project.documents.filter(external_id__startswith="many-"):
        annotation_set = services.own_set(document, user)
        if annotation_set.spans.exists():
            continue
        kb.link_span(mark(annotation_set, user, "هاكان فيدان"), user, entity=entity, version=version_of(annotation_set))


def test_entity_page_query_count_does_not_grow_with_mentions(project, reviewer, annotator, fidan):
    client = client_for(annotator)
    url = reverse("kb_entity", args=[project.slug, fidan.pk])
    _add_linked_documents(project, annotator, fidan, 2, 0)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).context["page"].paginator.count == 2
    _add_linked_documents(project, annotator, fidan, 8, 2)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).context["page"].paginator.count == 10
    assert len(many) == len(few) <= 10


def test_reviewer_merges_and_deletes_from_the_entity_page(project, reviewer, fidan, own, annotator):
    haqqan = kb.create_entity(project, reviewer, entity_type="PER", name="حقان فيدان")
    span = mark(own, annotator, "حقان فيدان")
    kb.link_span(span, annotator, entity=haqqan, version=version_of(own))
    client = client_for(reviewer)
    url = reverse("kb_entity", args=[project.slug, fidan.pk])
    client.post(url, {"action": "merge", "source": haqqan.pk})
    assert Span.objects.get(pk=span.pk).kb_entity_id == fidan.pk
    assert client_for(annotator).post(url, {"action": "delete"}).status_code == 404
    response = client.post(url, {"action": "delete"})
    assert response.status_code == 302 and not KBEntity.objects.filter(pk=fidan.pk).exists()
    assert Span.objects.get(pk=span.pk).kb_entity_id is None


# --- the editor's span panel ---------------------------------------------------------

def _panel(span) -> str:
    return reverse("kb_span_panel", args=[span.pk])


def test_panel_shows_ranked_candidates_of_the_span_type(project, reviewer, fidan, own, annotator):
    kb.create_entity(project, reviewer, entity_type="ORG", name="حقان فيدان للتجارة")
    span = mark(own, annotator, "حقان فيدان")
    response = client_for(annotator).get(_panel(span))
    candidates = [entity.name for entity, _match in response.context["candidates"]]
    assert candidates == ["هاكان فيدان"]  # the ORG is not offered for a PER mark
    assert f'data-version="{version_of(own)}"' in response.content.decode()


def test_panel_search_as_htmx_returns_only_the_candidates(fidan, own, annotator):
    span = mark(own, annotator, "أحمد سامي")
    response = client_for(annotator).get(_panel(span), {"q": "هاكان"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<ul id="kb-candidates"') and "هاكان فيدان" in body


def test_panel_link_answers_the_panel_and_the_new_version(fidan, own, annotator):
    span = mark(own, annotator, "هاكان فيدان")
    before = version_of(own)
    response = client_for(annotator).post(
        _panel(span), {"action": "link", "entity": fidan.pk, "version": before}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"tawsim:version": {"version": before + 1}}
    assert f'data-version="{before + 1}"' in response.content.decode()
    assert Span.objects.get(pk=span.pk).kb_entity_id == fidan.pk


def test_panel_refuses_a_stale_version_and_changes_nothing(fidan, own, annotator):
    span = mark(own, annotator, "هاكان فيدان")
    response = client_for(annotator).post(_panel(span), {"action": "link", "entity": fidan.pk, "version": 0})
    assert response.status_code == 409
    assert "changed elsewhere" in response.content.decode()
    assert Span.objects.get(pk=span.pk).kb_entity_id is None


def test_panel_refuses_a_type_mismatch_with_the_reason(project, reviewer, own, annotator):
    city = kb.create_entity(project, reviewer, entity_type="GPE", name="دمشق")
    span = mark(own, annotator, "هاكان فيدان")
    response = client_for(annotator).post(_panel(span),
                                          {"action": "link", "entity": city.pk, "version": version_of(own)})
    assert response.status_code == 422
    assert "marked PER" in response.content.decode() and "GPE" in response.content.decode()


def test_panel_create_then_link_all_identical(own, annotator):
    spans = [mark(own, annotator, "هاكان فيدان", occurrence=i) for i in range(3)]
    client = client_for(annotator)
    response = client.post(_panel(spans[0]), {"action": "create", "version": version_of(own)})
    assert response.status_code == 200
    entity = KBEntity.objects.get(name="هاكان فيدان")
    assert "Link the 2 other identical mentions" in response.content.decode()
    response = client.post(_panel(spans[0]), {"action": "link_all", "version": version_of(own)})
    assert "Linked 2 more mentions" in response.content.decode()
    assert Span.objects.filter(kb_entity=entity).count() == 3


def test_panel_unlink(fidan, own, annotator):
    span = mark(own, annotator, "هاكان فيدان")
    kb.link_span(span, annotator, entity=fidan, version=version_of(own))
    response = client_for(annotator).post(_panel(span), {"action": "unlink", "version": version_of(own)})
    assert response.status_code == 200 and Span.objects.get(pk=span.pk).kb_entity_id is None


def test_panel_of_another_annotators_span_is_404(document, other_annotator, annotator, fidan):
    theirs = services.own_set(document, other_annotator)
    span = mark(theirs, other_annotator, "هاكان فيدان")
    client = client_for(annotator)
    assert client.get(_panel(span)).status_code == 404
    linked = client.post(_panel(span), {"action": "link", "entity": fidan.pk, "version": version_of(theirs)})
    assert linked.status_code == 404
    assert Span.objects.get(pk=span.pk).kb_entity_id is None


def test_reviewer_reads_an_annotators_panel_without_actions(document, reviewer, annotator, own):
    span = mark(own, annotator, "هاكان فيدان")
    response = client_for(reviewer).get(_panel(span))
    assert response.status_code == 200 and 'name="action"' not in response.content.decode()
    assert client_for(reviewer).post(_panel(span), {"action": "unlink", "version": version_of(own)}).status_code == 404


def test_panel_text_is_escaped(project, reviewer, annotator):
    add_documents(project, [DocumentRecord(external_id="xss", text="قال <b>سمير</b> داود كلاما.")])
    own = services.own_set(project.documents.get(external_id="xss"), annotator)
    span = mark(own, annotator, "سمير")
    kb.create_entity(project, reviewer, entity_type="PER", name="سمير <script>x</script>")
    body = client_for(annotator).get(_panel(span)).content.decode()
    assert "<script>x</script>" not in body and "&lt;script&gt;" in body


def test_panel_after_a_link_shows_the_entry_not_none_close(fidan, own, annotator):
    span = mark(own, annotator, "حقان فيدان")
    response = client_for(annotator).post(_panel(span), {"action": "link", "entity": fidan.pk,
                                                         "version": version_of(own)})
    body = response.content.decode()
    assert 'id="kb-linked-entity"' in body and "هاكان فيدان" in body
    assert "is close to" not in body


def test_linking_a_new_spelling_adds_it_as_an_alias_in_the_history(fidan, own, annotator):
    span = mark(own, annotator, "حقان فيدان")
    client_for(annotator).post(_panel(span), {"action": "link", "entity": fidan.pk, "version": version_of(own)})
    fidan.refresh_from_db()
    assert fidan.aliases == ["ه. فيدان", "حقان فيدان"]
    changed = fidan.history.order_by("pgh_id").last()
    assert changed.pgh_context.metadata["action"] == "kb_link"
    assert changed.pgh_context.metadata["user"] == annotator.pk
    # A spelling the entry already knows (its name, up to normalisation) is not added twice.
    again = mark(own, annotator, "هاكان فيدان")
    kb.link_span(again, annotator, entity=fidan, version=version_of(own))
    fidan.refresh_from_db()
    assert fidan.aliases == ["ه. فيدان", "حقان فيدان"]


def test_date_marks_get_no_knowledge_base_panel_and_cannot_link(project, reviewer, own, annotator):
    span = mark(own, annotator, "دمشق", entity_type="DATE")
    detail = client_for(annotator).get(reverse("span_panel", args=[span.pk])).content.decode()
    assert 'id="kb-panel"' not in detail
    person = mark(own, annotator, "أحمد سامي")
    assert 'id="kb-panel"' in client_for(annotator).get(reverse("span_panel", args=[person.pk])).content.decode()
    day = kb.create_entity(project, reviewer, entity_type="DATE", name="دمشق")
    response = client_for(annotator).post(_panel(span), {"action": "link", "entity": day.pk,
                                                         "version": version_of(own)})
    assert response.status_code == 422 and "do not link to the knowledge base" in response.content.decode()
    assert client_for(annotator).post(_panel(span), {"action": "create", "version": version_of(own)}).status_code == 422
    assert Span.objects.get(pk=span.pk).kb_entity_id is None
