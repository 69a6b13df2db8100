"""The trigger model in a project: trained with the CRF (the full training and the
automatic one) on the gold sets' events, its proposals stored as suggestions of its own
and offered in the editor, and its review dropping the lexicon's proposals where the
word is no trigger."""
from __future__ import annotations

from django.core.management import call_command
from django.urls import reverse

from annotate import pretagging, services
from annotate.models import SetStatus, Suggestion, TaggerModel
from annotate.services.suggestions import pending_suggestions
from tests.annotate.test_pretagging import add_docs

# «عقد» is "held (a session)" where annotators mark it, "a contract" or "a decade" elsewhere.
TEACHING = [
    ("في العاصمة عقد الوزيران جلسة مغلقة. ووقعت الشركة عقد التوريد أمس.", [0]),
    ("عقد الطرفان جلسة ثانية. وقال المتحدث إن العقد ينتهي بعد عقد من الزمن.", [0]),
    ("وأمس عقد المحافظ جلسة مع التجار. وانتقد النواب عقد الإيجار.", [0]),
    ("وفي الصباح عقد السفير جلسة مع الصحفيين. وبعد عقد من الخلاف وقع الطرفان الاتفاق.", [0]),
]
TARGET = "وفي المساء عقد الرئيس جلسة مع الوفد، وناقشا عقد الغاز."
HELD, CONTRACT = TARGET.index("عقد"), TARGET.rindex("عقد")


def teach(project, reviewer, lessons=TEACHING, prefix="t"):
    documents = add_docs(project, [text for text, _ in lessons], prefix=prefix)
    for document, (text, occurrences) in zip(documents, lessons, strict=True):
        gold_set = services.gold_set(document)
        places = [i for i in range(len(text)) if text.startswith("عقد", i)]
        for occurrence in occurrences:
            gold_set.refresh_from_db()
            services.create_event(gold_set, reviewer, event_type="MEET", trigger_start=places[occurrence],
                                  trigger_end=places[occurrence] + 3, version=gold_set.version)
        gold_set.__class__.objects.filter(pk=gold_set.pk).update(status=SetStatus.ADJUDICATED)
    return documents


def events_of(document) -> set[tuple[str, str, int]]:
    return set(Suggestion.objects.filter(document=document, kind="event").values_list(
        "tagger", "event_type__key", "start"))


def test_trained_with_the_crf_its_proposals_become_suggestions(project, reviewer, annotator):
    target = add_docs(project, [TARGET], prefix="new")[0]
    report = pretagging.pretag_documents(project, [target.pk], taggers=["triggers", "trigger_crf"])
    assert "trigger_crf" in report.skipped and events_of(target) == set()  # not trained yet: said, not failed
    taught = teach(project, reviewer)

    pretagging.train_crf(project)  # the page's button and `train_tagger`
    model = TaggerModel.objects.get(project=project, tagger="trigger_crf")
    assert model.trained_on == 4 and model.metrics["documents"] == sorted(d.pk for d in taught)
    assert ["عقد", "MEET"] in model.metrics["marked"] and "عقد" in model.metrics["doubtful"]

    report = pretagging.pretag_documents(project, [target.pk], taggers=["triggers", "trigger_crf"])
    assert report.errors == [] and report.skipped == {}
    assert events_of(target) == {("trigger_crf", "MEET", HELD)}  # "held", not "the gas contract"
    own = services.own_set(target, annotator)
    offered = [(s.tagger, s.start) for s in pending_suggestions(own) if s.kind == "event"]
    assert offered == [("trigger_crf", HELD)]


def test_its_review_drops_a_lexicon_word_where_it_is_no_trigger(project, reviewer):
    meet = project.event_types.get(key="MEET")
    meet.triggers = [*meet.triggers, "عقد"]  # a project that lists «عقد» as a meeting word
    meet.save(update_fields=["triggers"])
    target = add_docs(project, [TARGET], prefix="new")[0]
    pretagging.pretag_documents(project, [target.pk], taggers=["triggers"])
    assert events_of(target) == {("triggers", "MEET", HELD), ("triggers", "MEET", CONTRACT)}

    teach(project, reviewer)
    pretagging.train_crf(project)
    pretagging.pretag_documents(project, [target.pk], taggers=["triggers", "trigger_crf"])
    # Both taggers' proposal of the meeting is kept (each tagger's own suggestions are stored).
    assert events_of(target) == {("triggers", "MEET", HELD), ("trigger_crf", "MEET", HELD)}


def test_the_automatic_retraining_retrains_it(project, reviewer, django_capture_on_commit_callbacks):
    teach(project, reviewer, TEACHING[:2])
    pretagging.train_crf(project)
    assert TaggerModel.objects.get(project=project, tagger="trigger_crf").trained_on == 2
    teach(project, reviewer, TEACHING[2:], prefix="later")
    with django_capture_on_commit_callbacks(execute=True):
        job = pretagging.start_retrain(project, reason="auto")
    job.refresh_from_db()
    assert job.status == "done", job.result
    assert TaggerModel.objects.get(project=project, tagger="trigger_crf").trained_on == 4
    assert TaggerModel.objects.filter(project=project, tagger="trigger_crf").count() == 1  # only the current one


def test_train_tagger_trains_it_and_says_so(project, reviewer, capsys):
    teach(project, reviewer)
    call_command("train_tagger", project.slug, "--iterations", "20")
    assert "trigger model (trigger_crf) trained on 4 documents with 4 events" in capsys.readouterr().out
    assert TaggerModel.objects.filter(project=project, tagger="trigger_crf").exists()


def test_the_pretagging_page_says_whether_it_is_trained(client, admin_user, project, reviewer):
    client.force_login(admin_user)
    page = reverse("pretag_page", args=[project.slug])
    assert "لم يُدرَّب نموذجها بعد" in client.get(page).content.decode()  # the default language
    client.cookies["django_language"] = "en"
    assert "Event triggers in context: not trained yet" in client.get(page).content.decode()
    teach(project, reviewer)
    pretagging.train_crf(project)
    html = client.get(page).content.decode()
    assert "Event triggers in context: trained with the CRF on 4 documents holding events." in html
    assert "Event triggers in context (learned)" in html  # its line in the taggers' table


def _fails(*args, **kwargs):
    raise RuntimeError("out of memory")


def test_a_failed_trigger_training_is_said_and_the_crf_is_stored_all_the_same(
        project, reviewer, monkeypatch, caplog, django_capture_on_commit_callbacks):
    from django.utils import translation

    from corpus.pretag import trigger_model

    teach(project, reviewer)
    monkeypatch.setattr(trigger_model, "train", _fails)
    with django_capture_on_commit_callbacks(execute=True):
        job = pretagging.start_retrain(project)  # the page's button: the full training
    job.refresh_from_db()
    assert job.status == "done", job.result
    assert TaggerModel.objects.get(pk=job.result["model"]).tagger == "crf"
    assert not TaggerModel.objects.filter(project=project, tagger="trigger_crf").exists()
    assert f"project {project.slug}: the trigger model could not be trained" in caplog.text
    with translation.override("ar"):  # the reader's language, not the worker's
        said = "تعذّر تدريب نموذج المُطلِقات (RuntimeError: out of memory): دُرِّب نموذج CRF"
        assert job.shown_messages[-1].startswith(said) and job.shown_result["trigger_model_failed"].startswith(said)
    with translation.override("en"):
        assert job.shown_messages[-1].startswith("The trigger model could not be trained (RuntimeError: out of memory)")


def test_the_quick_retraining_keeps_the_previous_trigger_model_when_training_a_new_one_fails(
        project, reviewer, monkeypatch):
    from corpus.pretag import trigger_model

    teach(project, reviewer, TEACHING[:2])
    assert pretagging.train_crf(project).trigger_failure is None
    teach(project, reviewer, TEACHING[2:], prefix="later")
    monkeypatch.setattr(trigger_model, "train", _fails)
    model = pretagging.train_crf(project, fast=True)  # the automatic retraining, stacked on the full model
    assert model.metrics["stacked"] is True and "RuntimeError" in model.trigger_failure
    assert TaggerModel.objects.get(project=project, tagger="trigger_crf").trained_on == 2
