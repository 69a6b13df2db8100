"""Narrowing a role in use in one step (schema_changes.narrow_role, the schema editor's
offer): the role loses the types it no longer allows and the arguments filled with them
are removed, as one recorded action in every set they were in; undoing it puts back the
role and the arguments (same ids). Refused, changing nothing, when the count shown has
changed since or another rule of the role would still be broken."""
from __future__ import annotations

import pytest
from pghistory.models import Context

from annotate import services
from annotate.models import AnnotationSet, Argument, ArgumentHistory
from annotate.services import schema_changes as changes
from corpus.models import EntityType, RoleType

TEXT = "التقى وزير الخارجية سمير داود نظيره في القاهرة يوم ١٢ آذار 2021، وبحث الطرفان التعاون."


def _span(annotation_set, user, word: str, entity_type: str):
    start = TEXT.index(word)
    return services.create_span(annotation_set, user, entity_type=entity_type, start=start, end=start + len(word),
                                version=services.ANY_VERSION)


@pytest.fixture
def participants(project, document, annotator):
    """A MEET event whose Participant role is filled by a PER and by a GPE."""
    own = services.own_set(document, annotator)
    person, place = _span(own, annotator, "سمير داود", "PER"), _span(own, annotator, "القاهرة", "GPE")
    start = TEXT.index("التقى")
    event = services.create_event(own, annotator, event_type="MEET", trigger_start=start, trigger_end=start + 5,
                                  version=services.ANY_VERSION)
    kept = services.add_argument(event, annotator, role="Participant", span=person, version=services.ANY_VERSION)
    removed = services.add_argument(event, annotator, role="Participant", span=place, version=services.ANY_VERSION)
    return own, kept, removed


def _role(project) -> RoleType:
    return RoleType.objects.get(event_type__project=project, event_type__key="MEET", key="Participant")


def _types(project, *keys) -> list[EntityType]:
    return list(EntityType.objects.filter(project=project, key__in=keys))


def _narrow(project, admin_user, expected: int, **changed):
    role = _role(project)
    fields = {"key": role.key, "name_ar": role.name_ar, "name_en": role.name_en,
              "allowed": _types(project, "PER", "ORG"), "min_count": role.min_count, "max_count": role.max_count}
    return changes.narrow_role(admin_user, role, expected=expected, **{**fields, **changed})


def test_narrowing_removes_the_arguments_it_no_longer_allows_and_undo_puts_both_back(project, participants,
                                                                                      admin_user):
    own, kept, removed = participants
    allowed_before = set(_role(project).allowed_types.values_list("key", flat=True))
    assert changes.narrowing_offer(_role(project), _types(project, "PER", "ORG"))["count"] == 1
    version = AnnotationSet.objects.get(pk=own.pk).version
    merge_id = _narrow(project, admin_user, expected=1)
    assert set(_role(project).allowed_types.values_list("key", flat=True)) == {"PER", "ORG"}
    assert list(Argument.objects.filter(event__set=own).values_list("pk", flat=True)) == [kept.pk]
    assert AnnotationSet.objects.get(pk=own.pk).version == version + 1  # an open editor gets a stale version
    narrowing = Context.objects.get(metadata__set=own.pk, metadata__action=changes.NARROW)  # one action in the set
    assert list(ArgumentHistory.objects.filter(pgh_context=narrowing).values_list("pgh_obj_id", "pgh_label")) == [
        (removed.pk, "delete")]
    changes.undo_merge(admin_user, project, merge_id)
    assert set(_role(project).allowed_types.values_list("key", flat=True)) == allowed_before
    assert sorted(Argument.objects.filter(event__set=own).values_list("pk", flat=True)) == sorted([kept.pk,
                                                                                                  removed.pk])
    with pytest.raises(services.Invalid, match="undone already"):
        changes.undo_merge(admin_user, project, merge_id)


def test_a_count_changed_since_it_was_shown_is_refused(project, participants, admin_user):
    with pytest.raises(changes.InUse, match="changed since they were counted"):
        _narrow(project, admin_user, expected=2)
    assert Argument.objects.count() == 2
    assert "GPE" in _role(project).allowed_types.values_list("key", flat=True)


def test_another_rule_still_broken_refuses_it_all(project, participants, admin_user):
    own, kept, removed = participants
    with pytest.raises(changes.InUse, match="more than 1"):  # keeping GPE, a maximum of 1 is still crowded
        _narrow(project, admin_user, expected=0, allowed=_types(project, "PER", "GPE"), max_count=1)
    with pytest.raises(services.Invalid, match="The maximum of a role"):
        _narrow(project, admin_user, expected=1, max_count=40_000)
    assert Argument.objects.count() == 2
    assert "GPE" in _role(project).allowed_types.values_list("key", flat=True)


def _url(project, rest=""):
    return f"/projects/{project.slug}/schema/{rest}"


def test_the_editor_offers_it_after_the_refusal_and_undoes_it(client, project, participants, admin_user):
    own, kept, removed = participants
    role = _role(project)
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    form = {"key": role.key, "name_ar": role.name_ar, "name_en": role.name_en, "min_count": "0",
            "max_count": "", "allowed": [t.pk for t in _types(project, "PER", "ORG")]}
    page = client.post(_url(project, f"role/{role.pk}/"), form, follow=True).content.decode()
    assert "fill the role Participant with GPE" in page  # the refusal, as before
    assert 'id="narrow-offer"' in page
    assert "Narrowing the role Participant leaves out 1 argument in 1 document (لقاء)." in page
    assert "Narrow the role and remove this argument" in page
    assert Argument.objects.count() == 2  # offered, not done
    page = client.post(_url(project, f"role/{role.pk}/narrow/"), {**form, "expected": "1"}, follow=True)
    body = page.content.decode()
    assert "Narrowed the role Participant and removed 1 argument in 1 document." in body
    assert list(Argument.objects.values_list("pk", flat=True)) == [kept.pk]
    assert 'id="undo-merge"' in body and 'id="narrow-offer"' not in body
    page = client.post(_url(project, "merges/undo/"), {"merge": client.session["schema_last_merge"]["id"]},
                       follow=True)
    assert "The narrowing of Participant was undone" in page.content.decode()
    assert Argument.objects.count() == 2
    assert "GPE" in _role(project).allowed_types.values_list("key", flat=True)


def test_the_offer_is_for_admins_of_the_project_only(client, project, participants, annotator):
    role = _role(project)
    client.force_login(annotator)
    answer = client.post(_url(project, f"role/{role.pk}/narrow/"), {"expected": "1", "key": role.key})
    assert answer.status_code == 404 and Argument.objects.count() == 2
