"""Installing camel-tools' NER model: over real HTTP from a server started here (a
catalogue and the zip of a tiny BERT built here), and against a closed port on this
machine, which is what an unreachable download site looks like."""
from __future__ import annotations

import hashlib
import http.server
import json
import socket
import threading
import zipfile
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pytest
from django.utils import translation

from corpus.pretag import ner_install
from corpus.pretag.camel_ner import model_labels, resolve_model_path
from corpus.pretag.ner_install import NERInstallError, install_ner_model
from tests.corpus.test_pretag_camel_ner import LABELS, build_tiny_model


def closed_port() -> int:
    """A local port nothing listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def tiny_model_zip(tmp_path_factory) -> Path:
    """The zip of a tiny BERT token classifier, laid out as camel-tools ships ner-arabert
    (config.json and the weights at the archive's top level)."""
    folder = build_tiny_model(tmp_path_factory.mktemp("tiny") / "model", "B-LOC")
    archive = folder.parent / "ner.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(folder.iterdir()):
            zipped.write(path, path.name)
    return archive


def catalogue_for(base_url: str, archive: Path, *, sha256: str | None = None,
                  destination: str = "ner/arabert") -> dict:
    """A catalogue in camel-tools' own format, naming the archive as ner-arabert."""
    return {
        "version": "1.6",
        "packages": {
            "ner-arabert": {
                "description": "test NER", "version": "0.0.1", "license": "MIT", "package_type": "http",
                "url": f"{base_url}/{archive.name}", "destination": destination, "private": False,
                "sha256": sha256 or hashlib.sha256(archive.read_bytes()).hexdigest(), "size": archive.stat().st_size,
            },
        },
        "components": {"NamedEntityRecognition": {"default": "arabert",
                                                  "datasets": {"arabert": {"path": "ner/arabert"}}}},
    }


@contextmanager
def serving(folder: Path):
    """A real HTTP server on 127.0.0.1 for the files in `folder`; yields its base URL."""
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def download_site(tmp_path: Path, archive: Path, **catalogue_options):
    """Serve `archive` and a catalogue naming it; yields the catalogue's URL."""
    site = tmp_path / "site"
    site.mkdir()
    (site / archive.name).write_bytes(archive.read_bytes())
    with serving(site) as base:
        catalogue = catalogue_for(base, site / archive.name, **catalogue_options)
        (site / "catalogue-1.6.json").write_text(json.dumps(catalogue), encoding="utf-8")
        yield f"{base}/catalogue-1.6.json"


def test_an_unreachable_site_fails_at_once_naming_the_url_the_error_and_what_to_do(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/catalogue-1.6.json"
    with pytest.raises(NERInstallError) as failure:
        install_ner_model(tmp_path / "ct", catalogue_url=url, timeout=5)
    message = str(failure.value)
    assert url in message and "(host \u2068127.0.0.1:" in message and "ConnectionError" in message
    assert "camel_data -i ner-arabert" in message and "TAWSIM_MODEL_DIRS" in message
    assert str(tmp_path / "ct" / "data" / "ner" / "arabert") in message  # where to copy it by hand
    assert not (tmp_path / "ct" / "data").exists() and not (tmp_path / "ct" / "catalogue.json").exists()


def test_a_server_that_accepts_but_never_answers_ends_in_a_timeout_not_a_hang(tmp_path):
    with socket.socket() as silent:  # listens, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/catalogue-1.6.json"
        failures = []

        def attempt():
            try:
                install_ner_model(tmp_path / "ct", catalogue_url=url, timeout=1)
            except NERInstallError as error:
                failures.append(str(error))

        worker = threading.Thread(target=attempt, daemon=True)
        worker.start()
        worker.join(60)  # a guard against hanging the suite, not a measure of speed
        assert not worker.is_alive(), "the download waited for ever"
        assert len(failures) == 1 and "timed out" in failures[0] and url in failures[0]


def test_the_model_is_downloaded_unpacked_and_found_where_camel_tools_looks(tmp_path, tiny_model_zip):
    data_dir = tmp_path / "ct"
    reports = []
    with download_site(tmp_path, tiny_model_zip) as url:
        path = install_ner_model(data_dir, catalogue_url=url, timeout=5, progress=lambda d, t: reports.append((d, t)))
    assert path == (data_dir / "data" / "ner" / "arabert").resolve()
    size = tiny_model_zip.stat().st_size
    assert reports[-1] == (size, size)
    assert model_labels(path) == LABELS  # the tiny BERT's own labels: a real model folder
    # What camel_data keeps, so that camel-tools (and our default lookup) find it too.
    assert json.loads((data_dir / "versions.json").read_text())["ner-arabert"] == "0.0.1"
    assert "NamedEntityRecognition" in json.loads((data_dir / "catalogue.json").read_text())["components"]
    assert [p.name for p in path.parent.iterdir()] == ["arabert"]  # no scratch folder left


def test_a_download_that_does_not_match_its_checksum_changes_nothing(tmp_path, tiny_model_zip):
    data_dir = tmp_path / "ct"
    installed = data_dir / "data" / "ner" / "arabert"
    installed.mkdir(parents=True)
    (installed / "config.json").write_text('{"id2label": {"0": "O"}}', encoding="utf-8")
    with download_site(tmp_path, tiny_model_zip, sha256="0" * 64) as url, \
            pytest.raises(NERInstallError, match="SHA-256"):
        install_ner_model(data_dir, catalogue_url=url, timeout=5)
    assert model_labels(installed) == ["O"]  # the model that was there is still there
    assert [p.name for p in installed.parent.iterdir()] == ["arabert"]


def test_an_archive_without_a_model_is_refused(tmp_path):
    archive = tmp_path / "ner.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("README.txt", "no model here")
    with download_site(tmp_path, archive) as url, pytest.raises(NERInstallError, match="no config.json"):
        install_ner_model(tmp_path / "ct", catalogue_url=url, timeout=5)
    with pytest.raises(Exception, match="config.json missing"):
        resolve_model_path(tmp_path / "ct" / "data" / "ner" / "arabert")


def old_model(data_dir: Path) -> Path:
    installed = data_dir / "data" / "ner" / "arabert"
    installed.mkdir(parents=True)
    (installed / "config.json").write_text('{"id2label": {"0": "O"}}', encoding="utf-8")
    return installed


def test_a_reinstall_never_leaves_the_model_folder_deleted_and_puts_the_old_one_back_on_failure(
        tmp_path, tiny_model_zip, monkeypatch):
    data_dir = tmp_path / "ct"
    installed = old_model(data_dir)
    real_replace = ner_install.os.replace

    def failing_move_in(source, target):
        if Path(source).name == "unpacked":  # moving the new model in
            raise OSError("disk trouble")
        return real_replace(source, target)

    monkeypatch.setattr(ner_install.os, "replace", failing_move_in)
    with download_site(tmp_path, tiny_model_zip) as url, pytest.raises(NERInstallError, match="disk trouble"):
        install_ner_model(data_dir, catalogue_url=url, timeout=5)
    assert model_labels(installed) == ["O"]  # the old model is back where it was
    assert [p.name for p in installed.parent.iterdir()] == ["arabert"]


def test_a_reinstall_replaces_the_old_model(tmp_path, tiny_model_zip):
    data_dir = tmp_path / "ct"
    installed = old_model(data_dir)
    with download_site(tmp_path, tiny_model_zip) as url:
        install_ner_model(data_dir, catalogue_url=url, timeout=5)
    assert model_labels(installed) == LABELS
    assert [p.name for p in installed.parent.iterdir()] == ["arabert"]  # the old one deleted after


@pytest.mark.parametrize("destination", [".", "ner/..", "../elsewhere", "/tmp"])
def test_a_destination_that_is_not_below_the_data_folder_is_refused(tmp_path, tiny_model_zip, destination):
    data_dir = tmp_path / "ct"
    keep = data_dir / "data" / "other" / "keep.txt"
    keep.parent.mkdir(parents=True)
    keep.write_text("stays", encoding="utf-8")
    with download_site(tmp_path, tiny_model_zip, destination=destination) as url, \
            pytest.raises(NERInstallError, match="is not a folder inside"):
        install_ner_model(data_dir, catalogue_url=url, timeout=5)
    assert keep.read_text(encoding="utf-8") == "stays"
    assert sorted(p.name for p in (data_dir / "data").iterdir()) == ["other"]


def test_the_failure_is_told_in_arabic_with_the_technical_detail_isolated(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/catalogue-1.6.json"
    with translation.override("ar"), pytest.raises(NERInstallError) as failure:
        install_ner_model(tmp_path / "ct", catalogue_url=url, timeout=5)
    message = str(failure.value)
    assert "فهرس" in message and "Fetching" not in message and "What to do instead" not in message
    assert f"\u2068{url}\u2069" in message  # the URL whole and left-to-right inside the Arabic sentence
    assert "\u2068ConnectionError: " in message
