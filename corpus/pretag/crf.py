"""A tagger that learns: a linear-chain CRF (python-crfsuite) trained on gold spans.

Labels are BIO over camel-tools tokens, with one twist so that glued proclitics stay
outside the span (the project's guideline): «وبحلب» with the gold span on «حلب» is
labelled `B-GPE^2`, i.e. "the entity starts 2 characters into this token". The model
learns from the prefix features when to cut; decoding turns it back into offsets.

Features: camel-tools-folded form, prefixes and suffixes, clitic-stripped forms, the
article, word shape, gazetteer membership and the same for the neighbouring words, and
the cue rules' view (corpus.pretag.cues): "c-1=PER" on a word right after a title such
as «الرئيس», "c=ORG" on an organisation head such as «وزارة», "c=B-PER" where the rules
would start a person's name, so a model learns from little gold when to trust them; "n=name"
on a known given name («محمد», «جورج»; "n=word" for one that is also a common word, «سعيد»)
and on its neighbours (corpus.pretag.given_names), and "o=B"/"o=I" on a well-known
organisation of the shipped list («حماس», «رويترز»; corpus.pretag.organisations).
The gazetteer used for features defaults to the shipped one (not the project's gold
names): a gold-derived dictionary would cover every training entity and teach the model
to trust that one feature blindly.
"""
from __future__ import annotations

import math
import os
import random
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from corpus.pretag._text import affix_features, fold_with_offsets, sentences
from corpus.pretag.base import EntityProposal
from corpus.pretag.cues import CueTagger
from corpus.pretag.gazetteer import Gazetteer, shipped_gazetteer
from corpus.pretag.given_names import given_name_in
from corpus.pretag.organisations import OrganisationTagger
from corpus.text.arabic import Token, tokenize

Span = tuple[int, int, str]  # start, end, type
Example = tuple[str, Sequence[Span]]  # a document's text and its gold spans
MAX_CLITIC = 3


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int
    per_type: dict[str, tuple[float, float, float]] = field(default_factory=dict)


# ---- features -------------------------------------------------------------------------

def _shape(word: str) -> str:
    if word.isdigit():
        return "digit"
    if all(not c.isalnum() for c in word):
        return "punct"
    if any("a" <= c.lower() <= "z" for c in word):
        return "latin"
    return "word"


@lru_cache(maxsize=200_000)
def _word_features(word: str) -> tuple[str, ...]:
    folded, _ = fold_with_offsets(word)
    return (f"w={folded}", f"shape={_shape(folded)}", f"len={min(len(folded), 8)}", *affix_features(folded))


@lru_cache(maxsize=200_000)
def _context_features(word: str) -> tuple[str, str, str, str, str]:
    """The strings a word contributes to its neighbours' features (cached: words repeat)."""
    w = fold_with_offsets(word)[0]
    return w, f"w-2={w}", f"w-1={w}", f"w1={w}", f"w2={w}"


@cache
def _gaz_features(label: str) -> tuple[str, str, str]:
    return f"g={label}", f"g-1={label}", f"g1={label}"


@cache
def _cue_features(mark: str) -> tuple[str, str, str]:
    return f"c={mark}", f"c-1={mark}", f"c1={mark}"


@cache
def _given_features(mark: str) -> tuple[str, str, str]:
    return f"n={mark}", f"n-1={mark}", f"n1={mark}"


@cache
def _cue_tagger() -> CueTagger:
    return CueTagger()


@cache
def _organisation_tagger() -> OrganisationTagger:
    return OrganisationTagger()


def _given_marks(tokens: Sequence[Token]) -> list[str]:
    """Per token: "name" or "word" on a known given name (corpus.pretag.given_names), "-" elsewhere."""
    out = []
    for token in tokens:
        found = given_name_in(fold_with_offsets(token.text)[0])
        out.append(found[0] if found else "-")
    return out


def _organisation_marks(tokens: Sequence[Token]) -> list[str]:
    """Per token: "B"/"I" on a well-known organisation of the shipped list, "-" elsewhere."""
    out = ["-"] * len(tokens)
    spans = sorted((p.start, p.end) for p in _organisation_tagger().tag("", tokens))
    k = 0
    for start, end in spans:
        while k < len(tokens) and tokens[k].end <= start:
            k += 1
        first = k
        for i in range(first, len(tokens)):
            if tokens[i].start >= end:
                break
            out[i] = "B" if i == first else "I"
    return out


def _gazetteer_labels(tokens: Sequence[Token], gazetteer: Gazetteer | None) -> list[str]:
    labels = ["-"] * len(tokens)
    for match in gazetteer.matches(tokens) if gazetteer is not None else ():
        kind = match.payload[0]
        labels[match.first_token] = f"B{kind}"
        for k in range(match.first_token + 1, match.last_token + 1):
            labels[k] = f"I{kind}"
    return labels


def _sequence_features(tokens: Sequence[Token], gaz: Sequence[str], cues: Sequence[str],
                       given: Sequence[str] | None = None, orgs: Sequence[str] | None = None) -> list[list[str]]:
    """Per token: its own features, then the neighbours' words, gazetteer labels and cue marks,
    given-name marks and organisation-list marks.

    Written for speed (it runs on every token of every document): all strings that
    depend on one word only come from caches.
    """
    ctx = [_context_features(t.text) for t in tokens]
    gz = [_gaz_features(g) for g in gaz]
    cue = [_cue_features(c) for c in cues]
    n = len(tokens)
    given = given if given is not None else ["-"] * n
    orgs = orgs if orgs is not None else ["-"] * n
    gn = [_given_features(g) for g in given]
    out = []
    for i, token in enumerate(tokens):
        feats = ["b", *_word_features(token.text), gz[i][0], cue[i][0]]
        if given[i] != "-":
            feats.append(gn[i][0])
        if orgs[i] != "-":
            feats.append("o=" + orgs[i])
        if i >= 1 and given[i - 1] != "-":
            feats.append(gn[i - 1][1])
        if i + 1 < n and given[i + 1] != "-":
            feats.append(gn[i + 1][2])
        if i >= 2:
            feats.append(ctx[i - 2][1])
        if i >= 1:
            feats += (ctx[i - 1][2], gz[i - 1][1], cue[i - 1][1], "bi-1=" + ctx[i - 1][0] + "|" + ctx[i][0])
        else:
            feats.append("edge-1")
        if i + 1 < n:
            feats += (ctx[i + 1][3], gz[i + 1][2], cue[i + 1][2])
        else:
            feats.append("edge1")
        if i + 2 < n:
            feats.append(ctx[i + 2][4])
        out.append(feats)
    return out


def _documents(text: str, tokens: Sequence[Token], gazetteer: Gazetteer | None):
    """(sentence tokens, features) pairs; gazetteer matches and cues are found over the whole text."""
    gaz = _gazetteer_labels(tokens, gazetteer)
    cues = _cue_tagger().marks(tokens)
    given, orgs = _given_marks(tokens), _organisation_marks(tokens)
    at = {id(t): i for i, t in enumerate(tokens)}
    for sentence in sentences(text, tokens):
        first = at[id(sentence[0])]
        end = first + len(sentence)
        yield sentence, _sequence_features(sentence, gaz[first:end], cues[first:end], given[first:end],
                                           orgs[first:end])


# ---- labels ---------------------------------------------------------------------------

def labels_for(tokens: Sequence[Token], spans: Iterable[Span]) -> list[str]:
    """BIO labels; `B-X^k` when the span starts k characters into its first token.

    Spans that cannot be expressed (nested in an already labelled one, or starting deep
    inside a word) are left out: a flat tagger learns the outermost, longest ones.
    """
    labels = ["O"] * len(tokens)
    for start, end, kind in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        inside = [i for i, t in enumerate(tokens) if t.start < end and t.end > start]
        if not inside or any(labels[i] != "O" for i in inside):
            continue
        cut = start - tokens[inside[0]].start
        if cut < 0 or cut > MAX_CLITIC:
            continue
        labels[inside[0]] = f"B-{kind}" + (f"^{cut}" if cut else "")
        for i in inside[1:]:
            labels[i] = f"I-{kind}"
    return labels


def decode(tokens: Sequence[Token], labels: Sequence[str]) -> list[Span]:
    """Labels back to (start, end, type); a stray I- after O or another type opens a span."""
    spans: list[list] = []
    current: list | None = None
    for token, label in zip(tokens, labels, strict=True):
        if label == "O":
            current = None
            continue
        head, _, rest = label.partition("-")
        kind, _, cut = rest.partition("^")
        if head == "I" and current is not None and current[2] == kind:
            current[1] = token.end
            continue
        current = [min(token.start + int(cut or 0), token.end - 1), token.end, kind]
        spans.append(current)
    return [(start, end, kind) for start, end, kind in spans]


# ---- training and tagging -------------------------------------------------------------

# Bump when the features or labels change: feature caches keyed by it are then rebuilt.
FEATURE_VERSION = 2
GIVEN_NAMES_SINCE = 2  # the first feature version with the given-name marks ("n=name")

Prepared = tuple[list[list[str]], list[str]]  # one sentence's features and labels, ready to train on

# The training algorithms (python-crfsuite's own): "lbfgs" (batch, the most accurate, the
# slowest) and "pa" (passive-aggressive, online: a pass over the data per iteration; on
# NewsFANE 40 passes reach L-BFGS's F1 in a fraction of its time, see README "Benchmarks").
ALGORITHMS = ("lbfgs", "pa")


def featurize(examples: Iterable[Example], *, gazetteer: Gazetteer | None = None) -> list[Prepared]:
    """(features, labels) per sentence of every example: what training consumes, so that a
    corpus used again and again (a bootstrap) is tokenized and featurized once."""
    gazetteer = shipped_gazetteer() if gazetteer is None else gazetteer
    out = []
    for text, spans in examples:
        tokens = tokenize(text)
        labels = labels_for(tokens, spans)
        at = {id(t): i for i, t in enumerate(tokens)}
        for sentence, features in _documents(text, tokens, gazetteer):
            first = at[id(sentence[0])]
            out.append((features, labels[first:first + len(sentence)]))
    return out


def train(
    examples: Iterable[Example],
    *,
    gazetteer: Gazetteer | None = None,
    prepared: Iterable[Prepared] = (),
    algorithm: str = "lbfgs",
    c1: float = 0.05,
    c2: float = 0.05,
    max_iterations: int = 100,
) -> bytes:
    """Train on (text, gold spans) pairs, plus `prepared` sequences (featurize's output),
    and return the model file's bytes (store them anywhere). No warm start: CRFsuite always
    trains from zero weights, so speed comes from the algorithm and the cached features."""
    import pycrfsuite

    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown training algorithm {algorithm!r}; known: {', '.join(ALGORITHMS)}")
    trainer = pycrfsuite.Trainer(algorithm=algorithm, verbose=False)
    count = 0
    for features, labels in prepared:
        trainer.append(features, labels)
        count += 1
    for features, labels in featurize(examples, gazetteer=gazetteer):
        trainer.append(features, labels)
        count += 1
    if not count:
        raise ValueError("no training data: the examples hold no tokens")
    params = {"max_iterations": max_iterations, "feature.possible_transitions": True}
    if algorithm == "lbfgs":
        params.update(c1=c1, c2=c2)
    trainer.set_params(params)
    fd, path = tempfile.mkstemp(suffix=".crfsuite")
    os.close(fd)
    try:
        trainer.train(path)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)


# ---- stacking: a small model over a base model's output --------------------------------

# The quick retraining (annotate.pretagging.retraining) trains a small model over a base
# model (the one the last full training made from the bootstrap corpus and the gold of the
# time): each token gets the base's label, how sure the base was of it (its marginal,
# bucketed) and its neighbours' labels, on top of the usual features. Its labels are
# SAME ("as the base said") or the gold's label where the base was wrong, so a label the
# new gold never shows is still kept from the base. It reads only the gold, so it trains in
# seconds. Strong L2 and no L1 (measured on NewsFANE, README "Benchmarks"): with the
# default regularisation, ten gold documents teach corrections that do not generalise.
SAME = "="
STACK_BUCKETS = ((0.95, "hi"), (0.7, "mid"), (0.0, "lo"))
STACK_TRAINING = {"c1": 0.0, "c2": 5.0}


def _bucket(marginal: float) -> str:
    return next(name for floor, name in STACK_BUCKETS if marginal >= floor)


def stack_features(base, features: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """`features` with the base model's view added, and the base's labels (base: an open
    pycrfsuite.Tagger)."""
    labels = base.tag(features)
    n = len(labels)
    out = []
    for i, feats in enumerate(features):
        out.append([
            *feats, f"bl={labels[i]}", f"blm={labels[i]}|{_bucket(base.marginal(labels[i], i))}",
            f"bl-1={labels[i - 1]}" if i else "bl-1=^", f"bl1={labels[i + 1]}" if i + 1 < n else "bl1=$",
        ])
    return out, labels


def _open(model: bytes):
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open_inmemory(model)
    return tagger


def train_stacked(base: bytes, examples: Iterable[Example] = (), *, prepared: Iterable[Prepared] = (),
                  gazetteer: Gazetteer | None = None, max_iterations: int = 100) -> bytes:
    """The small model over `base`, trained on the examples (the project's gold)."""
    tagger = _open(base)
    stacked = []
    for features, gold in [*prepared, *featurize(examples, gazetteer=gazetteer)]:
        extended, said = stack_features(tagger, features)
        stacked.append((extended, [SAME if g == b else g for g, b in zip(gold, said, strict=True)]))
    return train((), prepared=stacked, max_iterations=max_iterations, **STACK_TRAINING)


class CRFTagger:
    """Tags with a trained model. `reference` is the model's mean per-token log-probability
    of its best labelling on its own training sentences (sureness_reference); `calibrated`
    says whether its probabilities mean anything on their own (L-BFGS: yes; the online
    passive-aggressive algorithm learns a margin, and its probabilities are flat)."""

    name = "crf"

    def __init__(self, model: bytes, *, gazetteer: Gazetteer | None = None, reference: float | None = None,
                 calibrated: bool = True, base: bytes | None = None,
                 feature_version: int = FEATURE_VERSION) -> None:
        # crfsuite reads the model where it lies and does not hold a reference to it: keep
        # one, or a caller's temporary (`CRFTagger(bytes(row.data))`) is freed and the tagger
        # reads reused memory (nonsense labels, or a crash).
        self._model, self._base_model = model, base
        self._tagger = _open(self._model)
        # A stacked model (train_stacked) tags over its base model's output.
        self._base = _open(self._base_model) if base is not None else None
        self.gazetteer = shipped_gazetteer() if gazetteer is None else gazetteer
        self.reference = reference or 0.0
        self.calibrated = calibrated
        self.feature_version = feature_version  # the features it was trained with
        self.confidence: float | None = None  # of the last text tagged

    def labels(self) -> list[str]:
        return list(self._tagger.labels())

    def tag(self, text: str, tokens: Sequence[Token]) -> list[EntityProposal]:
        """The model's spans; sets `confidence` to how sure it was of the whole text: the
        probability of its best labelling normalised by length (the geometric mean over
        tokens, exp(Σ log P(best | sentence) / tokens)), relative to the same on its training
        sentences (exp(that - reference)): about 1 when as sure as there, lower when less
        sure; None for a text without tokens. The queue hands out the least sure first.
        Measuring against the model's own training data keeps models trained by different
        algorithms comparable (an uncalibrated model is unsure of everything)."""
        self.confidence = None
        out = []
        log_probability, count = 0.0, 0
        for sentence, features in _documents(text, tokens, self.gazetteer):
            said = None
            if self._base is not None:
                features, said = stack_features(self._base, features)
            labels = self._tagger.tag(features)
            log_p = math.log(max(self._tagger.probability(labels), 1e-300))
            if said is not None:
                labels = [b if t == SAME else t for t, b in zip(labels, said, strict=True)]
            log_probability += log_p
            count += len(sentence)
            if self.calibrated:
                score = math.exp(log_p) if len(sentence) < 200 else 0.5
            else:
                score = min(1.0, math.exp(log_p / len(sentence) - self.reference))
            for start, end, kind in decode(sentence, labels):
                out.append(EntityProposal(kind, start, end, round(score, 4), self.name))
        self.confidence = math.exp(log_probability / count - self.reference) if count else None
        return out


def sureness_reference(model: bytes, prepared: Sequence[Prepared], *, sample: int = 300,
                       base: bytes | None = None) -> float:
    """The model's mean per-token log-probability of its best labelling over up to `sample`
    of its training sentences (spread evenly): what CRFTagger measures sureness against.
    `base`: the base model of a stacked one."""
    if not prepared:
        return 0.0
    tagger = _open(model)
    base_tagger = _open(base) if base is not None else None
    step = max(1, len(prepared) // sample)
    total, count = 0.0, 0
    for features, _labels in prepared[::step]:
        if base_tagger is not None:
            features = stack_features(base_tagger, features)[0]
        total += math.log(max(tagger.probability(tagger.tag(features)), 1e-300))
        count += len(features)
    return total / count if count else 0.0


# ---- evaluation -----------------------------------------------------------------------

def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(gold: Sequence[Iterable[Span]], predicted: Sequence[Iterable[Span]]) -> Scores:
    """Exact-match span scores (same start, end and type), micro-averaged, per type too."""
    counts: dict[str, list[int]] = {}
    for g, p in zip(gold, predicted, strict=True):
        g, p = set(map(tuple, g)), set(map(tuple, p))
        for span in g | p:
            c = counts.setdefault(span[2], [0, 0, 0])
            c[0 if span in g and span in p else 1 if span in p else 2] += 1
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    per_type = {k: tuple(round(x, 4) for x in _prf(*c)) for k, c in sorted(counts.items())}
    p, r, f = _prf(tp, fp, fn)
    return Scores(round(p, 4), round(r, 4), round(f, 4), tp, fp, fn, per_type)


def cross_validate(examples: Sequence[Example], folds: int = 5, *, seed: int = 0, **train_options) -> Scores:
    """k-fold cross-validation over documents: each is predicted by a model that never saw it."""
    if len(examples) < folds:
        raise ValueError(f"cross-validation needs at least {folds} documents, got {len(examples)}")
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    gold, predicted = [], []
    for k in range(folds):
        held = set(order[k::folds])
        model = train((examples[i] for i in order if i not in held), **train_options)
        tagger = CRFTagger(model, gazetteer=train_options.get("gazetteer"))
        for i in sorted(held):
            text, spans = examples[i]
            gold.append([tuple(s) for s in spans])
            predicted.append([(s.start, s.end, s.type) for s in tagger.tag(text, tokenize(text))])
    return evaluate(gold, predicted)
