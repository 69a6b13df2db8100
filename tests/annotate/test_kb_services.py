"""Knowledge-base services: entities, links, merge, delete, link-all; their refusals."""
from __future__ import annotations

import pytest

from annotate import services
from annotate.models import AnnotationSet, KBEntity, KBEntityHistory, Span, SpanHistory
from annotate.services import kb
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents


@pytest.fixture
def document(kb_doc):
    """These tests annotate texts.KB_STORY; `own` (conftest) is the annotator's set on it."""
    return kb_doc


def mark(annotation_set, user, text: str, entity_type: str = "PER", occurrence: int = 0) -> Span:
    full = annotation_set.document.text
    start = -1
    for _ in range(occurrence + 1):
        start = full.index(text, start + 1)
    version = AnnotationSet.objects.get(pk=annotation_set.pk).version
    return services.create_span(annotation_set, user, entity_type=entity_type, start=start,
                                end=start + len(text), version=version)


def version_of(annotation_set) -> int:
    return AnnotationSet.objects.get(pk=annotation_set.pk).version


# --- entities ----------------------------------------------------------------------

def test_create_entity_cleans_name_and_aliases(project, reviewer):
    entity = kb.create_entity(project, reviewer, entity_type="PER", name="  هاكان   فيدان ",
                              aliases=["حقان فيدان", "", "هاكان فيدان", "حقان  فيدان"])
    assert entity.name == "هاكان فيدان"
    assert entity.aliases == ["حقان فيدان"]
    history = KBEntityHistory.objects.get(pgh_obj_id=entity.pk)
    assert history.pgh_context.metadata == {"user": reviewer.pk, "action": "kb_create", "project": project.pk}


def test_a_name_is_unique_per_type_across_spellings(project, reviewer):
    first = kb.create_entity(project, reviewer, entity_type="PER", name="أحمد سامي")
    with pytest.raises(services.Invalid) as refused:
        kb.create_entity(project, reviewer, entity_type="PER", name="احمد سامي")
    assert refused.value.field == "name"
    assert "أحمد سامي" in refused.value.message and f"#{first.pk}" in refused.value.message
    # Another type may hold the same name.
    kb.create_entity(project, reviewer, entity_type="ORG", name="احمد سامي")


@pytest.mark.parametrize("name, field", [("   ", "name"), ("x" * 301, "name"), (5, "name")])
def test_bad_names_are_refused_naming_the_field(project, reviewer, name, field):
    with pytest.raises(services.Invalid) as refused:
        kb.create_entity(project, reviewer, entity_type="PER", name=name)
    assert refused.value.field == field


def test_aliases_must_be_a_list_of_names(project, reviewer):
    with pytest.raises(services.Invalid) as refused:
        kb.create_entity(project, reviewer, entity_type="PER", name="سمير", aliases="سامر")
    assert refused.value.field == "aliases"
    with pytest.raises(services.Invalid) as refused:
        kb.create_entity(project, reviewer, entity_type="PER", name="سمير", aliases=["سامر", 3])
    assert refused.value.field == "aliases[1]"


def test_unknown_entity_type_is_named(project, reviewer):
    with pytest.raises(services.Invalid, match="NOPE"):
        kb.create_entity(project, reviewer, entity_type="NOPE", name="سمير")


def test_update_entity_renames_and_refuses_a_taken_name(project, reviewer):
    fidan = kb.create_entity(project, reviewer, entity_type="PER", name="هاكان فيدان")
    kb.create_entity(project, reviewer, entity_type="PER", name="أحمد سامي")
    kb.update_entity(fidan, reviewer, name="هاكان فيدان", aliases=["حقان فيدان"], description="وزير")
    fidan.refresh_from_db()
    assert (fidan.aliases, fidan.description) == (["حقان فيدان"], "وزير")
    with pytest.raises(services.Invalid) as refused:
        kb.update_entity(fidan, reviewer, name="احمد سامى")
    assert refused.value.field == "name"
    assert KBEntity.objects.get(pk=fidan.pk).name == "هاكان فيدان"


# --- links -------------------------------------------------------------------------

def test_link_and_unlink_take_and_bump_the_version(project, reviewer, own, annotator):
    entity = kb.create_entity(project, reviewer, entity_type="PER", name="هاكان فيدان")
    span = mark(own, annotator, "هاكان فيدان")
    before = version_of(own)
    kb.link_span(span, annotator, entity=entity, version=before)
    assert Span.objects.get(pk=span.pk).kb_entity_id == entity.pk and version_of(own) == before + 1
    kb.unlink_span(span, annotator, version=before + 1)
    assert Span.objects.get(pk=span.pk).kb_entity_id is None and version_of(own) == before + 2
    actions = [h.pgh_context.metadata["action"] for h in SpanHistory.objects.filter(pgh_obj_id=span.pk).order_by("pgh_id")]
    assert actions == ["create_span", "kb_link", "kb_unlink"]


def test_type_mismatch_is_refused_with_a_clear_message(project, reviewer, own, annotator):
    city = kb.create_entity(project, reviewer, entity_type="GPE", name="دمشق")
    span = mark(own, annotator, "هاكان فيدان")
    with pytest.raises(services.Invalid) as refused:
        kb.link_span(span, annotator, entity=city, version=version_of(own))
    assert refused.value.field == "entity"
    assert "PER" in refused.value.message and "GPE" in refused.value.message and "دمشق" in refused.value.message
    assert Span.objects.get(pk=span.pk).kb_entity_id is None


def test_stale_version_is_refused_and_nothing_is_lost(project, reviewer, own, annotator):
    entity = kb.create_entity(project, reviewer, entity_type="PER", name="هاكان فيدان")
    span = mark(own, annotator, "هاكان فيدان")
    other = mark(own, annotator, "أحمد سامي")
    stale = version_of(own) - 1
    with pytest.raises(services.StaleVersion):
        kb.link_span(span, annotator, entity=entity, version=stale)
    with pytest.raises(services.StaleVersion):
        kb.create_entity_from_span(other, annotator, version=stale)
    assert Span.objects.get(pk=span.pk).kb_entity_id is None
    assert KBEntity.objects.filter(project=project).count() == 1


def test_submitted_set_is_refused(project, reviewer, own, annotator):
    entity = kb.create_entity(project, reviewer, entity_type="PER", name="هاكان فيدان")
    span = mark(own, annotator, "هاكان فيدان")
    services.submit_set(own, annotator, version=version_of(own))
    with pytest.raises(services.Invalid, match="submitted"):
        kb.link_span(span, annotator, entity=entity, version=version_of(own))


def test_entity_of_another_project_is_refused(project, reviewer, own, annotator):
    from corpus.presets import create_project_from_preset

    other = create_project_from_preset("آخر", slug="other", preset="news-ar")
    stranger = kb.create_entity(other, reviewer, entity_type="PER", name="هاكان فيدان")
    span = mark(own, annotator, "هاكان فيدان")
    with pytest.raises(services.Invalid, match="another project"):
        kb.link_span(span, annotator, entity=stranger, version=version_of(own))


def test_create_from_span_names_types_and_links_it_in_one_version(own, annotator):
    span = mark(own, annotator, "أحمد سامي")
    before = version_of(own)
    entity = kb.create_entity_from_span(span, annotator, version=before)
    assert (entity.name, entity.entity_type.key) == ("أحمد سامي", "PER")
    assert Span.objects.get(pk=span.pk).kb_entity_id == entity.pk and version_of(own) == before + 1


def test_create_from_span_refuses_a_name_already_in_the_kb(project, reviewer, own, annotator):
    kb.create_entity(project, reviewer, entity_type="PER", name="احمد سامي")
    span = mark(own, annotator, "أحمد سامي")
    with pytest.raises(services.Invalid, match="already has a PER entity"):
        kb.create_entity_from_span(span, annotator, version=version_of(own))


def test_link_all_identical_mentions_in_one_action(project, reviewer, own, annotator):
    first = mark(own, annotator, "هاكان فيدان", occurrence=0)
    mark(own, annotator, "هاكان فيدان", occurrence=1)
    mark(own, annotator, "هاكان فيدان", occurrence=2)
    variant = mark(own, annotator, "حقان فيدان")  # a different spelling: not identical
    other_type = mark(own, annotator, "دمشق", entity_type="GPE")
    fidan = kb.create_entity_from_span(first, annotator, version=version_of(own))
    before = version_of(own)
    linked = kb.link_identical_mentions(Span.objects.get(pk=first.pk), annotator, version=before)
    assert linked == 2
    assert version_of(own) == before + 1
    assert Span.objects.filter(set=own, kb_entity=fidan).count() == 3
    assert Span.objects.get(pk=variant.pk).kb_entity_id is None
    assert Span.objects.get(pk=other_type.pk).kb_entity_id is None


def test_link_all_matches_spelling_variants_and_leaves_other_links_alone(project, reviewer, annotator):
    text = "زار أحمد سامي حلب ثم عاد احمد سامي وقابل أَحمد سامي."
    add_documents(project, [DocumentRecord(external_id="kb-2", text=text)])
    own = services.own_set(project.documents.get(external_id="kb-2"), annotator)
    spans = [mark(own, annotator, name) for name in ("أحمد سامي", "احمد سامي", "أَحمد سامي")]
    other = kb.create_entity(project, reviewer, entity_type="PER", name="أحمد سامي الآخر")
    kb.link_span(spans[2], annotator, entity=other, version=version_of(own))
    chosen = kb.create_entity_from_span(spans[0], annotator, version=version_of(own))
    linked = kb.link_identical_mentions(Span.objects.get(pk=spans[0].pk), annotator, version=version_of(own))
    assert linked == 1
    assert Span.objects.get(pk=spans[1].pk).kb_entity_id == chosen.pk
    assert Span.objects.get(pk=spans[2].pk).kb_entity_id == other.pk  # never overwritten


def test_link_all_needs_a_linked_span(own, annotator):
    span = mark(own, annotator, "أحمد سامي")
    with pytest.raises(services.Invalid, match="not linked"):
        kb.link_identical_mentions(span, annotator, version=version_of(own))


# --- merge and delete -------------------------------------------------------------

def test_merge_moves_mentions_and_keeps_the_spellings(project, reviewer, own, annotator, other_annotator, document):
    hakan = kb.create_entity(project, reviewer, entity_type="PER", name="هاكان فيدان")
    haqqan = kb.create_entity(project, reviewer, entity_type="PER", name="حقان فيدان", aliases=["ح. فيدان"])
    mine = mark(own, annotator, "حقان فيدان")
    kb.link_span(mine, annotator, entity=haqqan, version=version_of(own))
    theirs_set = services.own_set(document, other_annotator)
    theirs = mark(theirs_set, other_annotator, "حقان فيدان")
    kb.link_span(theirs, other_annotator, entity=haqqan, version=version_of(theirs_set))
    versions = (version_of(own), version_of(theirs_set))
    moved = kb.merge_entities(hakan, haqqan, reviewer)
    assert moved == 2
    assert set(Span.objects.filter(kb_entity=hakan).values_list("pk", flat=True)) == {mine.pk, theirs.pk}
    assert not KBEntity.objects.filter(pk=haqqan.pk).exists()
    hakan.refresh_from_db()
    assert hakan.aliases == ["حقان فيدان", "ح. فيدان"]
    assert (version_of(own), version_of(theirs_set)) == versions  # upkeep, not an edit of the sets
    assert SpanHistory.objects.filter(pgh_obj_id=mine.pk, pgh_context__metadata__action="kb_merge").exists()


def test_merge_refuses_different_types_and_itself(project, reviewer):
    person = kb.create_entity(project, reviewer, entity_type="PER", name="حلب")
    city = kb.create_entity(project, reviewer, entity_type="GPE", name="حلب")
    with pytest.raises(services.Invalid, match="only entities of one type"):
        kb.merge_entities(city, person, reviewer)
    with pytest.raises(services.Invalid, match="itself"):
        kb.merge_entities(city, city, reviewer)


def test_delete_unlinks_mentions_and_records_it(project, reviewer, own, annotator):
    entity = kb.create_entity(project, reviewer, entity_type="PER", name="أحمد سامي")
    span = mark(own, annotator, "أحمد سامي")
    kb.link_span(span, annotator, entity=entity, version=version_of(own))
    entity_id = entity.pk
    assert kb.delete_entity(entity, reviewer) == 1
    assert Span.objects.get(pk=span.pk).kb_entity_id is None
    deleted = KBEntityHistory.objects.get(pgh_obj_id=entity_id, pgh_label="delete")
    assert deleted.pgh_context.metadata["action"] == "kb_delete"


# --- search ----------------------------------------------------------------------

def test_search_finds_variants_ranked_and_typed(project, reviewer):
    hakan = kb.create_entity(project, reviewer, entity_type="PER", name="هاكان فيدان")
    fidan = kb.create_entity(project, reviewer, entity_type="PER", name="فيدان")
    company = kb.create_entity(project, reviewer, entity_type="ORG", name="حقان فيدان للتجارة")
    found = [e.pk for e, _ in kb.search_entities(project, "حقان فيدان")]
    assert found[0] == hakan.pk and company.pk in found
    people = [e.pk for e, _ in kb.search_entities(project, "حقان فيدان", entity_type="PER")]
    assert people[0] == hakan.pk and company.pk not in people
    assert [e.pk for e, _ in kb.search_entities(project, "فيدان")][0] == fidan.pk  # exact first


def test_search_sees_changes_at_once(project, reviewer):
    entity = kb.create_entity(project, reviewer, entity_type="PER", name="سمير داود")
    assert [e.pk for e, _ in kb.search_entities(project, "سمير")] == [entity.pk]
    kb.update_entity(entity, reviewer, name="سامر داود")
    assert not any(match.exact for _, match in kb.search_entities(project, "سمير داود"))
    assert kb.search_entities(project, "سامر داود")[0][1].exact

