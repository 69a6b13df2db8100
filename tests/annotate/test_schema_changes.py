"""Schema changes checked against the annotations that exist (annotate.services.schema_changes)."""
import pytest

from annotate import services
from annotate.models import AnnotationSet, Argument, Span, Suggestion
from annotate.services import schema_changes as changes
from annotate.services.base import StaleVersion
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.models import EntityType, EventType, RoleType

TEXT = "التقى وزير الخارجية سمير داود نظيره في القاهرة يوم ١٢ آذار 2021، وبحث الطرفان التعاون."
SECOND = "زار الوفد مدينة حلب وقابل سمير داود هناك."


def _at(text, word):
    start = text.index(word)
    return start, start + len(word)


@pytest.fixture
def marked(project, document, annotator, other_annotator):
    """PER spans in three sets of two documents; one PER fills a MEET Participant."""
    add_documents(project, [DocumentRecord(external_id="doc-2", title="زيارة", text=SECOND)])
    second = project.documents.get(external_id="doc-2")
    sets = []
    for user, doc in ((annotator, document), (other_annotator, document), (annotator, second)):
        annotation_set = services.own_set(doc, user)
        start, end = _at(doc.text, "سمير داود")
        services.create_span(annotation_set, user, entity_type="PER", start=start, end=end,
                             version=services.ANY_VERSION)
        sets.append(annotation_set)
    first = sets[0]
    first.refresh_from_db()
    start, end = _at(TEXT, "التقى")
    event = services.create_event(first, annotator, event_type="MEET", trigger_start=start, trigger_end=end,
                                  version=first.version)
    first.refresh_from_db()
    services.add_argument(event, annotator, role="Participant", span=first.spans.get(), version=first.version)
    return sets


def _versions(sets):
    return [AnnotationSet.objects.get(pk=s.pk).version for s in sets]


def test_delete_of_a_type_in_use_is_refused_with_the_counts(project, marked):
    person = EntityType.objects.get(project=project, key="PER")
    with pytest.raises(changes.InUse) as refused:
        changes.delete_entity_type(person)
    assert "used by 3 spans in 2 documents" in refused.value.message
    assert EntityType.objects.filter(pk=person.pk).exists()


def test_an_unused_type_is_deleted(project):
    changes.delete_entity_type(EntityType.objects.get(project=project, key="FAC"))
    assert not EntityType.objects.filter(project=project, key="FAC").exists()


def test_rename_and_recolour_are_allowed_while_in_use(project, marked):
    person = EntityType.objects.get(project=project, key="PER")
    changes.save_entity_type(project, person, key="PERSON", name_ar="فرد", name_en="Individual", colour="#1a4f8b",
                             shortcut="1")
    assert Span.objects.filter(entity_type__key="PERSON").count() == 3


def test_merge_moves_spans_in_every_set_with_history_and_version_bumps(project, marked, admin_user):
    before = _versions(marked)
    merge_id = changes.merge_entity_type(admin_user, EntityType.objects.get(project=project, key="PER"),
                                         EntityType.objects.get(project=project, key="ORG"))
    assert Span.objects.filter(entity_type__key="PER").count() == 0
    assert Span.objects.filter(entity_type__key="ORG").count() == 3
    assert _versions(marked) == [v + 1 for v in before]
    contexts = changes.merge_contexts(merge_id)
    assert sorted(c.metadata["set"] for c in contexts) == sorted(s.pk for s in marked)  # one action per set
    assert {c.metadata["user"] for c in contexts} == {admin_user.pk}
    # The type is now unused: it can be deleted.
    assert changes.entity_type_usage(EntityType.objects.get(project=project, key="PER")) == ""


def test_an_open_editor_gets_a_stale_version_after_a_merge(project, marked, admin_user, annotator):
    annotation_set = AnnotationSet.objects.get(pk=marked[0].pk)
    seen = annotation_set.version
    changes.merge_entity_type(admin_user, EntityType.objects.get(project=project, key="PER"),
                              EntityType.objects.get(project=project, key="ORG"))
    start, end = _at(TEXT, "القاهرة")
    with pytest.raises(StaleVersion):
        services.create_span(annotation_set, annotator, entity_type="GPE", start=start, end=end, version=seen)


def test_undo_of_a_merge_restores_every_set(project, marked, admin_user):
    person = EntityType.objects.get(project=project, key="PER")
    merge_id = changes.merge_entity_type(admin_user, person, EntityType.objects.get(project=project, key="ORG"))
    after_merge = _versions(marked)
    assert changes.undo_merge(admin_user, project, merge_id) == 3
    assert Span.objects.filter(entity_type=person).count() == 3
    assert Argument.objects.get().span.entity_type == person
    assert _versions(marked) == [v + 1 for v in after_merge]
    with pytest.raises(services.Invalid):
        changes.undo_merge(admin_user, project, merge_id)


def test_merge_refused_when_an_argument_would_stop_fitting_its_role(project, marked, admin_user):
    before = _versions(marked)
    with pytest.raises(changes.InUse) as refused:
        changes.merge_entity_type(admin_user, EntityType.objects.get(project=project, key="PER"),
                                  EntityType.objects.get(project=project, key="DATE"))
    assert "1 argument in 1 document" in refused.value.message
    assert Span.objects.filter(entity_type__key="PER").count() == 3
    assert _versions(marked) == before


def test_narrowing_a_role_in_use_is_refused(project, marked):
    role = RoleType.objects.get(event_type__project=project, event_type__key="MEET", key="Participant")
    with pytest.raises(changes.InUse) as refused:
        changes.save_role(role.event_type, role, key="Participant", name_ar="مشارك", name_en="Participant",
                          allowed=list(EntityType.objects.filter(project=project, key__in=["ORG", "GPE"])))
    assert "1 argument in 1 document fill the role Participant with PER" in refused.value.message
    # The refusal says where to look and which step comes first.
    assert "(لقاء)" in refused.value.message and "First change those arguments in the editor" in refused.value.message
    assert "or merge PER into a type the role keeps" in refused.value.message
    assert set(role.allowed_types.values_list("key", flat=True)) == {"PER", "ORG", "GPE"}
    # Widening is always allowed.
    changes.save_role(role.event_type, role, key="Participant", name_ar="مشارك", name_en="Participant",
                      allowed=list(EntityType.objects.filter(project=project)), max_count=1)


def test_lowering_a_maximum_below_what_is_annotated_is_refused(project, marked, annotator):
    first = AnnotationSet.objects.get(pk=marked[0].pk)
    start, end = _at(TEXT, "القاهرة")
    gpe = services.create_span(first, annotator, entity_type="GPE", start=start, end=end, version=first.version)
    event = first.events.get()
    services.add_argument(event, annotator, role="Participant", span=gpe, version=first.version)
    role = RoleType.objects.get(event_type=event.event_type, key="Participant")
    with pytest.raises(changes.InUse) as refused:
        changes.save_role(event.event_type, role, key="Participant", name_ar="مشارك", name_en="Participant",
                          allowed=list(role.allowed_types.all()), max_count=1)
    assert "1 event in 1 document have more than 1 Participant (لقاء)" in refused.value.message
    assert "First remove the extra arguments in the editor" in refused.value.message


def test_removing_an_attribute_value_in_use_is_refused(project, marked):
    attribute = project.attribute_types.get(key="factuality")
    values = [v for v in attribute.values if v["key"] != "ASSERTED"]
    with pytest.raises(changes.InUse) as refused:
        changes.save_attribute_type(project, attribute, key="factuality", name_ar="الواقعية", name_en="Factuality",
                                    kind="enum", values=values, default="REPORTED")
    assert "ASSERTED" in refused.value.message and "1 event in 1 document" in refused.value.message
    unused = [v for v in attribute.values if v["key"] != "HYPOTHETICAL"]
    changes.save_attribute_type(project, attribute, key="factuality", name_ar="الواقعية", name_en="Factuality",
                                kind="enum", values=unused, default="ASSERTED")


def test_event_type_merge_moves_arguments_to_the_roles_of_the_same_key(project, marked, admin_user):
    meet = EventType.objects.get(project=project, key="MEET")
    statement = EventType.objects.get(project=project, key="STATEMENT")
    with pytest.raises(changes.InUse):  # STATEMENT has no Participant role
        changes.merge_event_type(admin_user, meet, statement)
    changes.save_role(statement, key="Participant", name_ar="مشارك", name_en="Participant",
                      allowed=list(EntityType.objects.filter(project=project, key="PER")))
    merge_id = changes.merge_event_type(admin_user, meet, statement)
    argument = Argument.objects.get()
    assert argument.event.event_type == statement and argument.role.event_type == statement
    changes.undo_merge(admin_user, project, merge_id)
    argument = Argument.objects.get()
    assert argument.event.event_type == meet and argument.role.event_type == meet


def test_colour_and_shortcut_checks(project):
    with pytest.raises(services.Invalid) as refused:
        changes.save_entity_type(project, key="MISC", name_ar="متفرقات", name_en="Misc", colour="#f3a712")
    assert refused.value.field == "colour"
    with pytest.raises(services.Invalid) as refused:  # «س» is the s key: STATEMENT's shortcut
        changes.save_entity_type(project, key="MISC", name_ar="متفرقات", name_en="Misc", colour="#1a4f8b",
                                 shortcut="س")
    assert refused.value.field == "shortcut" and "STATEMENT" in refused.value.message
    with pytest.raises(services.Invalid):  # ١ is the 1 key: PER's
        changes.save_entity_type(project, key="MISC", name_ar="متفرقات", name_en="Misc", colour="#1a4f8b",
                                 shortcut="١")
    with pytest.raises(services.Invalid) as refused:
        changes.save_entity_type(project, key="PER", name_ar="متفرقات", name_en="Misc", colour="#1a4f8b")
    assert refused.value.field == "key"
    misc = changes.save_entity_type(project, key="MISC", name_ar="متفرقات", name_en="Misc", colour="#1a4f8b",
                                    shortcut="ذ")
    assert misc.shortcut == "ذ" and misc.order == 6


def test_a_role_in_use_is_merged_into_another_and_back(project, marked, admin_user):
    meet = EventType.objects.get(project=project, key="MEET")
    participant, mediator = (RoleType.objects.get(event_type=meet, key=k) for k in ("Participant", "Mediator"))
    with pytest.raises(changes.InUse):
        changes.delete_role(participant)
    before = _versions(marked)
    merge_id = changes.merge_role(admin_user, participant, mediator)
    assert Argument.objects.get().role == mediator
    assert _versions(marked)[0] == before[0] + 1 and _versions(marked)[1:] == before[1:]  # only the set it touched
    changes.undo_merge(admin_user, project, merge_id)
    assert Argument.objects.get().role == participant
    time = RoleType.objects.get(event_type=meet, key="Time")  # allows DATE only
    with pytest.raises(changes.InUse):
        changes.merge_role(admin_user, participant, time)


def test_an_attribute_value_in_use_is_merged_then_removable(project, marked, admin_user):
    attribute = project.attribute_types.get(key="factuality")
    event = marked[0].events.get()
    assert event.attributes["factuality"] == "ASSERTED"
    merge_id = changes.merge_attribute_value(admin_user, attribute, "ASSERTED", "REPORTED")
    event.refresh_from_db()
    assert event.attributes["factuality"] == "REPORTED"
    changes.undo_merge(admin_user, project, merge_id)
    event.refresh_from_db()
    assert event.attributes["factuality"] == "ASSERTED"
    changes.merge_attribute_value(admin_user, attribute, "ASSERTED", "REPORTED")
    values = [v for v in attribute.values if v["key"] != "ASSERTED"]
    changes.save_attribute_type(project, attribute, key="factuality", name_ar="الواقعية", name_en="Factuality",
                                kind="enum", values=values, default="REPORTED")
    assert [v["key"] for v in attribute.values][0] == "REPORTED"


def test_a_schema_file_without_kb_linkable_keeps_each_types_setting(project):
    from corpus.presets import schema_of

    data = schema_of(project)
    for item in data["entity_types"]:
        item.pop("kb_linkable")
    changes.replace_schema(project, data)
    assert not project.entity_types.get(key="DATE").kb_linkable and project.entity_types.get(key="PER").kb_linkable
    data["entity_types"][-1]["kb_linkable"] = True  # DATE, said on purpose
    changes.replace_schema(project, data)
    assert project.entity_types.get(key="DATE").kb_linkable


def _suggestions(project, document):
    """A PER suggestion, an ORG one, and a MEET event suggestion proposing a PER Participant."""
    entity = {key: EntityType.objects.get(project=project, key=key) for key in ("PER", "ORG")}
    meet = EventType.objects.get(project=project, key="MEET")
    start, end = _at(TEXT, "سمير داود")
    person = Suggestion.objects.create(document=document, tagger="crf", start=start, end=end,
                                       entity_type=entity["PER"])
    org = Suggestion.objects.create(document=document, tagger="crf", start=0, end=5, entity_type=entity["ORG"])
    trigger_start, trigger_end = _at(TEXT, "التقى")
    proposed = [{"role": "Participant", "type": "PER", "start": start, "end": end},
                {"role": "Participant", "type": "ORG", "start": 0, "end": 5}]
    event = Suggestion.objects.create(document=document, tagger="events", kind="event", event_type=meet,
                                      start=trigger_start, end=trigger_end, arguments=proposed)
    return person, org, event


def _state(*suggestions):
    return [(s.entity_type_id, s.event_type_id, s.arguments)
            for s in Suggestion.objects.filter(pk__in=[s.pk for s in suggestions]).order_by("pk")]


def test_undoing_an_entity_type_merge_puts_its_suggestions_back(project, document, marked, admin_user):
    person, org, event = _suggestions(project, document)
    before = _state(person, org, event)
    merge_id = changes.merge_entity_type(admin_user, EntityType.objects.get(project=project, key="PER"),
                                         EntityType.objects.get(project=project, key="ORG"))
    person.refresh_from_db()
    event.refresh_from_db()
    assert person.entity_type.key == "ORG"  # the merge converts the suggestions too
    assert [a["type"] for a in event.arguments] == ["ORG", "ORG"]
    changes.undo_merge(admin_user, project, merge_id)
    assert _state(person, org, event) == before  # the suggestion that was ORG already stays ORG


def test_undoing_a_merge_of_a_type_only_suggestions_use_puts_them_back(project, document, admin_user):
    person, org, event = _suggestions(project, document)
    before = _state(person, org, event)
    merge_id = changes.merge_entity_type(admin_user, EntityType.objects.get(project=project, key="PER"),
                                         EntityType.objects.get(project=project, key="ORG"))
    assert Suggestion.objects.filter(entity_type__key="PER").count() == 0
    assert changes.undo_merge(admin_user, project, merge_id) == 0
    assert _state(person, org, event) == before
    with pytest.raises(services.Invalid, match="undone already"):
        changes.undo_merge(admin_user, project, merge_id)


def test_undoing_event_type_and_role_merges_puts_suggestions_back(project, document, marked, admin_user):
    _person, _org, event = _suggestions(project, document)
    before = _state(event)
    meet = EventType.objects.get(project=project, key="MEET")
    target = changes.save_event_type(project, key="ENCOUNTER", name_ar="لقاء", name_en="Encounter",
                                     colour="#1a4f8b")
    changes.save_role(target, key="Participant", name_ar="مشارك", name_en="Participant",
                      allowed=list(EntityType.objects.filter(project=project)))
    merge_id = changes.merge_event_type(admin_user, meet, target)
    assert Suggestion.objects.get(pk=event.pk).event_type == target
    changes.undo_merge(admin_user, project, merge_id)
    assert _state(event) == before

    participant, mediator = (RoleType.objects.get(event_type=meet, key=k) for k in ("Participant", "Mediator"))
    merge_id = changes.merge_role(admin_user, participant, mediator)
    assert [a["role"] for a in Suggestion.objects.get(pk=event.pk).arguments] == ["Mediator", "Mediator"]
    changes.undo_merge(admin_user, project, merge_id)
    assert _state(event) == before


def test_a_merge_of_another_project_cannot_be_undone_here(project, document, admin_user):
    from corpus.presets import create_project_from_preset

    _suggestions(project, document)
    merge_id = changes.merge_entity_type(admin_user, EntityType.objects.get(project=project, key="PER"),
                                         EntityType.objects.get(project=project, key="ORG"))
    other = create_project_from_preset("آخر", slug="other", preset="news-ar")
    with pytest.raises(services.Invalid, match="No such merge"):
        changes.undo_merge(admin_user, other, merge_id)
    assert Suggestion.objects.filter(entity_type__key="PER").count() == 0
