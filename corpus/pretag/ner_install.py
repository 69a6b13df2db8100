"""Installing camel-tools' NER model (the `ner-arabert` package) where the network allows.

It does what `camel_data -i ner-arabert` does (read camel-tools' data catalogue, download
the package's zip, unpack it under `$CAMELTOOLS_DATA/data/<destination>`, record the
catalogue and the installed version), with what camel-tools' own downloader lacks:

* timeouts on every connection and read (camel-tools waits for ever), so a job ends;
* the zip's checksum is checked when the catalogue gives one, and the zip is unpacked in
  a scratch folder first, so a broken download never leaves half a model behind;
* progress in bytes through a `progress(done, total)` callback (a job's progress bar);
* one failure message (`NERInstallError`) that names what was tried (the URL and host),
  what went wrong, and what an operator can do instead.

Nothing under `camel_tools.data` is imported: that import itself fetches the catalogue.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
import time
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import requests
from django.utils.translation import gettext_noop

from corpus.deferred_text import gettext_deferred
from corpus.pretag.camel_ner import DEFAULT_DATASET

PACKAGE = "ner-arabert"
CHUNK = 1 << 20  # bytes read (and reported) at a time
Progress = Callable[[int, int], None]


def default_catalogue_url() -> str:
    """The catalogue `camel_data` reads for the installed camel-tools version."""
    major_minor = ".".join(version("camel-tools").split(".")[:2])
    return f"https://raw.githubusercontent.com/CAMeL-Lab/camel-tools-data/main/catalogue-{major_minor}.json"


class NERInstallError(RuntimeError):
    """The model could not be installed; the message says what was tried and what to do."""


def isolated(technical: object) -> str:
    """A URL, path, command or error text kept whole and left-to-right inside a sentence
    that may be Arabic (U+2068 FIRST STRONG ISOLATE .. U+2069 POP DIRECTIONAL ISOLATE)."""
    return f"\u2068{technical}\u2069"


def operator_advice(data_dir: Path, destination: str = DEFAULT_DATASET) -> str:
    return gettext_deferred(
        "What to do instead: on a machine that can reach it, run %(command)s and copy the folder %(copied)s "
        "to %(target)s on this server (or set CAMELTOOLS_DATA to a folder holding %(relative)s); or copy any "
        "BERT token-classification model folder (config.json, vocab.txt, weights) into a folder listed in "
        "TAWSIM_MODEL_DIRS and enter it as \"NER model folder\" on the pre-tagging page.",
        command=isolated(f"CAMELTOOLS_DATA=/tmp/ct camel_data -i {PACKAGE}"),
        copied=isolated(f"/tmp/ct/data/{destination}"),
        target=isolated(data_dir / "data" / destination),
        relative=isolated(f"data/{destination}"))


# What was tried, by step; each takes %(url)s, %(host)s and %(reason)s.
FETCHING = "fetching"
READING = "reading"
DOWNLOADING = "downloading"
CHECKING = "checking"
UNPACKING = "unpacking"


_STEP_SENTENCES = {
    FETCHING: gettext_noop("Fetching the camel-tools data catalogue from %(url)s (host %(host)s) failed: %(reason)s."),
    READING: gettext_noop("Reading the catalogue %(url)s (host %(host)s) failed: %(reason)s."),
    DOWNLOADING: gettext_noop("Downloading the model from %(url)s (host %(host)s) failed: %(reason)s."),
    CHECKING: gettext_noop("Checking the download from %(url)s (host %(host)s) failed: %(reason)s."),
    UNPACKING: gettext_noop("Unpacking the download from %(url)s (host %(host)s) failed: %(reason)s."),
}


def _failure(step: str, url: str, error: BaseException | str, data_dir: Path) -> NERInstallError:
    """`error` is either a sentence of ours (deferred) or an exception, whose text is shown
    as it is. The message stays deferred: the job stores it, and the page shows it in the
    reader's language."""
    host = urlsplit(url).netloc or "?"
    reason = error if isinstance(error, str) else isolated(f"{type(error).__name__}: {error}")
    sentence = gettext_deferred(_STEP_SENTENCES[step], url=isolated(url), host=isolated(host), reason=reason)
    return NERInstallError(gettext_deferred("%(sentence)s %(advice)s", sentence=sentence,
                                            advice=operator_advice(data_dir)))


def fetch_catalogue(url: str, timeout: float, data_dir: Path) -> dict:
    try:
        response = requests.get(url, timeout=timeout)
        response.raise_for_status()
        catalogue = response.json()
        if not isinstance(catalogue, dict) or not isinstance(catalogue.get("packages"), dict):
            raise _failure(FETCHING, url, gettext_deferred(
                "the answer is not a camel-tools catalogue (no \"packages\")"), data_dir)
    except (requests.RequestException, ValueError) as error:
        raise _failure(FETCHING, url, error, data_dir) from error
    return catalogue


def _package(catalogue: dict, name: str, url: str, data_dir: Path) -> dict:
    entry = catalogue["packages"].get(name)
    if not isinstance(entry, dict) or not entry.get("url") or not entry.get("destination"):
        raise _failure(READING, url, gettext_deferred("it has no downloadable package %(name)s", name=isolated(name)),
                       data_dir)
    return entry


def _download(url: str, target: Path, *, sha256: str | None, timeout: float, progress: Progress | None,
              data_dir: Path) -> None:
    digest = hashlib.sha256()
    short = None
    try:
        with requests.get(url, stream=True, timeout=timeout) as response, target.open("wb") as out:
            response.raise_for_status()
            total = int(response.headers.get("content-length") or 0)
            done, reported = 0, 0.0
            for chunk in response.iter_content(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress and time.monotonic() - reported > 0.5:  # a database write each time
                    progress(done, max(total, done))
                    reported = time.monotonic()
            if total and done < total:
                short = gettext_deferred("the connection closed early; bytes received: %(done)s of %(total)s",
                                         done=done, total=total)
            elif progress:
                progress(done, max(total, done))
    except (requests.RequestException, OSError) as error:
        raise _failure(DOWNLOADING, url, error, data_dir) from error
    if short:
        raise _failure(DOWNLOADING, url, short, data_dir)
    if sha256 and digest.hexdigest() != sha256.lower():
        raise _failure(CHECKING, url, gettext_deferred(
            "its SHA-256 is %(actual)s, the catalogue says %(expected)s", actual=isolated(digest.hexdigest()),
            expected=isolated(sha256)), data_dir)


@contextmanager
def _only_one_install(data_dir: Path):
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / ".ner-install.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise NERInstallError(gettext_deferred(
                "Another installation into %(folder)s is running; wait for it to end.",
                folder=isolated(data_dir))) from None
        yield


def _write_json(path: Path, data: dict) -> None:
    scratch = path.with_name(path.name + ".tmp")
    scratch.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(scratch, path)


def _checked_destination(data_dir: Path, destination: str, catalogue_url: str) -> Path:
    """The model's folder, strictly below data/: a destination of "." or one leading out
    would have the install replace the whole data folder, or something elsewhere."""
    root = (data_dir / "data").resolve()
    folder = (root / destination).resolve()
    if folder == root or not folder.is_relative_to(root):
        raise _failure(READING, catalogue_url, gettext_deferred(
            "its destination %(destination)s is not a folder inside %(root)s", destination=isolated(repr(destination)),
            root=isolated(root)), data_dir)
    return folder


def _swap_in(new: Path, destination: Path, aside: Path, url: str, data_dir: Path) -> None:
    """Replace the live model folder by renames on one filesystem (`aside` is in the
    scratch folder beside it), never by deleting it first: a project loading the model
    meanwhile finds one or the other. On failure the old folder is put back; the scratch
    folder's cleanup deletes it once the new one is in place."""
    had_old = destination.exists()
    if had_old:
        os.replace(destination, aside)
    try:
        os.replace(new, destination)
    except OSError as error:
        if had_old:
            os.replace(aside, destination)
        raise _failure(UNPACKING, url, error, data_dir) from error


def install_ner_model(data_dir: Path, *, catalogue_url: str | None = None, package: str = PACKAGE,
                      timeout: float = 20.0, progress: Progress | None = None) -> Path:
    """Download and unpack the NER model into `data_dir` (camel-tools' data folder) and
    return the model's folder. Raises NERInstallError, leaving what was there before."""
    catalogue_url = catalogue_url or default_catalogue_url()
    with _only_one_install(data_dir):
        catalogue = fetch_catalogue(catalogue_url, timeout, data_dir)
        entry = _package(catalogue, package, catalogue_url, data_dir)
        destination = _checked_destination(data_dir, entry["destination"], catalogue_url)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".install-") as scratch:
            archive = Path(scratch) / "package.zip"
            _download(entry["url"], archive, sha256=entry.get("sha256"), timeout=timeout, progress=progress,
                      data_dir=data_dir)
            unpacked = Path(scratch) / "unpacked"
            try:
                with zipfile.ZipFile(archive) as zipped:
                    zipped.extractall(unpacked)  # zipfile drops absolute paths and ".." parts
            except (zipfile.BadZipFile, OSError) as error:
                raise _failure(UNPACKING, entry["url"], error, data_dir) from error
            if not (unpacked / "config.json").is_file():
                raise _failure(UNPACKING, entry["url"], gettext_deferred(
                    "the archive holds no config.json at its top level"), data_dir)
            _swap_in(unpacked, destination, Path(scratch) / "previous", entry["url"], data_dir)
        # What camel_data itself keeps, so it and camel_tools.ner see the model as installed.
        _write_json(data_dir / "catalogue.json", catalogue)
        versions_path = data_dir / "versions.json"
        try:
            versions = json.loads(versions_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            versions = {}
        _write_json(versions_path, {**versions, package: entry.get("version")})
    return destination
