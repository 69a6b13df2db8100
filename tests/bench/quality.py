"""Suggestion quality, not speed: how good the learned taggers are.

- CRF: 5-fold cross-validated exact-match P/R/F1 per type on NewsFANE Gold (read from
  ../shared/data where it lies; documents of 15 segments), and a learning curve: F1 on a
  held-out fifth after 0, 10, 25, 50 and 100 gold documents, with and without a NewsFANE
  bootstrap (a disjoint part of the corpus standing in for another source's data).
- Triggers: F1 of the trigger tagger on made-up articles (two sets: short ones, and longer
  news of one story whose scored half uses inflected forms), with the schema's lexicon only
  and after learning from four annotated articles of the same kind.

Skipped (with a line saying so) when NewsFANE is absent.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from tests.bench.common import report

NEWSFANE = Path(__file__).resolve().parents[3] / "shared" / "data" / "newsfane_gold" / "NewsFANE_Gold_2014_170K.txt"
SEGMENTS_PER_DOCUMENT = 15
CURVE = (0, 10, 25, 50, 100)
ITERATIONS = 60  # enough to converge on this much data; bounds the bench's time

# Made-up articles: (text, [(trigger word, event type, occurrence from 0)]). The first four
# teach, the last four are scored. «بحث»، «ناقش» and «أشار» are not in the news-ar lexicon.
ARTICLES = [
    ("بحث وزير الخارجية مع نظيره الأردني ملف المعابر. وقال المتحدث إن اللقاء كان مثمرا.",
     [("بحث", "MEET", 0), ("قال", "STATEMENT", 0), ("اللقاء", "MEET", 0)]),
    ("ناقش رئيس الحكومة مع وفد البنك خطة الإصلاح، وأشار إلى أن القرض سيصرف على دفعات.",
     [("ناقش", "MEET", 0), ("أشار", "STATEMENT", 0)]),
    ("وبحث الجانبان في عمان سبل التعاون، وأشار بيان مشترك إلى أن الجولة المقبلة في الربيع.",
     [("بحث", "MEET", 0), ("أشار", "STATEMENT", 0)]),
    ("اجتمع المحافظ بممثلي التجار وناقش معهم أسعار الوقود، ثم قال إن الأزمة عابرة.",
     [("اجتمع", "MEET", 0), ("ناقش", "MEET", 0), ("قال", "STATEMENT", 0)]),
    ("بحث رئيس البرلمان مع السفير الفرنسي الأوضاع في الجنوب، وأشار مكتبه إلى أن الزيارة تستمر يومين.",
     [("بحث", "MEET", 0), ("أشار", "STATEMENT", 0)]),
    ("وناقش الوزراء العرب في القاهرة ملف المياه. وقال الأمين العام إن الاتفاق قريب.",
     [("ناقش", "MEET", 0), ("قال", "STATEMENT", 0)]),
    ("التقى قائد الجيش بوفد من الأمم المتحدة وبحث معه تبادل الأسرى، وأشار إلى أن المفاوضات صعبة.",
     [("التقى", "MEET", 0), ("بحث", "MEET", 0), ("أشار", "STATEMENT", 0)]),
    ("أكد وزير المالية أن العجز تراجع، وأشار في مؤتمر صحفي إلى أن الحكومة ناقشت الموازنة مع النقابات.",
     [("أكد", "STATEMENT", 0), ("أشار", "STATEMENT", 0), ("ناقشت", "MEET", 0)]),
]

# Longer made-up news of one story (written after the inflection matching, to score it): the
# four scored ones use inflected forms («يبحث», «قالت», «سيناقشون», «يؤكد») of words the four
# teaching ones mark in their base form, and one trigger neither teaches («المفاوضات»).
NEWS_ARTICLES = [
    ("بحث وزير الري مع نظيره السوداني ملف السد في الخرطوم. وقال الوزير إن اللقاء كان صريحا، "
     "وأشار إلى أن الخلاف ما زال قائما.",
     [("بحث", "MEET", 0), ("قال", "STATEMENT", 0), ("اللقاء", "MEET", 0), ("أشار", "STATEMENT", 0)]),
    ("ناقش الخبراء في القاهرة قواعد الملء، وقال رئيس الوفد إن الجانب الإثيوبي انسحب من الجلسة الأخيرة. "
     "وأكد المتحدث أن الوساطة مستمرة.",
     [("ناقش", "MEET", 0), ("قال", "STATEMENT", 0), ("انسحب", "WITHDRAW", 0), ("أكد", "STATEMENT", 0)]),
    ("وبحث الرئيس مع المبعوث الأمريكي سبل التهدئة، وأشار بيان الرئاسة إلى أن الاجتماع تناول الجدول الزمني. "
     "ونفى المتحدث وجود أي صفقة.",
     [("بحث", "MEET", 0), ("أشار", "STATEMENT", 0), ("الاجتماع", "MEET", 0), ("نفى", "STATEMENT", 0)]),
    ("اجتمع وزراء الخارجية في أديس أبابا، وناقش الوزراء مقترح الاتحاد الأفريقي. وقال مصدر دبلوماسي إن "
     "الوفد السوداني انسحب احتجاجا، وأكد أن العودة مشروطة.",
     [("اجتمع", "MEET", 0), ("ناقش", "MEET", 0), ("قال", "STATEMENT", 0), ("انسحب", "WITHDRAW", 0),
      ("أكد", "STATEMENT", 0)]),
    ("يبحث وزير الري غدا مع نظيره الإثيوبي الخلافات العالقة، وقالت الوزارة إن الجولة ستكون حاسمة. "
     "وأشارت مصادر إلى أن الخبراء سيناقشون قواعد التشغيل.",
     [("يبحث", "MEET", 0), ("قالت", "STATEMENT", 0), ("أشارت", "STATEMENT", 0), ("سيناقشون", "MEET", 0)]),
    ("وبحثت اللجنة الفنية في الخرطوم البيانات الهيدرولوجية، وأكدت في بيان أن التعاون مستمر. ونفت الخارجية "
     "السودانية أن يكون وفدها قد انسحب من الاجتماع.",
     [("بحثت", "MEET", 0), ("أكدت", "STATEMENT", 0), ("نفت", "STATEMENT", 0), ("انسحب", "WITHDRAW", 0),
      ("الاجتماع", "MEET", 0)]),
    ("التقى رئيس الوزراء بالمبعوث الأممي وبحثا خطة الوساطة، ثم قال للصحفيين إن الحل قريب. ويؤكد الخبراء "
     "أن الوقت ينفد.",
     [("التقى", "MEET", 0), ("بحثا", "MEET", 0), ("قال", "STATEMENT", 0), ("يؤكد", "STATEMENT", 0)]),
    ("انسحبت القوات من المنطقة الحدودية بعد أن ناقشت القيادتان ترتيبات أمنية، وأشار قائد ميداني إلى أن "
     "الانسحاب تم دون حوادث. وقال مسؤول إن المفاوضات تستأنف الأسبوع المقبل.",
     [("انسحبت", "WITHDRAW", 0), ("ناقشت", "MEET", 0), ("أشار", "STATEMENT", 0), ("الانسحاب", "WITHDRAW", 0),
      ("قال", "STATEMENT", 0), ("المفاوضات", "MEET", 0)]),
]


def main() -> None:
    from tests.bench.common import setup_django

    setup_django()
    figures = trigger_figures()
    if NEWSFANE.exists():
        figures.update(crf_figures())
    else:
        print(f"quality: {NEWSFANE} is absent; the CRF figures are skipped")
    report(figures)


# ---- triggers ---------------------------------------------------------------------------------

def _events(text: str, marks) -> list[tuple[str, int, int]]:
    out = []
    for word, kind, occurrence in marks:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(word, start + 1)
        out.append((kind, start, start + len(word)))
    return out


def trigger_figures() -> dict:
    figures = {}
    for name, articles in (("triggers", ARTICLES), ("triggers_news", NEWS_ARTICLES)):
        before, after = _trigger_f1(articles)
        figures[f"{name}_f1_lexicon_only"] = {"value": f"{before:.2f}", "unit": "F1", "goal": ""}
        figures[f"{name}_f1_after_4_articles"] = {"value": f"{after:.2f}", "unit": "F1", "goal": ">= 0.90"}
    return figures


def _trigger_f1(articles) -> tuple[float, float]:
    """F1 on the last four articles with the schema's lexicon alone, and after learning
    from the first four."""
    from corpus.pretag import TriggerTagger
    from corpus.pretag.events import specs_from_schema
    from corpus.pretag.trigger_learning import AnnotatedText, learn_triggers
    from corpus.text.arabic import tokenize

    preset = Path(__file__).resolve().parents[2] / "corpus" / "presets" / "news_ar.json"
    specs = specs_from_schema(json.loads(preset.read_text(encoding="utf-8"))["event_types"])
    teach, score = articles[:4], articles[4:]
    learned = learn_triggers(AnnotatedText(text, _events(text, marks)) for text, marks in teach)

    def f1(tagger) -> float:
        tp = fp = fn = 0
        for text, marks in score:
            gold = set(_events(text, marks))
            found = {(e.type, e.trigger_start, e.trigger_end) for e in tagger.tag_events(text, tokenize(text), [])}
            tp, fp, fn = tp + len(gold & found), fp + len(found - gold), fn + len(gold - found)
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    return f1(TriggerTagger(specs)), f1(TriggerTagger(specs, learned=[(t.word, t.type, t.score) for t in learned]))


# ---- CRF on NewsFANE --------------------------------------------------------------------------

def _documents() -> list:
    from corpus.pretag.bootstrap import NEWSFANE_CLASSES, read_bio

    segments = list(read_bio(NEWSFANE, NEWSFANE_CLASSES))
    documents = []
    for first in range(0, len(segments), SEGMENTS_PER_DOCUMENT):
        text, spans, offset = [], [], 0
        for segment_text, segment_spans in segments[first:first + SEGMENTS_PER_DOCUMENT]:
            spans += [(start + offset, end + offset, kind) for start, end, kind in segment_spans]
            text.append(segment_text)
            offset += len(segment_text) + 1
        documents.append(("\n".join(text), spans))
    return documents


def _f1_on(model: bytes | None, held: list, *, base: bytes | None = None) -> float:
    from corpus.pretag.crf import CRFTagger, evaluate
    from corpus.text.arabic import tokenize

    if model is None:
        return 0.0
    tagger = CRFTagger(model, base=base)
    predicted = [[(s.start, s.end, s.type) for s in tagger.tag(text, tokenize(text))] for text, _spans in held]
    return evaluate([spans for _text, spans in held], predicted).f1


def crf_figures() -> dict:
    from corpus.pretag.crf import cross_validate, train

    documents = _documents()
    scores = cross_validate(documents, 5, seed=3, max_iterations=ITERATIONS)
    figures = {"crf_newsfane_5fold_f1": {"value": f"{scores.f1:.2f}", "unit": "F1", "goal": ""}}
    for kind, (p, r, f) in scores.per_type.items():
        figures[f"crf_newsfane_5fold_{kind}_p_r_f1"] = {"value": f"{p:.2f}/{r:.2f}/{f:.2f}", "unit": "", "goal": ""}

    order = list(range(len(documents)))
    random.Random(11).shuffle(order)
    fifth = len(order) // 5
    held = [documents[i] for i in order[:fifth]]
    rest = [documents[i] for i in order[fifth:]]
    bootstrap, pool = rest[: len(rest) // 2], rest[len(rest) // 2:]
    for gold in CURVE:
        project_gold = pool[:gold]
        alone = train(project_gold, max_iterations=ITERATIONS) if project_gold else None
        boosted = train(bootstrap + project_gold, max_iterations=ITERATIONS)
        figures[f"crf_curve_{gold}_gold_f1_alone_bootstrap"] = {
            "value": f"{_f1_on(alone, held):.2f}/{_f1_on(boosted, held):.2f}", "unit": "F1", "goal": ""}
    return figures


if __name__ == "__main__":
    main()
