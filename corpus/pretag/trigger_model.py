"""Event triggers in context: a linear-chain CRF (python-crfsuite) over the words of each
sentence, trained on the project's annotated events.

The lexicon (and the words learned by their precision, trigger_learning) propose a word
everywhere or nowhere; «عقد» is "held (talks)" in «عقد الطرفان جلسة» and "a contract" in
«عقد التوريد», «قمة» is a summit and the top of a league table, «صرحا طبيا» is a building.
This model reads each word with its neighbours and labels it `O` or an event type, so it can

- propose triggers the lexicon lacks, with the probability of its label as the score
  (TriggerModelTagger, tagger name "trigger_crf"), and
- say of a lexicon proposal that it is no trigger here (`review`): one it gives `O` with a
  probability of at least VETO is dropped, if the word stands in a form the training
  documents leave unmarked somewhere (doubtful_words).

Features (per token): the folded word, its prefixes/suffixes and clitic-stripped forms, the
article; whether the schema's lexicon matches it (inflected forms included: the qalsadi
analysis of corpus.pretag.inflection, run only on words holding a trigger's consonants) and
whether a word annotators marked as a trigger does ("mk", from the *other* training
documents while training, so the model also learns what to do with a word it has not seen
marked); the words around it (two each side, and the bigram with the one before); a
negation or tense particle before it (لم، لن، قد، سوف، لا، ما) or a glued future «س»; the
first word of a clause; the type of the nearest trigger word before it in the sentence and
whether «أن/إن» stands between (a verb after a quote verb is what was said, seldom an event
of its own); whether the next and previous words carry the article.
"""
from __future__ import annotations

import os
import tempfile
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.pretag._text import affix_features, fold_text, sentences, stems
from corpus.pretag.base import EntityProposal, EventProposal
from corpus.pretag.events import CueRoles, EventTypeSpec, TriggerFinder, TriggerTagger
from corpus.pretag.inflection import glued_conjunction, imperfect_only
from corpus.pretag.trigger_learning import AnnotatedText
from corpus.text.arabic import Token, clitic_boundaries, snap, tokenize

NAME = "trigger_crf"
PROPOSE = 0.5  # a word is proposed when the model's best non-O label is at least this likely
VETO = 0.8  # a doubtful lexicon proposal is dropped where the model says O at least this surely (README: measured)
PARTICLES = frozenset(fold_text(w) for w in ("لم", "لن", "قد", "سوف", "لا", "ما", "ولم", "ولن", "وقد", "فقد", "ولا"))
THAT = frozenset(fold_text(w) for w in ("أن", "إن", "بأن", "وأن", "وإن"))
CLAUSE_BREAK = frozenset("،,:؛;«»\"()")
_VERB_PREFIXES = ("ي", "ت", "ن", "ا")

Words = Sequence[tuple[str, str]]  # (trigger word, event type)


# ---- features -------------------------------------------------------------------------

def _future(folded: str) -> bool:
    """A glued future «س» before a verb prefix: «سيبحث», «وستناقش»."""
    for form, _offset in stems(folded):
        if form.startswith("س") and form[1:2] in _VERB_PREFIXES and len(form) > 4:
            return True
    return False


def _word_features(folded: str) -> list[str]:
    feats = [f"w={folded}", f"len={min(len(folded), 8)}", *affix_features(folded)]
    if _future(folded):
        feats.append("fut")
    return feats


def _marks(finder: TriggerFinder | None, tokens: Sequence[Token], starts: dict[int, int] | None = None
           ) -> list[str | None]:
    """The event type a trigger word matches at each token (None: no match); `starts`
    gets, per token index, where the match starts (after a glued clitic)."""
    out: list[str | None] = [None] * len(tokens)
    if finder is None:
        return out
    for match in finder.find(tokens):
        if starts is not None:
            starts.setdefault(match.first_token, match.start)
        for i in range(match.first_token, match.last_token + 1):
            out[i] = out[i] or match.payload
    return out


def _trigger_start(text: str, token: Token, known: frozenset[str]) -> int:
    """Where a trigger no matcher knows starts in its token: after a glued clitic only
    where there is evidence of it, as when an annotator's selection is snapped (the article,
    or the rest a word of `known` or standing alone in the text: corpus.text.clitics), or
    where the analyser reads a glued و/ف (inflection.glued_conjunction). Many words begin
    with و/ف themselves: «وافقوا», «وصلوا», «وقعوا», «فلسطين» stay whole."""
    if not token.is_word:
        return token.start
    start, _end = snap(text, token.start, token.end, known_names=known)
    if start == token.start and glued_conjunction(token.text):
        start = token.start + clitic_boundaries(token.text)[0]
    return start


def sentence_features(
    sentence: Sequence[Token], lexicon: Sequence[str | None], marked: Sequence[str | None]
) -> list[list[str]]:
    """The features of each token of one sentence (`lexicon`, `marked`: the event type a
    lexicon word / a word marked in training matches at each token, or None)."""
    words = [fold_text(t.text) for t in sentence]
    out = []
    last_trigger, that_since, clause_start = None, False, True
    for i, word in enumerate(words):
        feats = ["b", *_word_features(word)]
        if lexicon[i]:
            feats.append(f"lex={lexicon[i]}")
        if marked[i]:
            feats.append(f"mk={marked[i]}")
        if lexicon[i] or marked[i]:
            feats.append(f"cand={lexicon[i] or marked[i]}")
        if clause_start:
            feats.append("first")
        for k, tag in ((-2, "w-2"), (-1, "w-1"), (1, "w1"), (2, "w2")):
            j = i + k
            if 0 <= j < len(words):
                feats.append(f"{tag}={words[j]}")
            elif abs(k) == 1:
                feats.append(f"{tag}=EDGE")
        if i >= 1:
            feats.append(f"bi-1={words[i - 1]}|{word}")
            if words[i - 1] in PARTICLES:
                feats.append(f"part={words[i - 1]}")
            if any(f.startswith("ال") for f, _ in stems(words[i - 1])):
                feats.append("p_al")
            if marked[i - 1] or lexicon[i - 1]:
                feats.append(f"cand-1={marked[i - 1] or lexicon[i - 1]}")
        if i >= 2 and words[i - 2] in PARTICLES:
            feats.append(f"part2={words[i - 2]}")
        if i + 1 < len(words):
            if any(f.startswith("ال") for f, _ in stems(words[i + 1])):
                feats.append("n_al")
            if marked[i + 1] or lexicon[i + 1]:
                feats.append(f"cand1={marked[i + 1] or lexicon[i + 1]}")
        if last_trigger:
            feats.append(f"after={last_trigger}" + ("|that" if that_since else ""))
        out.append(feats)
        # what the next word sees
        clause_start = sentence[i].text in CLAUSE_BREAK
        if word in THAT:
            that_since = True
        if lexicon[i] or marked[i]:
            last_trigger, that_since = lexicon[i] or marked[i], False
    return out


def _labels(sentence: Sequence[Token], events: Iterable[tuple[str, int, int]]) -> list[str]:
    """The event type on each trigger's first token, O elsewhere (where the trigger starts
    inside its token is left to the matchers and the clitic rule: split by it, the few
    examples of a type would teach less)."""
    labels = ["O"] * len(sentence)
    for kind, start, end in events:
        for i, token in enumerate(sentence):
            if token.start < end and start < token.end and labels[i] == "O":
                labels[i] = kind
                break
    return labels


def _finder(words: Words) -> TriggerFinder | None:
    return TriggerFinder(words) if words else None


def lexicon_words(specs: Sequence[EventTypeSpec]) -> list[tuple[str, str]]:
    return [(word, spec.key) for spec in specs for word in spec.triggers]


# ---- training -------------------------------------------------------------------------

@dataclass(frozen=True)
class TrainedTriggers:
    model: bytes
    marked: list[tuple[str, str]]  # the trigger words marked in training: the "mk" feature at tagging time
    doubtful: list[str]  # forms of trigger words training shows unmarked somewhere (form_key): `review` judges those
    documents: int
    events: int


def marked_words(examples: Iterable[AnnotatedText]) -> list[tuple[str, str]]:
    """(word as written, type) of every trigger annotated, once each, most marked first."""
    counts: dict[tuple[str, str], int] = {}
    for example in examples:
        for kind, start, end in example.events:
            word = example.text[start:end].strip()
            if word:
                counts[word, kind] = counts.get((word, kind), 0) + 1
    return sorted(counts, key=lambda key: (-counts[key], key))


def train(examples: Sequence[AnnotatedText], specs: Sequence[EventTypeSpec], *,
          max_iterations: int = 50, c1: float = 0.05, c2: float = 0.05) -> TrainedTriggers:
    """Train on annotated documents (those holding events: a document nobody marked
    events in says nothing about triggers). The "mk" feature of a document comes from
    the words marked in the other documents."""
    import pycrfsuite

    examples = [e for e in examples if e.events]
    if not examples:
        raise ValueError("no training data: no document holds an event")
    known = {spec.key for spec in specs}
    lexicon = _finder(lexicon_words(specs))
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    marked_in: dict[tuple[str, str], set[int]] = {}  # (word, type) → the documents marking it
    for k, example in enumerate(examples):
        for word in marked_words([example]):
            if word[1] in known:
                marked_in.setdefault(word, set()).add(k)
    all_marked = _finder([(word[0], word) for word in marked_in])  # one finder: matching is the slow part
    for k, example in enumerate(examples):
        tokens = tokenize(example.text)
        lex, marked = _marks(lexicon, tokens), [None] * len(tokens)
        for match in all_marked.find(tokens) if all_marked else ():
            if marked_in[match.payload] - {k}:  # marked in another document
                for i in range(match.first_token, match.last_token + 1):
                    marked[i] = marked[i] or match.payload[1]
        at = {id(t): i for i, t in enumerate(tokens)}
        events = [e for e in example.events if e[0] in known]
        for sentence in sentences(example.text, tokens):
            first = at[id(sentence[0])]
            end = first + len(sentence)
            trainer.append(sentence_features(sentence, lex[first:end], marked[first:end]), _labels(sentence, events))
    trainer.set_params({"max_iterations": max_iterations, "c1": c1, "c2": c2,
                        "feature.possible_transitions": True})
    fd, path = tempfile.mkstemp(suffix=".crfsuite")
    os.close(fd)
    try:
        trainer.train(path)
        with open(path, "rb") as fh:
            model = fh.read()
    finally:
        os.unlink(path)
    marked = [w for w in marked_words(examples) if w[1] in known]
    return TrainedTriggers(model, marked, doubtful_words(examples, [*lexicon_words(specs), *marked]),
                           len(examples), sum(len(e.events) for e in examples))


def form_key(form: str) -> str:
    """A trigger word's form as written (after its glued clitics), folded, with the
    imperfect prefixes made one where the analyser reads the word as an imperfect verb and
    as nothing else («تلتق», «نلتقي» → «يلتق», «يلتقي»); other words keep their first letter
    («تقدم», "progress" or "advanced", is not «يقدم»; «اجتماعا», «انسحب» stay)."""
    folded = fold_text(form)
    if len(folded) >= 4 and folded[0] in "تنا" and not folded.startswith("ال") and imperfect_only(form.strip()):
        return "ي" + folded[1:]
    return folded


def doubtful_words(examples: Iterable[AnnotatedText], words: Words) -> list[str]:
    """The forms (form_key) in which a trigger word of `words` stands unmarked somewhere in
    the training documents: only of those has the model seen both sides, so only of those
    may it say "no trigger here". Of a form it never saw unmarked its "no" would be a want
    of evidence: «البحث» unmarked says nothing of «بحثا» ("the two discussed")."""
    finder = _finder([(word, kind) for word, kind in words])
    doubtful: dict[str, None] = {}
    for example in examples:
        for match in finder.find(tokenize(example.text)) if finder else ():
            kind = match.payload
            if not any(k == kind and start < match.end and match.start < end for k, start, end in example.events):
                doubtful[form_key(example.text[match.start:match.end])] = None
    return list(doubtful)


# ---- tagging --------------------------------------------------------------------------

@dataclass(frozen=True)
class TokenView:
    """What the model says of one token: its best event type (None: O), how likely that
    label is, and how likely O is."""

    kind: str | None
    start: int  # where a trigger proposed here starts (after a glued clitic a matcher or the clitic analysis confirms)
    probability: float
    no_trigger: float
    doubtful: bool  # a trigger word in a form training shows unmarked somewhere


class TriggerModelTagger:
    """Proposes triggers from a trained model (EventProposals, tagger "trigger_crf"), with
    arguments from the same sentence as the lexicon tagger's; `review` drops the other
    taggers' proposals the model is sure are no triggers in their context."""

    name = NAME

    def __init__(self, model: bytes, specs: Sequence[EventTypeSpec], marked: Words = (), doubtful: Sequence[str] = (),
                 *, cues: CueRoles = CueRoles(), propose: float = PROPOSE, veto: float | None = VETO) -> None:
        import pycrfsuite

        self._model = model  # crfsuite reads the model where it lies: keep a reference (see CRFTagger)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(self._model)
        self._labels = set(self._tagger.labels())
        self.specs = {spec.key: spec for spec in specs}
        self._lexicon = _finder(lexicon_words(specs))
        self._marked = _finder([w for w in marked if w[1] in self.specs])
        self._doubtful = frozenset(doubtful)
        self._known = frozenset(w for w, _kind in [*lexicon_words(specs), *marked])  # a clitic before one may be cut
        self._arguments = TriggerTagger(specs, cues)
        self.propose, self.veto = propose, veto
        self._last: tuple[str, dict[int, TokenView]] | None = None

    def views(self, text: str, tokens: Sequence[Token]) -> dict[int, TokenView]:
        """token start → what the model says of it (the last text's answer is kept: the
        pipeline asks for proposals and then a review of the same text)."""
        if self._last is not None and self._last[0] == text:
            return self._last[1]
        starts: dict[int, int] = {}
        lex, marked = _marks(self._lexicon, tokens, starts), _marks(self._marked, tokens, starts)
        at = {id(t): i for i, t in enumerate(tokens)}
        out: dict[int, TokenView] = {}
        kinds = [label for label in self._labels if label != "O"]
        for sentence in sentences(text, tokens):
            first = at[id(sentence[0])]
            end = first + len(sentence)
            self._tagger.set(sentence_features(sentence, lex[first:end], marked[first:end]))
            for i, token in enumerate(sentence):
                no = self._tagger.marginal("O", i) if "O" in self._labels else 0.0
                best, p = None, 0.0
                for label in kinds:
                    q = self._tagger.marginal(label, i)
                    if q > p:
                        best, p = label, q
                start = starts.get(first + i)
                doubtful = start is not None and form_key(text[start:token.end]) in self._doubtful
                if start is None:  # the clitic analysis only where a proposal needs it (the analyser is slow)
                    proposed = best in self.specs and p >= self.propose
                    start = _trigger_start(text, token, self._known) if proposed else token.start
                out[token.start] = TokenView(best, start, p, no, doubtful)
        self._last = (text, out)
        return out

    def tag_events(self, text: str, tokens: Sequence[Token], entities: Sequence[EntityProposal]) -> list[EventProposal]:
        views = self.views(text, tokens)
        entities = sorted(entities, key=lambda s: s.start)
        starts = [e.start for e in entities]
        out = []
        for sentence in sentences(text, tokens):
            inside = entities[bisect_right(starts, sentence[0].start - 1):bisect_right(starts, sentence[-1].end - 1)]
            for token in sentence:
                view = views[token.start]
                if view.kind not in self.specs or view.probability < self.propose:
                    continue
                start = view.start
                spec = self.specs[view.kind]
                arguments = self._arguments.arguments(spec, text, sentence, start, inside)
                out.append(EventProposal(spec.key, start, token.end, round(view.probability, 4), self.name, arguments))
        return out

    def review(self, text: str, tokens: Sequence[Token], events: Sequence[EventProposal]) -> list[EventProposal]:
        """The other taggers' proposals, less those on a doubtful word (see doubtful_words)
        that the model labels O with a probability of at least `veto` (its own are kept)."""
        if self.veto is None:
            return list(events)
        views = self.views(text, tokens)
        starts = sorted(views)
        kept = []
        for event in events:
            i = bisect_right(starts, event.trigger_start) - 1
            view = views[starts[i]] if i >= 0 else None
            if event.tagger != self.name and view is not None and view.doubtful and view.no_trigger >= self.veto:
                continue
            kept.append(event)
        return kept

