"""Import with annotations: doccano and Label Studio files, targets (gold, an annotator's
set, suggestions), type mapping and creation, and what is refused or only warned about."""
from __future__ import annotations

import io
import json

import pytest

from annotate import dataset
from annotate.models import AnnotationSet, Event, Relation, SetKind, Span, Suggestion
from corpus import importing
from corpus.models import Document, EntityType, RoleType

TEXT = "التقى سمير داود نظيره في القاهرة وزار حلب."


def at(word: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def run(project, data: bytes | str, name: str, fmt: str, into: str = "gold", **kwargs) -> importing.FileReport:
    raw = data.encode() if isinstance(data, str) else data
    sink = dataset.sinks(project, dataset.parse_target(project, into), **kwargs)(name)
    return importing.import_stream(project, io.BytesIO(raw), name, fmt, sink=sink)


def doccano_line(**item) -> str:
    return json.dumps({"text": TEXT, **item}, ensure_ascii=False) + "\n"


def test_doccano_labels_go_into_the_gold_set(project):
    report = run(project, doccano_line(id="d1", label=[[*at("سمير داود"), "PER"], [*at("القاهرة"), "GPE"]]),
                 "d.jsonl", "doccano")
    assert report.errors == [] and report.annotations == {"spans": 2}
    gold = AnnotationSet.objects.get(kind=SetKind.GOLD, document__external_id="d1")
    assert sorted(gold.spans.values_list("entity_type__key", "start", "end")) == sorted(
        [("PER", *at("سمير داود")), ("GPE", *at("القاهرة"))])


def test_doccano_relation_form_brings_relations(project):
    line = doccano_line(
        entities=[{"id": 7, "label": "GPE", "start_offset": at("حلب")[0], "end_offset": at("حلب")[1]},
                  {"id": 9, "label": "GPE", "start_offset": at("القاهرة")[0], "end_offset": at("القاهرة")[1]}],
        relations=[{"id": 1, "from_id": 7, "to_id": 9, "type": "LOCATED_IN"}])
    report = run(project, line, "r.jsonl", "doccano")
    assert report.errors == []
    relation = Relation.objects.get()
    assert (relation.source.start, relation.target.start) == (at("حلب")[0], at("القاهرة")[0])


def label_studio(text: str, results: list) -> str:
    return json.dumps([{"id": 4, "data": {"text": text}, "annotations": [{"result": results}]}], ensure_ascii=False)


def ls_label(ident: str, start: int, end: int, text: str, label: str, control: str = "label") -> dict:
    return {"id": ident, "type": "labels", "from_name": control, "to_name": "text",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}}


def test_label_studio_entities_events_and_relations(project):
    results = [ls_label("a", *at("سمير داود"), "سمير داود", "PER"), ls_label("b", *at("القاهرة"), "القاهرة", "GPE"),
               ls_label("t", *at("التقى"), "التقى", "MEET", control="trigger"),
               {"type": "relation", "from_id": "t", "to_id": "a", "labels": ["Participant"]},
               {"type": "relation", "from_id": "a", "to_id": "b", "labels": ["AFFILIATION"]}]
    report = run(project, label_studio(TEXT, results), "ls.json", "labelstudio")
    assert report.errors == [], report.errors
    event = Event.objects.get()
    assert [(a.role.key, a.span.start) for a in event.arguments.all()] == [("Participant", at("سمير داود")[0])]
    assert Relation.objects.get().relation_type.key == "AFFILIATION"


def test_label_studio_utf16_offsets_are_recognised_and_converted(project):
    text = "😀 " + TEXT
    start, end = at("القاهرة", text)
    report = run(project, label_studio(text, [ls_label("a", start + 1, end + 1, "القاهرة", "GPE")]),
                 "ls.json", "labelstudio")
    assert report.errors == []
    assert Span.objects.get().start == start
    assert any("UTF-16" in warning for warning in report.warnings)


def test_offsets_that_do_not_match_the_given_text_are_located(project):
    report = run(project, label_studio(TEXT, [ls_label("a", 0, 5, "حلب", "GPE")]), "ls.json", "labelstudio")
    assert Document.objects.count() == 0
    (error,) = report.errors
    assert "ls.json, task 1" in error and "annotations[0].result[0].value.text" in error and "«حلب»" in error


def test_unknown_types_are_reported_together_and_nothing_is_imported(project):
    lines = doccano_line(label=[[0, 5, "Politician"]]) + json.dumps(
        {"text": "خبر آخر عن حلب", "label": [[0, 3, "Politician"], [4, 7, "Book"]]}, ensure_ascii=False)
    report = run(project, lines, "u.jsonl", "doccano")
    assert Document.objects.count() == 0 and Span.objects.count() == 0
    assert any("unknown entity type «Politician» (2 times)" in e and "--map Politician=TYPE" in e
               for e in report.errors)
    assert any("«Book» (1 time)" in e for e in report.errors)


def test_a_mapping_renames_or_leaves_out_types(project):
    line = doccano_line(label=[[*at("سمير داود"), "Politician"], [*at("القاهرة"), "Book"]])
    report = run(project, line, "m.jsonl", "doccano", type_map=dataset.parse_map(["Politician=PER", "Book="]))
    assert report.errors == []
    assert list(Span.objects.values_list("entity_type__key", flat=True)) == ["PER"]


def test_unknown_entity_types_can_be_created(project):
    report = run(project, doccano_line(label=[[*at("القاهرة"), "CITY"]]), "c.jsonl", "doccano", create_types=True)
    assert report.errors == []
    assert EntityType.objects.filter(project=project, key="CITY").exists()
    assert Span.objects.get().entity_type.key == "CITY"


def tawsim(entities=(), events=(), relations=(), text=TEXT) -> str:
    return json.dumps({"text": text, "external_id": "t1", "entities": list(entities), "events": list(events),
                       "relations": list(relations), "status": "in_progress"}, ensure_ascii=False) + "\n"


def entity(ident: str, kind: str, word: str) -> dict:
    start, end = at(word)
    return {"id": ident, "type": kind, "start": start, "end": end, "text": word}


def meet(*arguments) -> dict:
    start, end = at("التقى")
    return {"id": "E1", "type": "MEET", "trigger": {"start": start, "end": end, "text": "التقى"},
            "arguments": [{"role": r, "entity_id": e} for r, e in arguments], "attributes": {}}


def test_an_event_missing_a_required_role_is_imported_with_a_warning(project):
    RoleType.objects.filter(event_type__project=project, event_type__key="MEET", key="Participant").update(min_count=2)
    report = run(project, tawsim([entity("T1", "PER", "سمير داود")], [meet(("Participant", "T1"))]),
                 "w.jsonl", "tawsim")
    assert report.errors == [] and Event.objects.count() == 1
    assert any("needs at least 2 Participant" in w and "field «events[0]»" in w for w in report.warnings)


def test_a_wrong_entity_type_for_a_role_is_refused(project):
    report = run(project, tawsim([entity("T1", "PER", "القاهرة")], [meet(("Place", "T1"))]), "w.jsonl", "tawsim")
    assert Document.objects.count() == 0
    assert any("events[0].arguments[0]" in e and "cannot be the Place" in e for e in report.errors)


def test_an_unknown_role_is_refused(project):
    report = run(project, tawsim([entity("T1", "PER", "سمير داود")], [meet(("Judge", "T1"))]), "w.jsonl", "tawsim")
    assert any("has no role «Judge»" in e for e in report.errors) and Event.objects.count() == 0


def test_offsets_outside_the_text_are_refused_with_the_field(project):
    line = doccano_line(label=[[5, len(TEXT) + 4, "PER"]])
    report = run(project, line, "o.jsonl", "doccano")
    assert Document.objects.count() == 0
    assert any("o.jsonl, line 1, field «entities[0].start»" in e and "outside the text" in e for e in report.errors)


def test_annotations_can_go_into_an_annotators_set(project, annotator):
    report = run(project, doccano_line(label=[[*at("حلب"), "GPE"]]), "a.jsonl", "doccano", into="annotator:ann1")
    assert report.errors == []
    assert AnnotationSet.objects.get().owner == annotator


def test_a_stranger_cannot_receive_annotations(project, outsider):
    with pytest.raises(ValueError, match="not a member"):
        dataset.parse_target(project, "annotator:outsider")


def test_annotations_can_come_in_as_suggestions(project):
    report = run(project, tawsim([entity("T1", "PER", "سمير داود")], [meet(("Participant", "T1"))]), "s.jsonl",
                 "tawsim", into="suggestions")
    assert report.errors == []
    assert AnnotationSet.objects.count() == 0
    kinds = sorted(Suggestion.objects.values_list("kind", "tagger"))
    assert kinds == [("entity", "import"), ("event", "import")]
    event = Suggestion.objects.get(kind="event")
    start, end = at("سمير داود")
    assert event.arguments == [{"role": "Participant", "type": "PER", "start": start, "end": end}]


def test_a_set_that_already_has_annotations_is_never_mixed_into(project):
    line = doccano_line(label=[[*at("حلب"), "GPE"]])
    assert run(project, line, "1.jsonl", "doccano").errors == []
    again = run(project, line, "2.jsonl", "doccano")
    assert any("already has annotations" in e for e in again.errors)
    assert Span.objects.count() == 1


def test_annotations_for_a_known_text_go_to_the_existing_document(project, document):
    start = document.text.index("القاهرة")
    line = json.dumps({"text": document.text, "label": [[start, start + 7, "GPE"]]}, ensure_ascii=False)
    report = run(project, line, "k.jsonl", "doccano")
    assert (report.imported, report.duplicates, report.errors) == (0, 1, [])
    assert Span.objects.get().set.document == document


def test_the_import_command_takes_into_and_map(project, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "news.conll"
    path.write_text("-DOCSTART-\tn1\n\nسمير\tB-Politician\nداود\tI-Politician\nفي\tO\nحلب\tB-Nation\n\n",
                    encoding="utf-8")
    call_command("import_documents", project.slug, str(path), "--format", "conll", "--map", "Politician=PER",
                 "--map", "Nation=GPE")
    assert "annotations: 2 spans" in capsys.readouterr().out
    assert Document.objects.get().text == "سمير داود في حلب"
