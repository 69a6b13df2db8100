"""Project archives: export → import under another slug → export gives the same archive
(ids and timestamps aside); placeholders for missing users; a bad archive changes nothing
and names the member, line and field."""
from __future__ import annotations

import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from annotate.archive.writing import export_project
from annotate.models import AnnotationSet, Span, SuggestionDecision, TaggerModel
from annotate.services.archive import ArchiveError, import_project
from corpus.models import Project
from tests.annotate.archive_fixtures import build_full_project, canonical


@pytest.fixture
def full(project):
    return build_full_project(project)


def test_export_import_export_gives_the_same_archive(project, full, tmp_path):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    export_project(project, first)
    report = import_project(first, slug="copy")
    export_project(report.project, second)
    a, b = canonical(first), canonical(second)
    assert a == b
    # the project really holds every kind of object
    for member in ("documents.jsonl", "kb_entities.jsonl", "clusters.jsonl", "suggestions.jsonl", "sets.jsonl",
                   "spans.jsonl", "events.jsonl", "arguments.jsonl", "relations.jsonl",
                   "suggestion_decisions.jsonl", "assignments.jsonl", "adjudication_decisions.jsonl",
                   "tagger_models.jsonl", "members.jsonl", "users.jsonl"):
        assert a[member], member
    assert {s["status"] for s in a["sets.jsonl"]} >= {"submitted", "adjudicated", "in_progress"}
    assert report.placeholders == []


def test_import_keeps_links_versions_origins_and_models(project, full, tmp_path):
    path = tmp_path / "a.zip"
    export_project(project, path)
    copy = import_project(path, slug="copy").project
    linked = Span.objects.filter(set__document__project=copy, kb_entity__isnull=False)
    assert linked.count() == 2 and {s.kb_entity.project_id for s in linked} == {copy.pk}
    accepted = SuggestionDecision.objects.get(suggestion__document__project=copy, decision="accepted")
    assert accepted.span.origin["suggestion"] == accepted.suggestion_id
    versions = sorted(AnnotationSet.objects.filter(document__project=copy).values_list("version", flat=True))
    assert versions == sorted(AnnotationSet.objects.filter(document__project=project).values_list("version",
                                                                                                   flat=True))
    assert bytes(TaggerModel.objects.get(project=copy).data) == b"\x00model-bytes\xff" * 50
    assert copy.guidelines == project.guidelines and copy.settings == project.settings


def _rewrite(source, target, change):
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            new.writestr(name, change(name, old.read(name)))


def test_missing_users_get_an_inactive_placeholder_that_keeps_their_work(project, full, tmp_path):
    path, renamed = tmp_path / "a.zip", tmp_path / "b.zip"
    export_project(project, path)
    _rewrite(path, renamed, lambda name, data: data.replace(b'"arch-ann2"', b'"ghost-ann"'))
    report = import_project(renamed, slug="copy")
    assert report.placeholders == ["ghost-ann"]
    ghost = get_user_model().objects.get(username="ghost-ann")
    assert not ghost.is_active and not ghost.has_usable_password()
    assert AnnotationSet.objects.filter(document__project=report.project, owner=ghost, status="submitted").exists()


def test_a_bad_line_changes_nothing_and_names_member_line_and_field(project, full, tmp_path):
    path, broken = tmp_path / "a.zip", tmp_path / "b.zip"
    export_project(project, path)

    def change(name, data):
        if name != "spans.jsonl":
            return data
        lines = data.decode().splitlines(keepends=True)
        lines[2] = lines[2].replace('"start":', '"start":"x","was":')
        return "".join(lines).encode()

    _rewrite(path, broken, change)
    projects, users, spans = Project.objects.count(), get_user_model().objects.count(), Span.objects.count()
    with pytest.raises(ArchiveError) as error:
        import_project(broken, slug="copy")
    assert str(error.value).startswith("spans.jsonl, line 3, field «start»: ")
    assert (Project.objects.count(), get_user_model().objects.count(), Span.objects.count()) == (
        projects, users, spans)


def test_a_slug_in_use_is_refused(project, full, tmp_path):
    path = tmp_path / "a.zip"
    export_project(project, path)
    with pytest.raises(ArchiveError, match="exists already"):
        import_project(path)


def test_not_an_archive_is_refused(db, tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(ArchiveError, match="not a zip file"):
        import_project(path)


def test_commands_round_trip(project, full, tmp_path, capsys):
    path = tmp_path / "a.zip"
    call_command("export_project", project.slug, "-o", str(path))
    call_command("import_project", str(path), "--slug", "via-cli", "--admin", "arch-admin")
    assert "created project via-cli" in capsys.readouterr().out
    assert Project.objects.get(slug="via-cli").documents.count() == 3
    with pytest.raises(CommandError, match="exists already"):
        call_command("import_project", str(path), "--slug", "via-cli")


def test_a_placeholders_work_is_reassigned_to_the_real_account(project, full, tmp_path):
    path, renamed = tmp_path / "a.zip", tmp_path / "b.zip"
    export_project(project, path)
    _rewrite(path, renamed, lambda name, data: data.replace(b'"arch-ann2"', b'"ghost-ann"'))
    copy = import_project(renamed, slug="copy").project
    ghost = get_user_model().objects.get(username="ghost-ann")
    held = AnnotationSet.objects.filter(document__project=copy, owner=ghost).count()
    real = get_user_model().objects.create_user(username="real-ann", password="pw")
    call_command("reassign_member", "copy", "ghost-ann", "real-ann")
    assert AnnotationSet.objects.filter(document__project=copy, owner=real).count() == held > 0
    assert not AnnotationSet.objects.filter(document__project=copy, owner=ghost).exists()
    assert copy.memberships.get(user=real).role == "annotator" and not copy.memberships.filter(user=ghost).exists()
    # the other way round (once real-ann has left), onto someone with sets on the same documents:
    # refused, nothing moves
    get_user_model().objects.filter(pk=real.pk).update(is_active=False)
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("reassign_member", "copy", "real-ann", "arch-ann1")
    assert AnnotationSet.objects.filter(document__project=copy, owner=real).count() == held
