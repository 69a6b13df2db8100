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
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import requests

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


def operator_advice(data_dir: Path, destination: str = DEFAULT_DATASET) -> str:
    return (
        f"What to do instead: on a machine that can reach it, run `CAMELTOOLS_DATA=/tmp/ct camel_data -i {PACKAGE}` "
        f"and copy the folder /tmp/ct/data/{destination} to {data_dir / 'data' / destination} on this server "
        "(or set CAMELTOOLS_DATA to a folder holding data/" f"{destination}); or copy any BERT token-classification "
        "model folder (config.json, vocab.txt, weights) into a folder listed in TAWSIM_MODEL_DIRS and enter it as "
        "\"NER model folder\" on the pre-tagging page."
    )


def _failure(what: str, url: str, error: BaseException | str, data_dir: Path) -> NERInstallError:
    host = urlsplit(url).netloc or "?"
    reason = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return NERInstallError(f"{what} {url} (host {host}) failed: {reason}. {operator_advice(data_dir)}")


def fetch_catalogue(url: str, timeout: float, data_dir: Path) -> dict:
    try:
        response = requests.get(url, timeout=timeout)
        response.raise_for_status()
        catalogue = response.json()
        if not isinstance(catalogue, dict) or not isinstance(catalogue.get("packages"), dict):
            raise ValueError("the answer is not a camel-tools catalogue (no \"packages\")")
    except (requests.RequestException, ValueError) as error:
        raise _failure("Fetching the camel-tools data catalogue from", url, error, data_dir) from error
    return catalogue


def _package(catalogue: dict, name: str, url: str, data_dir: Path) -> dict:
    entry = catalogue["packages"].get(name)
    if not isinstance(entry, dict) or not entry.get("url") or not entry.get("destination"):
        raise _failure("Reading the catalogue", url, f"it has no downloadable package {name!r}", data_dir)
    return entry


def _download(url: str, target: Path, *, sha256: str | None, timeout: float, progress: Progress | None,
              data_dir: Path) -> None:
    digest = hashlib.sha256()
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
                raise requests.RequestException(f"the connection closed after {done} of {total} bytes")
            if progress:
                progress(done, max(total, done))
    except (requests.RequestException, OSError) as error:
        raise _failure("Downloading the model from", url, error, data_dir) from error
    if sha256 and digest.hexdigest() != sha256.lower():
        raise _failure("Checking the download from", url,
                       f"its SHA-256 is {digest.hexdigest()}, the catalogue says {sha256}", data_dir)


@contextmanager
def _only_one_install(data_dir: Path):
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / ".ner-install.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise NERInstallError(f"Another installation into {data_dir} is running; wait for it to end.") from None
        yield


def _write_json(path: Path, data: dict) -> None:
    scratch = path.with_name(path.name + ".tmp")
    scratch.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(scratch, path)


def install_ner_model(data_dir: Path, *, catalogue_url: str | None = None, package: str = PACKAGE,
                      timeout: float = 20.0, progress: Progress | None = None) -> Path:
    """Download and unpack the NER model into `data_dir` (camel-tools' data folder) and
    return the model's folder. Raises NERInstallError, leaving what was there before."""
    catalogue_url = catalogue_url or default_catalogue_url()
    with _only_one_install(data_dir):
        catalogue = fetch_catalogue(catalogue_url, timeout, data_dir)
        entry = _package(catalogue, package, catalogue_url, data_dir)
        destination = (data_dir / "data" / entry["destination"]).resolve()
        if not destination.is_relative_to((data_dir / "data").resolve()):
            raise _failure("Reading the catalogue", catalogue_url,
                           f"its destination {entry['destination']!r} lies outside the data folder", data_dir)
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
                raise _failure("Unpacking the download from", entry["url"], error, data_dir) from error
            if not (unpacked / "config.json").is_file():
                raise _failure("Unpacking the download from", entry["url"],
                               "the archive holds no config.json at its top level", data_dir)
            if destination.exists():
                shutil.rmtree(destination)
            os.replace(unpacked, destination)
        # What camel_data itself keeps, so it and camel_tools.ner see the model as installed.
        _write_json(data_dir / "catalogue.json", catalogue)
        versions_path = data_dir / "versions.json"
        try:
            versions = json.loads(versions_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            versions = {}
        _write_json(versions_path, {**versions, package: entry.get("version")})
    return destination
