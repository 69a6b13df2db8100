"""Suggestion quality, not speed: how good the learned taggers are.

- CRF: 5-fold cross-validated exact-match P/R/F1 per type on NewsFANE Gold (read from
  ../shared/data where it lies; documents of 15 segments), and a learning curve: F1 on a
  held-out fifth after 0, 10, 25, 50 and 100 gold documents, with and without a NewsFANE
  bootstrap (a disjoint part of the corpus standing in for another source's data).
- What annotators see (every tagger's suggestions merged, overlap match) on the same held-out
  fifth, per type: cold (dates, gazetteer, organisation list, cue rules, given-name rule, short
  forms) and with a CRF bootstrapped on the other four fifths (where the given-name rule gives
  way to the CRF, as in a project's runs; also with it kept beside the CRF), each with and
  without the organisation list and the given-name rule; and cold on the articles of
  tests/corpus/news_untitled.py (persons without titles, organisations without heads).
- Triggers: P/R/F1 of the trigger taggers on made-up articles (four sets: short ones, longer
  news of one story whose scored half uses inflected forms, news of one story whose trigger
  words are triggers in some places and not in others, and four more scored articles of
  that story written after the model was settled), with the schema's lexicon
  only, then after four annotated articles of the same kind: with the words learned by
  their precision, and with the context model too (its own proposals, and its review
  dropping the lexicon's and learned words it is sure are no triggers there; also without
  the review, and at other review thresholds).

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

# News of one story written for the context model (an energy contract, a summit, troop
# withdrawals): «عقد» is "held (a session)" and also "contract" and "decade", «قمة» a summit
# and a peak or the top of a league, «سحب» a withdrawal of forces and also drawing lots,
# revoking a licence or a no-confidence vote, «صرح» "stated" and also "an edifice", «بحث»
# "discussed" and also "research/search"; a meeting that did not happen («لم يلتق») is not
# marked. Where «عقد» holds a «لقاء», the noun is the trigger. The scored four were written
# after the teaching four, with contexts of their own.
CONTEXT_ARTICLES = [
    ("عقد وزير الطاقة جلسة مغلقة مع ممثلي شركة النفط الوطنية في العاصمة، وبحث الطرفان تعديل عقد التوريد "
     "الموقع منذ عقد. وقال الوزير إن الشركة وافقت على مراجعة الأسعار.",
     [("عقد", "MEET", 0), ("بحث", "MEET", 0), ("قال", "STATEMENT", 0)]),
    ("وصلت أسعار الغاز إلى قمة غير مسبوقة هذا الشتاء. وأكد رئيس الحكومة أن بلاده ستطرح الملف على قمة دول "
     "الجوار الشهر المقبل، ونفى أن تكون الحكومة قد سحبت دعمها للمشروع.",
     [("أكد", "STATEMENT", 0), ("قمة", "MEET", 1), ("نفى", "STATEMENT", 0)]),
    ("سحبت القوات الحكومية وحداتها من حقل الغاز الشمالي بعد أن التقى قائدها بوجهاء المنطقة، ولم يلتق الوزير "
     "بممثلي المعارضة. وجرى سحب القرعة بين الشركات أمام الصحفيين. وصرح المتحدث العسكري بأن الانسحاب اكتمل.",
     [("سحبت", "WITHDRAW", 0), ("التقى", "MEET", 0), ("صرح", "STATEMENT", 0), ("الانسحاب", "WITHDRAW", 0)]),
    ("افتتح وزير الصحة صرحا طبيا جديدا في المدينة الساحلية، ثم عقد لقاء مع الأطباء وقال إن المستشفى سيخدم "
     "مئة ألف نسمة. وبحث الوزير مع المحافظ خطة لسحب النفايات من الشوارع، وأشار إلى أن أستاذا في علم "
     "الاجتماع سيقود فرق البحث الميداني.",
     [("لقاء", "MEET", 0), ("قال", "STATEMENT", 0), ("بحث", "MEET", 0), ("أشار", "STATEMENT", 0)]),
    ("عقد ممثلو الشركة والوزارة جلسة جديدة أمس، وقال مصدر مطلع إن الخلاف ما زال على مدة العقد. وأكد المصدر "
     "أن الطرفين بحثا أيضا ملف الرواتب.",
     [("عقد", "MEET", 0), ("قال", "STATEMENT", 0), ("أكد", "STATEMENT", 0), ("بحثا", "MEET", 0)]),
    ("تصدر فريق المدينة قمة الدوري بعد فوزه أمس. وفي شأن آخر، أعلن وزير الخارجية أن قمة رؤساء دول الجوار "
     "ستعقد في العاصمة، وأوضح أن القادة سيبحثون أزمة الغاز.",
     [("أعلن", "STATEMENT", 0), ("قمة", "MEET", 1), ("أوضح", "STATEMENT", 0), ("سيبحثون", "MEET", 0)]),
    ("سحبت الشركة موظفيها الأجانب من الحقل الشمالي بعد أن هدد النواب بسحب الثقة من الحكومة. وانسحب وفد "
     "المعارضة من الجلسة احتجاجا، وقال رئيسه إن الحكومة لم تلتق بممثليه منذ عقد تقريبا.",
     [("سحبت", "WITHDRAW", 0), ("انسحب", "WITHDRAW", 0), ("قال", "STATEMENT", 0)]),
    ("وصرح مدير الشركة للصحفيين بأن الإنتاج بلغ قمته في الربيع، ثم التقى بوزير الطاقة في مقر الوزارة. "
     "ونفت الوزارة أن تكون قد سحبت ترخيص الشركة، وأشارت إلى أن البحث عن مستثمرين جدد مستمر. وتقع الشركة "
     "قرب صرح تاريخي.",
     [("صرح", "STATEMENT", 0), ("التقى", "MEET", 0), ("نفت", "STATEMENT", 0), ("أشارت", "STATEMENT", 0)]),
]


# Four more scored articles of the same story, written after the context model and its
# review rule were settled and not used to adjust either: taught by the four teaching
# articles above. A meeting denied («نفى ... أن تكون قد التقت») is not marked; neither is a
# verb «سيعقدون» whose object is the meeting noun («اجتماعا», the trigger).
CONTEXT_FRESH = CONTEXT_ARTICLES[:4] + [
    ("وعقد مجلس الإدارة جلسة طارئة مساء الخميس لمناقشة تداعيات الأزمة. وقال رئيس المجلس إن الشركة لن تجدد "
     "العقد قبل مراجعته، وأكد أن الخلاف يعود إلى عقد مضى.",
     [("عقد", "MEET", 0), ("قال", "STATEMENT", 0), ("أكد", "STATEMENT", 0)]),
    ("وانسحبت فرق الصيانة من المصفاة بعد تهديدات أمنية، فيما سحب المستثمرون جزءا من أموالهم. ونفى المتحدث "
     "باسم الشركة أن تكون الإدارة قد التقت بالمحتجين.",
     [("انسحبت", "WITHDRAW", 0), ("نفى", "STATEMENT", 0)]),
    ("تستضيف العاصمة الأسبوع المقبل قمة إقليمية للطاقة. وأعلن وزير الخارجية أن القادة سيناقشون أسعار الغاز "
     "التي بلغت قمتها في الشتاء، وأوضح أن الوزراء سيعقدون اجتماعا تحضيريا قبلها.",
     [("قمة", "MEET", 0), ("أعلن", "STATEMENT", 0), ("سيناقشون", "MEET", 0), ("أوضح", "STATEMENT", 0),
      ("اجتماعا", "MEET", 0)]),
    ("صرح مسؤول في الوزارة بأن القوات ستنسحب من محيط الحقل خلال أيام. وفي المقابل، افتتحت الشركة صرحا إداريا "
     "جديدا، وقال مديرها إن البحث عن شريك أجنبي مستمر.",
     [("صرح", "STATEMENT", 0), ("ستنسحب", "WITHDRAW", 0), ("قال", "STATEMENT", 0)]),
]


def main() -> None:
    from tests.bench.common import setup_django

    setup_django()
    figures = trigger_figures()
    figures.update(untitled_figures())
    if NEWSFANE.exists():
        figures.update(merged_figures())
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


TRIGGER_SETS = (("triggers", ARTICLES), ("triggers_news", NEWS_ARTICLES), ("triggers_context", CONTEXT_ARTICLES),
                ("triggers_context_fresh", CONTEXT_FRESH))
REVIEW_THRESHOLDS = (0.6, 0.7, 0.9)  # beside the default (trigger_model.VETO)


def trigger_figures() -> dict:
    figures = {}
    for name, articles in TRIGGER_SETS:
        scores = _trigger_scores(articles)
        for key, (p, r, f) in scores.items():
            goal = ">= 0.90" if key == "after_4_with_context_model" else ""
            figures[f"{name}_{key}_p_r_f1"] = {"value": f"{p:.2f}/{r:.2f}/{f:.2f}", "unit": "P/R/F1", "goal": goal}
    return figures


def _trigger_scores(articles) -> dict[str, tuple[float, float, float]]:
    """P/R/F1 on the last four articles with the schema's lexicon alone, and after
    learning from the first four: the learned words, then the context model beside them."""
    from corpus.pretag import TriggerTagger, trigger_model
    from corpus.pretag.events import specs_from_schema
    from corpus.pretag.trigger_learning import AnnotatedText, learn_triggers
    from corpus.text.arabic import tokenize

    preset = Path(__file__).resolve().parents[2] / "corpus" / "presets" / "news_ar.json"
    specs = specs_from_schema(json.loads(preset.read_text(encoding="utf-8"))["event_types"])
    teach, score = articles[:4], articles[4:]
    examples = [AnnotatedText(text, _events(text, marks)) for text, marks in teach]
    learned = TriggerTagger(specs, learned=[(t.word, t.type, t.score) for t in learn_triggers(examples)])
    trained = trigger_model.train(examples, specs)

    def prf(taggers, review=None) -> tuple[float, float, float]:
        tp = fp = fn = 0
        for text, marks in score:
            tokens = tokenize(text)
            gold = set(_events(text, marks))
            events = [e for tagger in taggers for e in tagger.tag_events(text, tokens, [])]
            if review is not None:
                events = review.review(text, tokens, events)
            found = {(e.type, e.trigger_start, e.trigger_end) for e in events}
            tp, fp, fn = tp + len(gold & found), fp + len(found - gold), fn + len(gold - found)
        p, r = tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0

    def model(veto):
        return trigger_model.TriggerModelTagger(trained.model, specs, trained.marked, trained.doubtful, veto=veto)

    context = model(trigger_model.VETO)
    out = {
        "lexicon_only": prf([TriggerTagger(specs)]),
        "after_4_learned_words": prf([learned]),
        "after_4_with_context_model": prf([learned, context], review=context),
        "after_4_context_model_without_review": prf([learned, context]),
        "after_4_context_model_alone": prf([context]),
    }
    for veto in REVIEW_THRESHOLDS:
        tagger = model(veto)
        out[f"after_4_with_context_model_review_{veto}"] = prf([learned, tagger], review=tagger)
    return out


# ---- what annotators see: the taggers merged ----------------------------------------------------

NAME_RULES = ("organisations", "given_names")  # scored with and without
SCORED_TYPES = ("PER", "ORG", "GPE", "LOC", "FAC")


def _rule_taggers(with_name_rules: bool, model: bytes | None = None, *, given_names_beside_crf: bool = False) -> list:
    """The taggers of a run; with a CRF the given-name rule gives way to it, as in a project's
    run (annotate.pretagging.pipeline), unless `given_names_beside_crf`."""
    from corpus.pretag import (
        CRFTagger,
        CueTagger,
        DateTagger,
        Gazetteer,
        GivenNameTagger,
        NameParts,
        OrganisationTagger,
    )

    taggers = [DateTagger(), Gazetteer(), CueTagger(), NameParts()]
    if with_name_rules:
        taggers.append(OrganisationTagger())
        if model is None or given_names_beside_crf:
            taggers.append(GivenNameTagger())
    return taggers + ([CRFTagger(model)] if model is not None else [])


def merged_scores(documents: list, taggers: list, types=SCORED_TYPES) -> dict[str, tuple[float, float, float]]:
    """Overlap P/R/F1 per type (and "all") of the merged suggestions, as evaluate_pretag counts
    overlap: a suggestion is right when it overlaps a gold span of its type, a gold span found
    when a suggestion of its type overlaps it."""
    from corpus.pretag import DEFAULT_PRIORITY, pretag_document
    from corpus.text.arabic import tokenize

    counts = {kind: [0, 0, 0, 0] for kind in (*types, "all")}  # gold, suggested, right, found
    for text, gold in documents:
        merged = pretag_document(text, taggers, priority=DEFAULT_PRIORITY, tokens=tokenize(text)).suggestions
        for kind in types:
            g = [s for s in gold if s[2] == kind]
            p = {(s.start, s.end) for s in merged if s.type == kind}
            row = (len(g), len(p), sum(1 for s, e in p if any(s < y[1] and y[0] < e for y in g)),
                   sum(1 for y in g if any(s < y[1] and y[0] < e for s, e in p)))
            for key in (kind, "all"):
                counts[key] = [a + b for a, b in zip(counts[key], row, strict=True)]
    out = {}
    for kind, (gold, suggested, right, found) in counts.items():
        p, r = (right / suggested if suggested else 0.0), (found / gold if gold else 0.0)
        out[kind] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return out


def _merged_rows(prefix: str, scores: dict) -> dict:
    return {f"{prefix}_{kind}_p_r_f1": {"value": "/".join(f"{x:.3f}" for x in prf), "unit": "", "goal": ""}
            for kind, prf in scores.items()}


def merged_figures() -> dict:
    from corpus.pretag.crf import train

    held, rest = _held_out_split(_documents())
    model = train(rest, max_iterations=ITERATIONS)
    figures = {}
    for rules in (False, True):
        name = "with" if rules else "without"
        figures.update(_merged_rows(f"merged_cold_{name}_name_rules", merged_scores(held, _rule_taggers(rules))))
        figures.update(_merged_rows(f"merged_bootstrap_{name}_name_rules",
                                    merged_scores(held, _rule_taggers(rules, model))))
    figures.update(_merged_rows("merged_bootstrap_given_names_beside_crf",
                                merged_scores(held, _rule_taggers(True, model, given_names_beside_crf=True))))
    return figures


def untitled_figures() -> dict:
    from tests.corpus.news_untitled import gold_articles

    articles = gold_articles()
    figures = {}
    for rules in (False, True):
        name = "with" if rules else "without"
        figures.update(_merged_rows(f"untitled_articles_cold_{name}_name_rules",
                                    merged_scores(articles, _rule_taggers(rules), types=("PER", "ORG"))))
    return figures


def _held_out_split(documents: list) -> tuple[list, list]:
    """The held-out fifth and the rest, as the learning curve splits them."""
    order = list(range(len(documents)))
    random.Random(11).shuffle(order)
    fifth = len(order) // 5
    return [documents[i] for i in order[:fifth]], [documents[i] for i in order[fifth:]]


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

    held, rest = _held_out_split(documents)
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
