"""Pre-tagging a project: storing suggestions, re-runs, failing taggers, jobs, learning from gold, settings."""
from __future__ import annotations

import random

import pytest

from annotate import jobs, pretagging, services
from annotate.models import Job, KBEntity, SetStatus, Suggestion, SuggestionDecision
from annotate.services.assignment import update_workflow
from annotate.services.suggestions import reject_suggestion
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from corpus.pretag.base import EntityProposal
from tests.corpus.test_pretag_crf import make_document


def texts_of(document, **filters):
    rows = Suggestion.objects.filter(document=document, **filters)
    return sorted((r.tagger, r.entity_type.key if r.entity_type else r.event_type.key, document.text[r.start:r.end])
                  for r in rows)


def add_docs(project, texts, prefix="d"):
    add_documents(project, [DocumentRecord(external_id=f"{prefix}{i}", text=t) for i, t in enumerate(texts)])
    return list(project.documents.filter(external_id__startswith=prefix).order_by("order"))


def gold(document, reviewer, spans, status=SetStatus.ADJUDICATED):
    """A gold set holding (start, end, type) spans, written as a reviewer would."""
    gold_set = services.gold_set(document)
    for start, end, kind in spans:
        gold_set.refresh_from_db()
        services.create_span(gold_set, reviewer, entity_type=kind, start=start, end=end,
                             version=gold_set.version, snap_to_tokens=False)
    gold_set.__class__.objects.filter(pk=gold_set.pk).update(status=status)
    return gold_set


def test_dates_gazetteer_and_triggers_are_stored_with_values_and_arguments(document):
    report = pretagging.pretag_documents(document.project, taggers=["dates", "gazetteer", "triggers"])
    assert report.documents == 1 and report.errors == []
    found = texts_of(document)
    assert ("gazetteer", "GPE", "القاهرة") in found
    assert ("dates", "DATE", "١٢ آذار 2021") in found
    date = Suggestion.objects.get(document=document, tagger="dates")
    assert date.value == "2021-03-12"
    meeting = Suggestion.objects.get(document=document, kind="event")
    assert (meeting.tagger, meeting.event_type.key, document.text[meeting.start:meeting.end]) == (
        "triggers", "MEET", "التقى")
    roles = {(a["role"], document.text[a["start"]:a["end"]]) for a in meeting.arguments}
    assert ("Place", "القاهرة") in roles and ("Time", "١٢ آذار 2021") in roles
    assert report.suggestions == 2 and report.events == 1


def test_gazetteer_learns_gold_names_and_kb_aliases(project, reviewer):
    known, unknown = add_docs(project, ["وصل سمير داود إلى حلب.", "استقبل نادر منصور وفد شركة النخيل."])
    assert texts_of(unknown) == []
    gold(known, reviewer, [(4, 13, "PER")])
    KBEntity.objects.create(project=project, entity_type=project.entity_types.get(key="ORG"),
                            name="شركة النخيل للتجارة", aliases=["شركة النخيل"])
    pretagging.pretag_documents(project, [unknown.pk], taggers=["gazetteer"])
    assert ("gazetteer", "ORG", "شركة النخيل") in texts_of(unknown)
    other = add_docs(project, ["قال سمير داود إن الوفد وصل."], prefix="x")[0]
    pretagging.pretag_documents(project, [other.pk], taggers=["gazetteer"])
    assert texts_of(other) == [("gazetteer", "PER", "سمير داود")]


def test_rerun_replaces_undecided_suggestions_and_keeps_decided_ones(document, annotator):
    pretagging.pretag_documents(document.project, taggers=["dates", "gazetteer"])
    date = Suggestion.objects.get(document=document, tagger="dates")
    place = Suggestion.objects.get(document=document, tagger="gazetteer")
    own = services.own_set(document, annotator)
    reject_suggestion(date, annotator, own, version=own.version)
    pretagging.pretag_documents(document.project, taggers=["dates", "gazetteer"])
    dates = Suggestion.objects.filter(document=document, tagger="dates")
    assert [d.pk for d in dates] == [date.pk]  # kept, and not suggested a second time
    assert SuggestionDecision.objects.filter(suggestion=date).exists()
    new_place = Suggestion.objects.get(document=document, tagger="gazetteer")
    assert new_place.pk != place.pk and (new_place.start, new_place.end) == (place.start, place.end)


def test_rerun_of_one_tagger_leaves_the_others_suggestions(document):
    pretagging.pretag_documents(document.project, taggers=["dates", "gazetteer"])
    gazetteer_ids = set(Suggestion.objects.filter(tagger="gazetteer").values_list("pk", flat=True))
    pretagging.pretag_documents(document.project, taggers=["dates"])
    assert set(Suggestion.objects.filter(tagger="gazetteer").values_list("pk", flat=True)) == gazetteer_ids


class Broken:
    """A tagger that fails on documents mentioning «حلب» and finds «الوفد» elsewhere."""

    name = "broken"

    def tag(self, text, tokens):
        if "حلب" in text:
            raise RuntimeError("the test tagger gave up on this document")
        at = text.find("الوفد")
        return [EntityProposal("ORG", at, at + 5, 0.5, self.name)] if at >= 0 else []


@pytest.fixture
def broken_tagger(monkeypatch):
    monkeypatch.setitem(pretagging.BUILDERS, "broken", lambda project, options: Broken())


def test_a_failing_tagger_is_reported_per_document_and_the_others_still_run(project, broken_tagger):
    docs = add_docs(project, ["وصل الوفد إلى حلب يوم 3 آذار 2021.", "وصل الوفد إلى دمشق يوم 4 آذار 2021."])
    job = jobs.run_now(project, pretagging.PRETAG_JOB, params={"taggers": ["dates", "broken"]})
    assert job.status == Job.Status.DONE and (job.done, job.total) == (2, 2)
    assert job.result["documents"] == 2 and job.result["error_count"] == 1
    [error] = job.result["errors"]
    assert error["document"] == docs[0].pk and error["tagger"] == "broken" and "gave up" in error["message"]
    assert any("broken" in m and "gave up" in m for m in job.shown_messages)
    assert texts_of(docs[0]) == [("dates", "DATE", "3 آذار 2021")]
    assert texts_of(docs[1]) == [("broken", "ORG", "الوفد"), ("dates", "DATE", "4 آذار 2021")]


def test_the_job_reports_progress_while_it_runs(project, monkeypatch):
    add_docs(project, [f"وصل الوفد يوم {d} آذار 2021." for d in range(1, 8)])
    monkeypatch.setattr("annotate.pretagging.running.CHUNK", 3)
    seen = []

    class Spy:
        name = "spy"

        def tag(self, text, tokens):
            job = Job.objects.get()
            seen.append((job.status, job.done, job.total))
            return []

    monkeypatch.setitem(pretagging.BUILDERS, "spy", lambda project, options: Spy())
    job = jobs.run_now(project, pretagging.PRETAG_JOB, params={"taggers": ["spy"]})
    assert seen[0] == ("running", 0, 7) and seen[3] == ("running", 3, 7) and seen[6] == ("running", 6, 7)
    assert (job.status, job.done, job.total) == ("done", 7, 7)


def test_an_enabled_ner_without_its_model_is_no_error_of_every_run(document, tmp_path, monkeypatch):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "empty"))
    assert "camel_ner" in pretagging.PretagSettings.of(document.project).taggers  # the default settings
    job = jobs.run_now(document.project, pretagging.PRETAG_JOB)
    assert job.status == "done" and "camel_ner" not in job.shown_result["skipped"]
    assert not any("camel" in message for message in job.shown_messages)


def test_a_tagger_that_cannot_run_is_named_with_the_reason(document, tmp_path, settings):
    settings.TAWSIM_MODEL_DIRS = [str(tmp_path)]
    project = document.project
    options = pretagging.PretagSettings.of(project)
    options.ner_model_path = str(tmp_path / "no-model")
    pretagging.save_settings(project, options)
    job = jobs.run_now(project, pretagging.PRETAG_JOB, params={"taggers": ["dates", "camel_ner", "crf"]})
    assert job.status == "done"
    assert "camel_data -i ner-arabert" in job.shown_result["skipped"]["camel_ner"]
    assert "not been trained" in job.shown_result["skipped"]["crf"]
    assert any(m.startswith("camel_ner") for m in job.shown_messages)
    assert texts_of(document) == [("dates", "DATE", "١٢ آذار 2021")]


def test_start_pretag_runs_through_the_job_queue(document, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = pretagging.start_pretag(document.project, documents=[document.pk], taggers=["dates"])
    job.refresh_from_db()
    assert job.status == "done" and job.result["suggestions"] == 1


# ---- the learning loop ----------------------------------------------------------------

FIRST = ["سمير", "نادر", "هالة", "رامي", "منى", "وليد", "سلمى", "كريم"]
LAST = ["داود", "الحلبي", "منصور", "العلي", "يوسف", "الخطيب", "حداد"]
CITIES = ["حلب", "حمص", "طرطوس", "دمشق", "القاهرة", "بيروت"]
UNSEEN = "قال الوزير جميل سليمان إن الوضع في المدينة مستقر. ثم قال الوزير فادي عيسى إن الوفد وصل."


def test_after_gold_is_added_retraining_finds_names_it_did_not_find_before(project, reviewer,
                                                                           django_capture_on_commit_callbacks):
    rng = random.Random(7)
    examples = [make_document(rng, FIRST, LAST, CITIES, sentences=6) for _ in range(12)]
    docs = add_docs(project, [text for text, _spans in examples])
    target = add_docs(project, [UNSEEN], prefix="new")[0]
    pretagging.pretag_documents(project, [target.pk])
    before = texts_of(target)
    assert not [found for found in before if found[0] == "crf"]  # no model yet
    # Before any gold, the default taggers already find a name after a title (the cue rules).
    assert ("cues", "PER", "جميل سليمان") in before and ("cues", "PER", "فادي عيسى") in before

    options = pretagging.PretagSettings.of(project)
    options.crf_retrain_every = 10
    pretagging.save_settings(project, options)
    for document, (_text, spans) in zip(docs[:9], examples[:9], strict=True):
        gold(document, reviewer, spans)
    assert pretagging.maybe_retrain(project) is None  # 9 < 10 new gold documents
    for document, (_text, spans) in zip(docs[9:], examples[9:], strict=True):
        gold(document, reviewer, spans)
    with django_capture_on_commit_callbacks(execute=True):
        job = pretagging.maybe_retrain(project)
    job.refresh_from_db()
    assert job.status == "done", job.shown_messages
    model = pretagging.latest_model(project)
    # The automatic retraining is the quick one; with no model before it there is nothing to score.
    assert model.metrics["gold_documents"] == 12 and model.metrics["training"]["algorithm"] == "pa"
    assert "f1" not in model.metrics
    assert pretagging.maybe_retrain(project) is None  # nothing new since

    pretagging.pretag_documents(project, [target.pk])
    after = texts_of(target)
    assert ("crf", "PER", "جميل سليمان") in after and ("crf", "PER", "فادي عيسى") in after

    full = pretagging.train_crf(project)  # the page's button: the full training, cross-validated
    assert full.metrics["method"] == "cross-validation" and 0 < full.metrics["f1"] <= 1
    assert set(full.metrics["per_type"]) >= {"PER", "GPE"}


def test_triggers_learn_from_adjudicated_events(project, reviewer):
    # «بحث» is not in the news-ar lexicon; reviewers mark it as a meeting in two documents.
    taught = add_docs(project, ["بحث سمير داود مع نادر منصور خطة المعابر.", "وبحث الوزيران ملف المياه في حلب."])
    target = add_docs(project, ["بحث رامي حداد مع وفد الشركة الأزمة."], prefix="new")[0]
    pretagging.pretag_documents(project, [target.pk], taggers=["triggers"])
    assert not Suggestion.objects.filter(document=target, kind="event").exists()
    for document in taught:
        gold_set = services.gold_set(document)
        start = document.text.index("بحث")
        services.create_event(gold_set, reviewer, event_type="MEET", trigger_start=start, trigger_end=start + 3,
                              version=gold_set.version)
        gold_set.__class__.objects.filter(pk=gold_set.pk).update(status=SetStatus.ADJUDICATED)
    pretagging.pretag_documents(project, [target.pk], taggers=["triggers"])
    meeting = Suggestion.objects.get(document=target, kind="event")
    assert (meeting.event_type.key, target.text[meeting.start:meeting.end]) == ("MEET", "بحث")
    assert meeting.score > 0.6  # surer than a lexicon word: marked in every place it occurs


def test_training_falls_back_to_submitted_sets_without_gold(project, annotator):
    text, spans = make_document(random.Random(1), FIRST, LAST, CITIES)
    [document] = add_docs(project, [text])
    own = services.own_set(document, annotator)
    for start, end, kind in spans:
        own.refresh_from_db()
        services.create_span(own, annotator, entity_type=kind, start=start, end=end, version=own.version,
                             snap_to_tokens=False)
    assert pretagging.training_data(project).source == "none"
    own.refresh_from_db()
    services.submit_set(own, annotator, version=own.version)
    data = pretagging.training_data(project)
    assert data.source == "submitted" and sorted(data.examples[0][1]) == sorted(spans)


def _submitted(document, user, spans):
    own = services.own_set(document, user)
    for start, end, kind in spans:
        own.refresh_from_db()
        services.create_span(own, user, entity_type=kind, start=start, end=end, version=own.version,
                             snap_to_tokens=False)
    own.refresh_from_db()
    return services.submit_set(own, user, version=own.version)


def test_blind_double_annotation_learns_from_a_document_only_once_every_annotator_finished(
        project, annotator, other_annotator):
    # what a model learns is offered to everyone: trained on the first annotator's set, it
    # would show that set's marks to the second annotator of the same document
    update_workflow(project, None, annotators_per_document=2, blind=True)
    text, spans = make_document(random.Random(2), FIRST, LAST, CITIES)
    [document] = add_docs(project, [text])
    _submitted(document, annotator, spans)
    assert pretagging.training_data(project).source == "none"
    assert pretagging.project_entries(project) == []
    services.own_set(document, other_annotator)  # the second one opens it: still not finished
    assert pretagging.training_data(project).source == "none"
    _submitted(document, other_annotator, spans[:1])
    data = pretagging.training_data(project)
    assert data.source == "submitted" and data.document_ids == [document.pk]


def test_a_visible_double_annotation_learns_from_the_first_submitted_set(project, annotator):
    update_workflow(project, None, annotators_per_document=2, blind=False)
    text, spans = make_document(random.Random(3), FIRST, LAST, CITIES)
    [document] = add_docs(project, [text])
    _submitted(document, annotator, spans)
    assert pretagging.training_data(project).source == "submitted"


def test_training_without_any_data_is_refused_with_the_project(project):
    with pytest.raises(pretagging.NoTrainingData, match="test-news"):
        pretagging.train_crf(project)


def test_bootstrap_examples_train_a_model_scored_on_the_projects_gold(project, reviewer):
    rng = random.Random(3)
    corpus = [make_document(rng, FIRST, LAST, CITIES) for _ in range(30)]
    text, spans = make_document(rng, ["جميل", "فادي"], ["سليمان", "عيسى"], ["تونس"])
    [document] = add_docs(project, [text])
    gold(document, reviewer, spans)
    model = pretagging.train_crf(project, extra_examples=corpus, extra_source="generated", max_iterations=40)
    assert model.trained_on == 31 and model.metrics["bootstrap_documents"] == 30
    assert model.metrics["method"].startswith("bootstrap") and model.metrics["recall"] > 0


# ---- import and settings --------------------------------------------------------------

def test_import_signal_starts_pretagging_only_when_the_project_asks(document, django_capture_on_commit_callbacks):
    from corpus.signals import documents_imported

    project = document.project
    documents_imported.send(sender=None, project=project, document_ids=[document.pk])
    assert not Job.objects.exists()
    options = pretagging.PretagSettings.of(project)
    options.pretag_on_import, options.taggers = True, ["dates"]
    pretagging.save_settings(project, options)
    with django_capture_on_commit_callbacks(execute=True):
        documents_imported.send(sender=None, project=project, document_ids=[document.pk])
    job = Job.objects.get()
    assert job.kind == pretagging.PRETAG_JOB and job.params["documents"] == [document.pk] and job.status == "done"
    assert texts_of(document) == [("dates", "DATE", "١٢ آذار 2021")]


def test_importing_a_file_pretags_only_its_new_documents_when_the_project_asks(project, tmp_path,
                                                                               django_capture_on_commit_callbacks):
    from corpus.importing import import_paths

    [earlier] = add_docs(project, ["وصل الوفد في ٣ أيار 2020."])
    options = pretagging.PretagSettings.of(project)
    options.pretag_on_import, options.taggers = True, ["dates"]
    pretagging.save_settings(project, options)
    path = tmp_path / "news.jsonl"
    path.write_text('{"text": "اجتمع الوفد في ١٢ آذار 2021."}\n{"text": "وصل الوفد في ٣ أيار 2020."}\n',
                    encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        report = import_paths(project, [path])
    assert report.imported == 1 and report.duplicates == 1
    new = project.documents.exclude(pk=earlier.pk).get()
    job = Job.objects.get()
    assert job.params["documents"] == [new.pk] and job.status == "done"
    assert texts_of(new) == [("dates", "DATE", "١٢ آذار 2021")] and texts_of(earlier) == []


def test_settings_refuse_unknown_taggers_and_types(project):
    options = pretagging.PretagSettings.of(project)
    options.ner_label_map = {"PERS": "PERSON"}
    with pytest.raises(pretagging.SettingsError, match="PERSON") as error:
        pretagging.save_settings(project, options)
    assert error.value.field == "ner_label_map"
    options = pretagging.PretagSettings(taggers=["dates", "magic"])
    with pytest.raises(pretagging.SettingsError, match="magic"):
        pretagging.save_settings(project, options)
    project.settings = {"annotators_per_document": 2}
    project.save()
    pretagging.save_settings(project, pretagging.PretagSettings(crf_retrain_every=3))
    project.refresh_from_db()
    assert project.settings["annotators_per_document"] == 2 and project.settings["crf_retrain_every"] == 3


def test_spans_outside_the_project_schema_are_dropped(document, monkeypatch):
    class Odd:
        name = "odd"

        def tag(self, text, tokens):
            return [EntityProposal("WEAPON", 0, 5, 0.5, self.name)]

    monkeypatch.setitem(pretagging.BUILDERS, "odd", lambda project, options: Odd())
    report = pretagging.pretag_documents(document.project, taggers=["odd"])
    assert report.dropped == 1 and not Suggestion.objects.exists()


def test_a_model_folder_outside_the_allowed_ones_is_refused(document, tmp_path, settings):
    settings.TAWSIM_MODEL_DIRS = [str(tmp_path / "models")]
    options = pretagging.PretagSettings.of(document.project)
    options.ner_model_path = str(tmp_path / "models" / ".." / "elsewhere")
    with pytest.raises(pretagging.SettingsError, match="TAWSIM_MODEL_DIRS"):
        pretagging.save_settings(document.project, options)
    options.ner_model_path = str(tmp_path / "models" / "ner")
    pretagging.save_settings(document.project, options)
    assert pretagging.PretagSettings.of(document.project).ner_model_path == options.ner_model_path
