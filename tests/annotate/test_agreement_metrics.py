"""Agreement metrics against values computed by hand (the hand computation is in the comments)."""
from __future__ import annotations

import numpy as np
import pytest

from annotate.agreement.metrics import (
    ComparedEvent,
    DocumentSets,
    fleiss_kappa,
    krippendorff_nominal,
    report,
)
from corpus.text.arabic import Token, tokenize

TYPES = ["PER", "ORG", "GPE"]


def words(text: str) -> list[Token]:
    """A whitespace tokenizer: lets the hand computations below count tokens easily."""
    tokens, start = [], 0
    for word in text.split(" "):
        tokens.append(Token(start, start + len(word), word))
        start += len(word) + 1
    return tokens


def one_document(spans_a, spans_b, events_a=(), events_b=(), text="t0 t1 t2 t3 t4 t5 t6 t7 t8 t9") -> dict:
    document = DocumentSets(1, text, spans={"a": list(spans_a), "b": list(spans_b)},
                            events={"a": list(events_a), "b": list(events_b)})
    return report([document], TYPES, words)


# a: PER[0,5) GPE[10,15) ORG[20,30)    b: PER[0,5) GPE[10,17) PER[20,30)
SPANS_A = [("PER", 0, 5), ("GPE", 10, 15), ("ORG", 20, 29)]
SPANS_B = [("PER", 0, 5), ("GPE", 10, 17), ("PER", 20, 29)]


def test_exact_span_f1_counts_only_identical_type_and_offsets():
    exact = one_document(SPANS_A, SPANS_B)["spans"]["exact"]
    # Only PER[0,5) is in both: P = 1/3 (of b's 3), R = 1/3 (of a's 3), F1 = 1/3.
    assert exact["overall"]["precision"] == pytest.approx(1 / 3, abs=1e-6)
    assert exact["overall"]["recall"] == pytest.approx(1 / 3, abs=1e-6)
    assert exact["pairs"][0]["f1"] == pytest.approx(1 / 3, abs=1e-6)
    # PER: a has 1, b has 2, one match: P = 1/2, R = 1/1, F1 = 2·½·1/(3/2) = 2/3.
    assert exact["by_type"]["PER"]["f1"] == pytest.approx(2 / 3, abs=1e-6)
    # ORG: a has one, b none: recall 0, precision undefined, so F1 undefined.
    assert exact["by_type"]["ORG"]["recall"] == 0.0 and exact["by_type"]["ORG"]["f1"] is None


def test_overlap_span_f1_credits_a_longer_boundary_but_not_another_type():
    overlap = one_document(SPANS_A, SPANS_B)["spans"]["overlap"]
    # PER↔PER and GPE[10,15)↔GPE[10,17) match; ORG vs PER at [20,29) does not: 2/3 each way.
    assert overlap["overall"]["f1"] == pytest.approx(2 / 3, abs=1e-6)
    assert overlap["by_type"]["GPE"]["f1"] == 1.0


def test_pairs_only_count_documents_both_submitted():
    shared = DocumentSets(1, "x" * 20, spans={"a": [("PER", 0, 5)], "b": [("PER", 0, 5)]})
    # c did not annotate document 1; in document 2 a and c disagree completely.
    other = DocumentSets(2, "x" * 20, spans={"a": [("PER", 0, 5)], "c": [("ORG", 6, 9)]})
    pairs = {(p["a"], p["b"]): p for p in report([shared, other], TYPES, words)["spans"]["exact"]["pairs"]}
    assert pairs["a", "b"]["f1"] == 1.0 and pairs["a", "b"]["documents"] == 1
    assert pairs["a", "c"]["f1"] == 0.0 and pairs["a", "c"]["n_a"] == 1
    assert ("b", "c") not in pairs  # they share no document


def test_confusion_matrix_counts_type_disagreements_on_identical_offsets():
    confusion = one_document(SPANS_A, SPANS_B)["confusion"]
    matrix = dict(zip(confusion["types"], confusion["matrix"], strict=True))
    per, org, gpe = (confusion["types"].index(k) for k in ("PER", "ORG", "GPE"))
    assert matrix["PER"][per] == 1  # [0,5) both PER
    assert matrix["ORG"][per] == matrix["PER"][org] == 1  # [20,29) ORG vs PER, symmetric
    assert matrix["GPE"][gpe] == 0  # [10,15) vs [10,17): not the same offsets


# Tokens t0..t9 at [3i, 3i+2).  a: PER t0-t1, GPE t5.  b: PER t0, GPE t5, PER t8.
# labels a: B-PER I-PER O O O B-GPE O O O O
# labels b: B-PER O     O O O B-GPE O O B-PER O
TOKENS_A = [("PER", 0, 5), ("GPE", 15, 17)]
TOKENS_B = [("PER", 0, 2), ("GPE", 15, 17), ("PER", 24, 26)]


def test_cohen_kappa_over_bio_labels():
    tokens = one_document(TOKENS_A, TOKENS_B)["tokens"]
    # po = 8/10. Marginals a: B-PER 1, I-PER 1, B-GPE 1, O 7; b: B-PER 2, B-GPE 1, O 7.
    # pe = (1·2 + 1·0 + 1·1 + 7·7)/100 = 0.52; κ = (0.8 − 0.52)/(1 − 0.52) = 0.583333.
    assert tokens["tokens"] == 10
    assert tokens["pairs"][0]["kappa"] == pytest.approx(0.583333, abs=1e-6)


def test_fleiss_kappa_and_krippendorff_alpha_over_bio_labels():
    tokens = one_document(TOKENS_A, TOKENS_B)["tokens"]
    # Fleiss, 2 raters: P_i = 1 on the 8 agreeing tokens, 0 on the 2 others: P̄ = 0.8.
    # p: B-PER 3/20, I-PER 1/20, B-GPE 2/20, O 14/20; P̄e = (9+1+4+196)/400 = 0.525.
    # κ = (0.8 − 0.525)/(1 − 0.525) = 0.578947.
    assert tokens["fleiss_kappa"] == pytest.approx(0.578947, abs=1e-6)
    # Krippendorff (nominal): n = 20 values; disagreeing coincidences Σ o_ck = 4 (two
    # units, both orders); Σ_{c≠k} n_c n_k = 20² − (9+1+4+196) = 190.
    # α = 1 − (n − 1)·4/190 = 1 − 76/190 = 0.6.
    assert tokens["krippendorff_alpha"] == pytest.approx(0.6, abs=1e-6)


def test_fleiss_kappa_reproduces_fleiss_1971_worked_example():
    # The 10 subjects × 5 categories, 14 raters example of Fleiss' kappa (Fleiss 1971,
    # as worked on Wikipedia's "Fleiss' kappa" page): P̄ = 0.378, P̄e = 0.213, κ = 0.210.
    counts = np.array([
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ])
    assert fleiss_kappa(counts) == pytest.approx(0.210, abs=5e-4)


def test_agreement_is_undefined_not_a_number_when_nobody_varies():
    counts = np.array([[2, 0], [2, 0]])  # everyone said O everywhere
    assert fleiss_kappa(counts) is None and krippendorff_nominal(counts) is None


def test_tokens_follow_camel_tools_and_a_span_after_a_proclitic_labels_its_word():
    text = "وصل الوفد وبحلب اليوم"
    cut = text.index("حلب")  # a span may start after the glued proclitic «وب»
    document = DocumentSets(1, text, spans={"a": [("GPE", cut, cut + 3)], "b": []})
    tokens = report([document], TYPES, tokenize)["tokens"]
    assert tokens["tokens"] == len(tokenize(text)) == 4
    # a: O O B-GPE O; b: O everywhere. Fleiss: P̄ = 3/4, p(O) = 7/8, p(B-GPE) = 1/8,
    # P̄e = 49/64 + 1/64 = 50/64; κ = (0.75 − 0.78125)/(1 − 0.78125) = −0.142857.
    assert tokens["fleiss_kappa"] == pytest.approx(-0.142857, abs=1e-6)


def event(kind, trigger, factuality, *arguments):
    return ComparedEvent(kind, trigger, (("factuality", factuality),), frozenset(arguments))


def test_event_trigger_argument_and_attribute_agreement():
    events_a = [event("MEET", (0, 5), "ASSERTED", ("Participant", 6, 10), ("Place", 20, 25)),
                event("STATEMENT", (30, 33), "ASSERTED", ("Speaker", 6, 10)),
                event("WITHDRAW", (40, 45), "REPORTED")]
    events_b = [event("MEET", (0, 5), "REPORTED", ("Participant", 6, 10)),
                event("STATEMENT", (30, 33), "ASSERTED", ("Speaker", 6, 12)),
                event("WITHDRAW", (40, 45), "REPORTED")]
    events = one_document([], [], events_a, events_b, text="x" * 50)["events"]
    # Every trigger matches (type and offsets): F1 = 1 per type.
    triggers = {k: v["trigger"]["f1"] for k, v in events["by_type"].items()}
    assert triggers == {"MEET": 1.0, "STATEMENT": 1.0, "WITHDRAW": 1.0}
    # MEET arguments: a 2, b 1, 1 common: P = 1, R = 1/2, F1 = 2/3. STATEMENT: the
    # speaker's extent differs, so 0. Overall: a 3, b 2, 1 common: P = ½, R = ⅓, F1 = 0.4.
    assert events["by_type"]["MEET"]["arguments"]["f1"] == pytest.approx(2 / 3, abs=1e-6)
    assert events["by_type"]["STATEMENT"]["arguments"]["f1"] == 0.0
    assert events["overall"]["arguments"]["f1"] == pytest.approx(0.4, abs=1e-6)
    # Factuality on the three matched events: (A,R) (A,A) (R,R): agreement 2/3;
    # marginals a: A 2, R 1; b: A 1, R 2; pe = (2·1 + 1·2)/9 = 4/9; κ = (2/3 − 4/9)/(5/9) = 0.4.
    factuality = events["attributes"]["factuality"]
    assert factuality["pairs"] == 3
    assert factuality["agreement"] == pytest.approx(2 / 3, abs=1e-6)
    assert factuality["kappa"] == pytest.approx(0.4, abs=1e-6)


def test_documents_with_one_annotator_are_left_out():
    alone = DocumentSets(1, "x" * 10, spans={"a": [("PER", 0, 3)]})
    assert report([alone], TYPES, words)["documents"] == 0


def test_nominal_alpha_equals_the_krippendorff_package():
    # The package is the reference (its own doctest: Krippendorff's example, α = 0.691358);
    # ours is computed from the coincidence matrix for speed.
    import krippendorff

    example = np.array([[1, 0, 0, 0], [0, 0, 0, 0], [0, 2, 0, 0], [2, 0, 0, 0], [0, 0, 2, 0], [0, 0, 2, 1],
                        [0, 0, 0, 3], [1, 0, 1, 0], [0, 2, 0, 0], [2, 0, 0, 0], [2, 0, 0, 0], [0, 0, 2, 0],
                        [0, 0, 2, 0], [0, 0, 0, 0], [0, 0, 1, 1]])
    assert krippendorff_nominal(example) == pytest.approx(0.691358, abs=1e-6)
    rng = np.random.default_rng(3)
    counts = rng.multinomial(3, [0.6, 0.2, 0.1, 0.1], size=200)
    counts[::7] = rng.multinomial(2, [0.5, 0.3, 0.1, 0.1], size=len(counts[::7]))
    expected = krippendorff.alpha(value_counts=counts, level_of_measurement="nominal")
    assert krippendorff_nominal(counts) == pytest.approx(expected, abs=1e-6)  # reports round to 6 places


def test_token_offsets_are_the_tokenizers():
    from annotate.agreement.jobs import token_offsets

    text = "قال داود: «وبحلب» 😀 ١٢٫٥ Reuters."
    assert token_offsets(text) == [(t.start, t.end) for t in tokenize(text)]
