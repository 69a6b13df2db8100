"""Evaluation of stored suggestions against a small hand-made gold set; figures computed by hand."""
from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from annotate import services
from annotate.models import Span, Suggestion, SuggestionDecision
from annotate.pretagging.evaluation import ALL_TYPES, MERGED, Options, evaluate_project
from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents

TEXT = "أ" * 60  # offsets are all that matter here


@pytest.fixture
def scene(project, reviewer, annotator):
    add_documents(project, [DocumentRecord(external_id="e1", text=TEXT)])
    document = project.documents.get(external_id="e1")
    types = {t.key: t for t in project.entity_types.all()}
    gold = services.gold_set(document)
    # Gold: PER 0-5, GPE 10-14, ORG 20-30.
    for start, end, kind in [(0, 5, "PER"), (10, 14, "GPE"), (20, 30, "ORG")]:
        Span.objects.create(set=gold, entity_type=types[kind], start=start, end=end)

    def suggest(tagger, kind, start, end, score=0.8):
        return Suggestion.objects.create(document=document, tagger=tagger, entity_type=types[kind],
                                         start=start, end=end, score=score)

    # gazetteer: PER 0-5 (exact), GPE 10-13 (overlaps GPE 10-14).
    g_per, g_gpe = suggest("gazetteer", "PER", 0, 5), suggest("gazetteer", "GPE", 10, 13)
    # crf: PER 0-5 (exact), ORG 22-30 (overlaps), PER 40-45 (wrong).
    suggest("crf", "PER", 0, 5), suggest("crf", "ORG", 22, 30)
    c_wrong = suggest("crf", "PER", 40, 45)
    decide = SuggestionDecision.objects.create
    decide(suggestion=g_per, user=annotator, decision="accepted")
    decide(suggestion=g_gpe, user=annotator, decision="rejected")
    decide(suggestion=c_wrong, user=annotator, decision="rejected")
    return project


def row(evaluation, tagger, kind=ALL_TYPES):
    return next(r for r in evaluation.rows if r.tagger == tagger and r.type == kind)


def test_exact_and_overlap_figures_per_tagger(scene):
    evaluation = evaluate_project(scene)
    assert evaluation.documents == 1
    # gazetteer: 2 suggested, 3 gold, 1 exact → P 1/2, R 1/3, F1 2·(1/6)/(5/6) = 0.4;
    # overlap: both suggestions touch a gold span (P 1), 2 of 3 gold touched (R 2/3), F1 0.8.
    gaz = row(evaluation, "gazetteer")
    assert gaz.exact == (0.5, 0.3333, 0.4) and gaz.overlap == (1.0, 0.6667, 0.8)
    # crf: 3 suggested, 1 exact → P = R = F1 = 1/3; overlap 2 of 3 each way → 2/3.
    crf = row(evaluation, "crf")
    assert crf.exact == (0.3333, 0.3333, 0.3333) and crf.overlap == (0.6667, 0.6667, 0.6667)
    # merged (gazetteer before crf): PER 0-5 (gaz), GPE 10-13, ORG 22-30, PER 40-45 → 4 shown, 1 exact:
    # P 1/4, R 1/3, F1 2·(1/12)/(7/12) = 2/7; overlap P 3/4, R 3/3, F1 1.5/1.75 = 6/7.
    merged = row(evaluation, MERGED)
    assert merged.exact == (0.25, 0.3333, 0.2857) and merged.overlap == (0.75, 1.0, 0.8571)


def test_per_type_figures_count_gold_a_tagger_missed(scene):
    evaluation = evaluate_project(scene)
    # gazetteer GPE: 10-13 vs 10-14: no exact match, but an overlap both ways.
    gpe = row(evaluation, "gazetteer", "GPE")
    assert (gpe.counts.gold, gpe.counts.suggested) == (1, 1)
    assert gpe.exact == (0.0, 0.0, 0.0) and gpe.overlap == (1.0, 1.0, 1.0)
    # The gazetteer suggested no ORG: recall 0 over the one gold ORG.
    org = row(evaluation, "gazetteer", "ORG")
    assert (org.counts.gold, org.counts.suggested, org.exact) == (1, 0, (0.0, 0.0, 0.0))
    # crf PER: 2 suggested, 1 gold, 1 exact → P 1/2, R 1, F1 2/3.
    assert row(evaluation, "crf", "PER").exact == (0.5, 1.0, 0.6667)


def test_acceptance_rate_from_decisions(scene):
    rates = {a.tagger: (a.accepted, a.rejected, a.rate) for a in evaluate_project(scene).acceptance}
    # gazetteer 1 accepted of 2; crf 0 of 1; overall 1 of 3.
    assert rates == {"gazetteer": (1, 1, 0.5), "crf": (0, 1, 0.0), ALL_TYPES: (1, 2, 0.3333)}


def test_the_command_prints_the_same_figures(scene, capsys):
    call_command("evaluate_pretag", scene.slug)
    out = capsys.readouterr().out
    lines = [line.split() for line in out.splitlines()]
    assert ["gazetteer", "*", "3", "2", "0.500", "0.333", "0.400", "1.000", "0.667", "0.800"] in lines
    assert ["crf", "0", "1", "0.000"] in lines and ["*", "1", "2", "0.333"] in lines


def test_a_project_without_gold_evaluates_to_nothing(project):
    evaluation = evaluate_project(project)
    assert (evaluation.documents, evaluation.rows) == (0, [])


@pytest.fixture
def with_dates(scene):
    """The crf also suggests a DATE, a type the gold never annotates."""
    document = scene.documents.get(external_id="e1")
    Suggestion.objects.create(document=document, tagger="crf", entity_type=scene.entity_types.get(key="DATE"),
                              start=50, end=55, score=0.9)
    return scene


def test_types_the_gold_does_not_annotate_are_left_out_and_named(with_dates):
    evaluation = evaluate_project(with_dates)
    assert evaluation.left_out == ["DATE"]
    assert not [r for r in evaluation.rows if r.type == "DATE"]
    # The crf's figures are those of the scene, as if it had not suggested the date.
    assert row(evaluation, "crf").exact == (0.3333, 0.3333, 0.3333)


def test_types_option_scores_only_the_named_types(scene):
    evaluation = evaluate_project(scene, Options(types=frozenset({"PER"})))
    assert {r.type for r in evaluation.rows} == {"PER", ALL_TYPES}
    # crf PER: 0-5 exact, 40-45 wrong; one gold PER → P 1/2, R 1.
    assert row(evaluation, "crf").exact == (0.5, 1.0, 0.6667)


def test_map_renames_types_on_both_sides_and_an_empty_target_drops_one(scene):
    # ORG counted as PER: gold PER 0-5 and 20-30; crf PER 0-5, 22-30 (overlap), 40-45.
    evaluation = evaluate_project(scene, Options(type_map={"ORG": "PER", "GPE": None}))
    crf = row(evaluation, "crf", "PER")
    assert (crf.counts.gold, crf.counts.suggested, crf.counts.exact) == (2, 3, 1)
    assert not [r for r in evaluation.rows if r.type in ("GPE", "ORG")]


def test_per_document_rows_add_up_to_the_totals(scene, project):
    add_documents(project, [DocumentRecord(external_id="e2", text="ب" * 60)])
    second = project.documents.get(external_id="e2")
    Span.objects.create(set=services.gold_set(second), entity_type=project.entity_types.get(key="PER"), start=0, end=5)
    evaluation = evaluate_project(scene, Options(per_document=True))
    assert [d.external_id for d in evaluation.per_document] == ["e1", "e2"]
    first, other = ({r.tagger + r.type: r.counts for r in d.rows} for d in evaluation.per_document)
    assert (first["crf*"].gold, first["crf*"].exact) == (3, 1)
    assert (other["crf*"].gold, other["crf*"].suggested) == (1, 0)  # scored where it suggested nothing
    assert row(evaluation, "crf").counts.gold == 4


def test_the_command_takes_types_map_per_document_and_json(with_dates, capsys):
    call_command("evaluate_pretag", with_dates.slug, "--types", "PER", "ORG", "--map", "ORG=PER",
                 "--per-document", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["documents"] == 1 and data["left_out"] == []  # DATE is not among --types
    assert {r["type"] for r in data["rows"]} == {"PER", "*"}
    crf = next(r for r in data["rows"] if r["tagger"] == "crf" and r["type"] == "PER")
    assert (crf["gold"], crf["suggested"]) == (2, 3)
    assert data["per_document"][0]["external_id"] == "e1"
    call_command("evaluate_pretag", with_dates.slug, "--per-document")
    out = capsys.readouterr().out
    assert "left out (no gold annotation of these types): DATE" in out and "document " in out


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--map", "ORG"], "--map: «ORG»: expected SRC=TYPE"),
        (["--map", "PLANET=PER"], "--map: «PLANET» is not a type of this project"),
        (["--types", "PLANET"], "--types: PLANET: not types of this project"),
    ],
)
def test_the_command_refuses_bad_options_with_a_clear_message(scene, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("evaluate_pretag", scene.slug, *arguments)
