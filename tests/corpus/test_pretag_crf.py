"""The learned tagger: BIO with clitic cuts, training, tagging unseen names, evaluation."""
from __future__ import annotations

import random
import string
import time
from pathlib import Path

import pytest

from corpus.pretag.crf import CRFTagger, cross_validate, decode, evaluate, labels_for, train
from corpus.text.arabic import tokenize

FIRST = ["سمير", "نادر", "هالة", "رامي", "منى", "وليد", "سلمى", "كريم", "ليلى", "جميل", "رنا", "فادي"]
LAST = ["داود", "الحلبي", "منصور", "العلي", "يوسف", "الخطيب", "حداد", "سليمان", "النجار", "عيسى"]
CITIES = ["حلب", "حمص", "طرطوس", "دمشق", "القاهرة", "بيروت", "عمان", "بغداد", "تونس", "الرباط"]
MINISTRIES = ["الخارجية", "الداخلية", "الصحة", "التربية", "الزراعة", "المالية"]
TEMPLATES = [
    "قال الوزير {PER} إن الوضع في {GPE} مستقر.",
    "والتقى {PER} بنظيره في {GPE} أمس.",
    "وأعلنت {ORG} أن {PER} سيزور {GPE} قريبا.",
    "وأكد المتحدث باسم {ORG} أن الوفد وصل وب{GPE} عقد لقاء.",
    "من جهته صرح {PER} للصحفيين في {GPE}.",
    "وأشار تقرير {ORG} إلى تحسن الخدمات.",
]


def make_document(rng: random.Random, first=FIRST, last=LAST, cities=CITIES, sentences=4):
    """A made-up news paragraph and its gold spans (PER, GPE, ORG)."""
    text, spans = "", []
    for _ in range(sentences):
        names = {"PER": f"{rng.choice(first)} {rng.choice(last)}", "GPE": rng.choice(cities),
                 "ORG": "وزارة " + rng.choice(MINISTRIES)}
        for literal, slot, _, _ in string.Formatter().parse(rng.choice(TEMPLATES)):
            text += literal
            if slot:
                spans.append((len(text), len(text) + len(names[slot]), slot))
                text += names[slot]
        text += " "
    return text.rstrip(), spans


def test_generated_spans_point_at_their_names():
    text, spans = make_document(random.Random(3))
    kinds = {text[s:e]: k for s, e, k in spans}
    assert all(k in ("PER", "GPE", "ORG") for k in kinds.values())
    assert all(t.startswith("وزارة ") for t, k in kinds.items() if k == "ORG")
    assert all(t in CITIES for t, k in kinds.items() if k == "GPE")


def test_labels_mark_a_glued_clitic_and_decode_back_to_the_same_offsets():
    text = "التقى سمير داود وبحلب وفدا"
    spans = [(6, 15, "PER"), (18, 21, "GPE")]
    tokens = tokenize(text)
    labels = labels_for(tokens, spans)
    assert labels == ["O", "B-PER", "I-PER", "B-GPE^2", "O"]
    assert decode(tokens, labels) == spans


def test_crf_learns_to_tag_names_it_never_saw_in_contexts_it_did():
    rng = random.Random(7)
    examples = [make_document(rng, FIRST[:8], LAST[:7], CITIES[:6]) for _ in range(60)]
    tagger = CRFTagger(train(examples, max_iterations=60))
    text = "قال الوزير جميل سليمان إن الوضع في تونس مستقر. ثم وصل الوفد وببغداد عقد لقاء."
    got = {(text[s.start:s.end], s.type) for s in tagger.tag(text, tokenize(text))}
    assert ("جميل سليمان", "PER") in got
    assert ("تونس", "GPE") in got
    assert ("بغداد", "GPE") in got  # the clitic cut, learnt from «وب{gpe}»
    assert all(0 < s.score <= 1 and s.tagger == "crf" for s in tagger.tag(text, tokenize(text)))


def test_the_tagger_keeps_its_model_alive_when_the_caller_drops_it():
    """crfsuite reads the model bytes in place: a tagger built from a temporary
    (`CRFTagger(bytes(row.data))`, as the pipeline does) must still tag as trained once
    that temporary's memory is reused."""
    import gc

    rng = random.Random(7)
    model = train([make_document(rng) for _ in range(30)], max_iterations=30)
    text = "قال الوزير جميل سليمان إن الوضع في تونس مستقر."
    expected = CRFTagger(model).tag(text, tokenize(text))
    tagger = CRFTagger(bytes(bytearray(model)))  # the only reference to these bytes
    gc.collect()
    junk = [bytes([i]) * len(model) for i in range(1, 8)]  # reuse the freed memory
    assert tagger.tag(text, tokenize(text)) == expected
    assert junk


def test_evaluate_counts_exact_matches_per_type():
    gold = [[(0, 3, "PER"), (5, 8, "GPE")], [(0, 4, "ORG")]]
    predicted = [[(0, 3, "PER"), (5, 9, "GPE")], [(0, 4, "ORG"), (6, 8, "PER")]]
    scores = evaluate(gold, predicted)
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (2, 2, 1)
    assert scores.precision == 0.5 and scores.recall == round(2 / 3, 4)
    assert scores.per_type["ORG"] == (1.0, 1.0, 1.0) and scores.per_type["GPE"] == (0.0, 0.0, 0.0)


def test_cross_validation_reports_held_out_scores():
    rng = random.Random(11)
    examples = [make_document(rng) for _ in range(25)]
    scores = cross_validate(examples, folds=3, max_iterations=40)
    total = sum(len(s) for _, s in examples)
    assert scores.true_positives + scores.false_negatives == total
    assert scores.f1 > 0.8


def test_training_without_tokens_is_refused():
    with pytest.raises(ValueError, match="no training data"):
        train([("", [])])


# ../shared/data beside the checkout (never copied into the repository), as in
# tests/annotate/test_dataset_newsfane.py.
NEWSFANE = Path(__file__).resolve().parents[3] / "shared" / "data" / "newsfane_gold" / "NewsFANE_Gold_2014_170K.txt"


@pytest.mark.skipif(not NEWSFANE.exists(), reason="../shared/data is not available")
def test_crf_bootstrapped_on_newsfane_gold_tags_held_out_segments():
    from corpus.pretag.bootstrap import NEWSFANE_CLASSES, read_bio

    examples = list(read_bio(NEWSFANE, NEWSFANE_CLASSES))
    assert len(examples) > 4000
    started = time.perf_counter()
    tagger = CRFTagger(train(examples[:2800], max_iterations=80))
    held = examples[-900:]
    predicted = [[(s.start, s.end, s.type) for s in tagger.tag(t, tokenize(t))] for t, _ in held]
    scores = evaluate([spans for _, spans in held], predicted)
    print(f"\nNewsFANE bootstrap: {scores} in {time.perf_counter() - started:.1f}s")
    assert scores.f1 > 0.5 and scores.per_type["GPE"][2] > 0.7


def test_newsfane_group_is_a_people_and_not_mapped_to_an_organisation(tmp_path):
    from corpus.pretag.bootstrap import NEWSFANE_CLASSES, read_bio

    assert "Group" not in NEWSFANE_CLASSES and NEWSFANE_CLASSES["Government"] == "ORG"
    path = tmp_path / "bio.txt"
    path.write_text("قال\tO\nالعرب\tB-Group\nو\tO\nالحكومة\tB-Government\n", encoding="utf-8")
    [(text, spans)] = read_bio(path, NEWSFANE_CLASSES)
    assert [(text[s:e], kind) for s, e, kind in spans] == [("الحكومة", "ORG")]


def test_crf_features_say_a_word_follows_a_title_or_is_an_organisation_head():
    from corpus.pretag.crf import _documents
    from corpus.pretag.gazetteer import shipped_gazetteer

    text = "قال الرئيس سمير داود إن وزارة الصحة مستعدة"
    [(sentence, features)] = list(_documents(text, tokenize(text), shipped_gazetteer()))
    by_word = dict(zip([t.text for t in sentence], features, strict=True))
    assert "c=PER" in by_word["الرئيس"] and "c-1=PER" in by_word["سمير"]  # preceded by a title
    assert "c=B-PER" in by_word["سمير"] and "c=I-PER" in by_word["داود"]
    assert "c=B-ORG" in by_word["وزارة"] and "c1=B-ORG" in by_word["إن"]
    assert not [f for f in by_word["مستعدة"] if f.startswith("c=") and f != "c=-"]


def test_crf_features_say_a_word_is_a_known_given_name_or_a_listed_organisation():
    from corpus.pretag.crf import _documents
    from corpus.pretag.gazetteer import shipped_gazetteer

    text = "وقال محمد الدبيبة إن حماس وسعيد يرفضان"
    [(sentence, features)] = list(_documents(text, tokenize(text), shipped_gazetteer()))
    by_word = dict(zip([t.text for t in sentence], features, strict=True))
    assert "n=name" in by_word["محمد"] and "n-1=name" in by_word["الدبيبة"] and "n1=name" in by_word["وقال"]
    assert "n=word" in by_word["وسعيد"]  # a given name that is also a common word, behind و
    assert "o=B" in by_word["حماس"]
    assert not [f for f in by_word["يرفضان"] if f.startswith(("n=", "o="))]
