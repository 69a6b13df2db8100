"""camel-tools' BERT NER (CAMeLBERT / AraBERT) behind the tagger interface.

Loading is lazy (torch and the model load on the first `tag`), so building the tagger
in a page costs nothing. Two camel-tools traps are avoided here:

* `import camel_tools.ner` loads camel-tools' data catalogue at import time and, when
  `$CAMELTOOLS_DATA/catalogue.json` is missing, downloads it (no timeout) and raises if
  that fails. When the file is missing we import with an empty in-memory catalogue
  instead (see `_import_recognizer`), so nothing is fetched and nothing is written: `camel_data` in a shell still
  sees no catalogue and fetches the real one itself. We never call
  `NERecognizer.pretrained()` (it needs the catalogue); we pass a model folder.
* Labels come from the model's own config (`id2label`), not camel-tools' fixed list,
  so any fine-tuned token-classification model with B-/I- labels works.
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from corpus.pretag._text import sentences
from corpus.pretag.base import EntityProposal
from corpus.text.arabic import Token

DEFAULT_LABEL_MAP = {"PERS": "PER", "PER": "PER", "ORG": "ORG", "LOC": "GPE", "GPE": "GPE", "FAC": "FAC"}
DEFAULT_DATASET = "ner/arabert"  # where `camel_data -i ner-arabert` puts it, under data/
_IMPORT_LOCK = threading.Lock()


class NERModelUnavailable(RuntimeError):
    """No model to load; the message says where we looked and how to install one."""


def camel_data_dir() -> Path:
    """camel-tools' data folder, resolved the way camel-tools itself does."""
    catalogue = sys.modules.get("camel_tools.data.catalogue")
    if catalogue is not None:  # already fixed for this process at that module's import
        return Path(catalogue.CT_DATA_DIR)
    configured = os.environ.get("CAMELTOOLS_DATA")
    return Path(configured).expanduser().absolute() if configured else Path.home() / ".camel_tools"


def _catalogue_dataset_path(data_dir: Path) -> Path:
    catalogue = data_dir / "catalogue.json"
    try:
        component = json.loads(catalogue.read_text(encoding="utf-8"))["components"]["NamedEntityRecognition"]
        relative = component["datasets"][component["default"]]["path"]
    except (OSError, ValueError, KeyError, TypeError):
        relative = DEFAULT_DATASET
    return data_dir / "data" / relative


def resolve_model_path(model_path: str | os.PathLike | None = None) -> Path:
    """The configured folder if given, else camel-tools' installed NER model; checked, not loaded."""
    data_dir = camel_data_dir()
    path = Path(model_path).expanduser() if model_path else _catalogue_dataset_path(data_dir)
    if not (path / "config.json").is_file():
        raise NERModelUnavailable(
            f"no camel-tools NER model at {path} (config.json missing). Install it with "
            f"`CAMELTOOLS_DATA={data_dir} camel_data -i ner-arabert`, or configure the path of a "
            "folder holding a BERT token-classification model (config.json, vocab.txt and the weights)."
        )
    return path


def model_labels(model_path: str | os.PathLike | None = None) -> list[str]:
    """The model's label names from its config.json, for the settings page's mapping."""
    config = json.loads((resolve_model_path(model_path) / "config.json").read_text(encoding="utf-8"))
    id2label = config.get("id2label") or {}
    return [id2label[k] for k in sorted(id2label, key=int)]


def _import_recognizer():
    """`camel_tools.ner.NERecognizer`, imported without ever downloading the catalogue.

    `camel_tools/data/__init__.py` runs `Catalogue.load_catalogue()` on import, and any
    import under camel_tools.data runs that file first. So when the catalogue file is
    missing we create the package module without running it, import its `catalogue`
    submodule, swap `load_catalogue` for one returning an empty catalogue, then run the
    package's code and put the original back.
    """
    with _IMPORT_LOCK:
        if "camel_tools.data" in sys.modules or (camel_data_dir() / "catalogue.json").exists():
            from camel_tools.ner import NERecognizer

            return NERecognizer
        spec = importlib.util.find_spec("camel_tools.data")
        package = importlib.util.module_from_spec(spec)
        sys.modules["camel_tools.data"] = package
        try:
            from camel_tools.data.catalogue import Catalogue

            original = Catalogue.__dict__["load_catalogue"]
            Catalogue.load_catalogue = staticmethod(lambda path=None: Catalogue("none", {}, {}))
            try:
                spec.loader.exec_module(package)
            finally:
                Catalogue.load_catalogue = original
        except BaseException:
            sys.modules.pop("camel_tools.data", None)
            sys.modules.pop("camel_tools.data.catalogue", None)
            raise
        from camel_tools.ner import NERecognizer

        return NERecognizer


class CamelNER:
    """`label_map` maps the model's classes (B-/I- stripped: PERS, LOC, ...) to project types;
    classes it leaves out (MISC) are not suggested."""

    name = "camel_ner"

    def __init__(
        self,
        label_map: Mapping[str, str] | None = None,
        model_path: str | os.PathLike | None = None,
        *,
        score: float = 0.8,
        batch_size: int = 32,
    ) -> None:
        self.label_map = dict(DEFAULT_LABEL_MAP if label_map is None else label_map)
        self.model_path = model_path
        self.score = score  # NERecognizer gives labels only, no probabilities
        self.batch_size = batch_size
        self._recognizer = None

    def status(self) -> str | None:
        """None when a model is there to load, else the reason and how to install one."""
        try:
            resolve_model_path(self.model_path)
        except NERModelUnavailable as exc:
            return str(exc)
        return None

    def _load(self):
        if self._recognizer is None:
            path = resolve_model_path(self.model_path)
            self._recognizer = _import_recognizer()(str(path), use_gpu=False)
        return self._recognizer

    def tag(self, text: str, tokens: Sequence[Token]) -> list[EntityProposal]:
        recognizer = self._load()
        # Words the BERT tokenizer reduces to nothing (a lone LRM) get no label: leave them
        # out so that labels and words stay aligned.
        groups = [[t for t in s if recognizer.tokenizer.tokenize(t.text)] for s in sentences(text, tokens)]
        groups = [g for g in groups if g]
        predictions = recognizer.predict([[t.text for t in g] for g in groups], batch_size=self.batch_size)
        out: list[EntityProposal] = []
        for group, labels in zip(groups, predictions, strict=True):
            if len(labels) != len(group):
                raise RuntimeError(f"the NER model labelled {len(labels)} of {len(group)} words")
            out.extend(self._spans(group, labels))
        return out

    def _spans(self, words: Sequence[Token], labels: Sequence[str]) -> list[EntityProposal]:
        out: list[EntityProposal] = []
        open_kind = None
        for word, label in zip(words, labels, strict=True):
            head, _, cls = label.partition("-") if "-" in label else ("", "", label)
            kind = self.label_map.get(cls) if label != "O" else None
            if kind is None:
                open_kind = None
                continue
            if head == "I" and open_kind == kind and out:
                last = out[-1]
                out[-1] = EntityProposal(kind, last.start, word.end, self.score, self.name)
                continue
            out.append(EntityProposal(kind, word.start, word.end, self.score, self.name))
            open_kind = kind
        return out
