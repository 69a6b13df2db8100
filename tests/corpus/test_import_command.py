"""`manage.py import_documents`: a report per file and a failing exit status."""
from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_documents", *map(str, args), stdout=out, no_color=True)
    return out.getvalue()


def test_imports_files_and_prints_the_report(project, tmp_path):
    news = tmp_path / "news.jsonl"
    news.write_text(
        "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in ["خبر أول", "خبر ثان", "خبر أول"]),
        encoding="utf-8",
    )
    output = run(project.slug, news)
    assert f"imported {news}: 2 imported, 1 duplicates skipped" in output
    assert "Total: 2 imported, 1 duplicates skipped, 0 file(s) failed" in output
    assert project.documents.count() == 2


def test_a_failed_file_is_reported_with_its_reason_and_the_command_fails(project, tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.csv"
    good.write_text("وصل الوفد إلى دمشق", encoding="utf-8")
    bad.write_text("body\nنص\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 file"):
        call_command("import_documents", project.slug, str(good), str(bad), stdout=out, no_color=True)
    output = out.getvalue()
    assert f"FAILED   {bad}: nothing imported" in output
    assert f"{bad}, line 1, field «text»: no text column «text»; the columns found are: «body»" in output
    assert list(project.documents.values_list("text", flat=True)) == ["وصل الوفد إلى دمشق"]


def test_format_and_text_column_options(project, tmp_path):
    path = tmp_path / "feed.tsvish"
    path.write_text("body\nخبر من حلب\n", encoding="utf-8")
    output = run(project.slug, path, "--format", "csv", "--text-column", "body")
    assert "1 imported" in output
    assert project.documents.get().text == "خبر من حلب"


def test_unknown_project(db, tmp_path):
    with pytest.raises(CommandError, match="no project with slug 'nope'"):
        run("nope", tmp_path)


@pytest.mark.django_db(transaction=True)  # run_from_argv closes the connection when done
def test_exit_status_seen_by_the_shell(project, tmp_path, capsys):
    """Run as from the command line: status 1 when a file fails, 0 when all import."""
    bad, good = tmp_path / "bad.txt", tmp_path / "good.txt"
    bad.write_bytes("خبر".encode("utf-16"))
    good.write_text("خبر سليم", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "import_documents", project.slug, str(bad)])
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert "encoded as UTF-16, not UTF-8" in captured.out
    assert "1 of 1 file(s) failed" in captured.err
    execute_from_command_line(["manage.py", "import_documents", project.slug, str(good)])  # no SystemExit
    assert project.documents.count() == 1
