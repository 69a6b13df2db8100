"""A project holding every kind of object an archive carries, built through the services,
and a canonical form of an archive (ids renumbered in file order, timestamps left out) to
compare two archives by."""
from __future__ import annotations

import json
import zipfile

from django.contrib.auth import get_user_model

from annotate import services
from annotate.models import Suggestion, TaggerModel
from annotate.services import adjudication, assignment
from annotate.services.base import ANY_VERSION as ANY
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.models import Membership, Role

TEXTS = [
    ("a-1", "استقبل الوزير نادر خليل وفد الشركة في عمّان صباح الأحد، وناقش الطرفان المشروع."),
    ("a-2", "زار نادر خليل مدينة إربد وافتتح فيها مدرسة جديدة."),
    ("a-3", "نص ثالث بلا وسوم بعد."),
]


def _at(document, word):
    start = document.text.index(word)
    return start, start + len(word)


def _member(project, username, role):
    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    Membership.objects.create(project=project, user=user, role=role)
    return user


def build_full_project(project):
    """Every kind: members of each role, documents with meta, annotator and gold sets in
    every status, spans linked to KB entries, events in clusters with arguments and
    attributes, relations, suggestions accepted and rejected, assignments, adjudication
    decisions and a trained tagger model."""
    admin = _member(project, "arch-admin", Role.ADMIN)
    reviewer = _member(project, "arch-rev", Role.REVIEWER)
    ann1 = _member(project, "arch-ann1", Role.ANNOTATOR)
    ann2 = _member(project, "arch-ann2", Role.ANNOTATOR)
    project.guidelines = "## إرشادات\n\nضع الوسم على الأسماء."
    project.save()
    assignment.update_workflow(project, admin, annotators_per_document=2)
    add_documents(project, [DocumentRecord(external_id=x, title="عنوان " + x, text=t, meta={"source": x})
                            for x, t in TEXTS])
    doc1, doc2, _doc3 = project.documents.order_by("order")
    assignment.assign_documents(project, annotators=[ann1, ann2], by=admin)

    person = services.create_entity(project, admin, entity_type="PER", name="نادر خليل", aliases=["ن. خليل"])
    cluster = services.create_cluster(project, admin, name="زيارة الوزير")
    for user in (ann1, ann2):
        own = services.own_set(doc1, user)
        s, e = _at(doc1, "نادر خليل")
        per = services.create_span(own, user, entity_type="PER", start=s, end=e, version=ANY, snap_to_tokens=False)
        s, e = _at(doc1, "عمّان")
        gpe = services.create_span(own, user, entity_type="GPE", start=s, end=e, version=ANY, snap_to_tokens=False)
        s, e = _at(doc1, "استقبل")
        event = services.create_event(own, user, event_type="MEET", trigger_start=s, trigger_end=e, version=ANY,
                                      attributes={"factuality": "ASSERTED"}, snap_to_tokens=False)
        services.add_argument(event, user, role="Participant", span=per, version=ANY)
        services.add_argument(event, user, role="Place", span=gpe, version=ANY)
        services.submit_set(own, user, version=ANY)
    adjudication.open_adjudication(doc1, reviewer, force=True)
    gold = services.gold_set(doc1)
    gold_span = gold.spans.get(entity_type__key="PER")
    services.link_span(gold_span, reviewer, entity=person, version=ANY)
    services.join_cluster(gold.events.get(), reviewer, cluster=cluster, version=ANY)
    adjudication.confirm(doc1, reviewer, version=ANY)

    own = services.own_set(doc2, ann1)
    s, e = _at(doc2, "نادر خليل")
    person_span = services.create_span(own, ann1, entity_type="PER", start=s, end=e, version=ANY,
                                       snap_to_tokens=False)
    services.link_span(person_span, ann1, entity=person, version=ANY)
    s, e = _at(doc2, "إربد")
    city = Suggestion.objects.create(document=doc2, tagger="gazetteer", entity_type=project.entity_types.get(
        key="GPE"), start=s, end=e, score=0.75)
    s, e = _at(doc2, "مدرسة")
    school = Suggestion.objects.create(document=doc2, tagger="crf", entity_type=project.entity_types.get(key="FAC"),
                                       start=s, end=e, score=0.4)
    place = services.accept_suggestion(city, ann1, own, version=ANY)
    services.reject_suggestion(school, ann1, own, version=ANY)
    services.create_relation(own, ann1, relation_type="AFFILIATION", source=person_span, target=place, version=ANY)
    TaggerModel.objects.create(project=project, tagger="crf", data=b"\x00model-bytes\xff" * 50,
                               metrics={"f1": 0.5}, trained_on=2)
    return {"admin": admin, "reviewer": reviewer, "ann1": ann1, "ann2": ann2}


TIMES = {"created_at", "updated_at", "decided_at", "assigned_at", "trained_at", "exported_at"}
# member -> {field: member whose ids it names}
REFS = {
    "documents.jsonl": {"id": "documents.jsonl"},
    "kb_entities.jsonl": {"id": "kb_entities.jsonl"},
    "clusters.jsonl": {"id": "clusters.jsonl"},
    "suggestions.jsonl": {"id": "suggestions.jsonl", "document": "documents.jsonl"},
    "sets.jsonl": {"id": "sets.jsonl", "document": "documents.jsonl"},
    "spans.jsonl": {"id": "spans.jsonl", "set": "sets.jsonl", "kb": "kb_entities.jsonl"},
    "events.jsonl": {"id": "events.jsonl", "set": "sets.jsonl", "cluster": "clusters.jsonl"},
    "arguments.jsonl": {"event": "events.jsonl", "span": "spans.jsonl"},
    "relations.jsonl": {"set": "sets.jsonl", "source": "spans.jsonl", "target": "spans.jsonl"},
    "suggestion_decisions.jsonl": {"suggestion": "suggestions.jsonl", "span": "spans.jsonl", "event": "events.jsonl"},
    "assignments.jsonl": {"document": "documents.jsonl"},
    "adjudication_decisions.jsonl": {"set": "sets.jsonl"},
    "tagger_models.jsonl": {"id": "tagger_models.jsonl"},
}


def canonical(path) -> dict:
    """The archive with ids renumbered 1.. in file order and timestamps left out."""
    numbers: dict[str, dict] = {}
    out = {}
    with zipfile.ZipFile(path) as archive:
        project = json.loads(archive.read("project.json"))
        project.pop("slug")
        out["project.json"] = {k: v for k, v in project.items() if k not in TIMES}
        manifest = json.loads(archive.read("manifest.json"))
        out["manifest.json"] = {k: v for k, v in manifest.items() if k not in TIMES | {"project"}}
        for name in archive.namelist():
            if not name.endswith(".jsonl"):
                continue
            rows = []
            for line in archive.read(name).decode().splitlines():
                row = {k: v for k, v in json.loads(line).items() if k not in TIMES}
                if "id" in row:
                    mine = numbers.setdefault(name, {})
                    mine[row["id"]] = len(mine) + 1
                    if name == "tagger_models.jsonl":
                        out[f"model {mine[row['id']]}"] = archive.read(f"tagger_models/{row['id']}.bin")
                for field, member in REFS.get(name, {}).items():
                    if row.get(field) is not None:
                        row[field] = numbers[member][row[field]]
                origin = row.get("origin") or {}
                if origin.get("suggestion") is not None:
                    row["origin"] = {**origin, "suggestion": numbers["suggestions.jsonl"][origin["suggestion"]]}
                rows.append(row)
            out[name] = rows
    return out
