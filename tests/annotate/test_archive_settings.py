"""An archive never carries, nor brings in, a path to a file on the server (the CRF's
bootstrap corpus): another server's file, or any file an archive names, is never read."""
import json
import zipfile

from annotate.archive.writing import export_project
from annotate.pretagging import bootstrap_corpus
from annotate.services.archive import import_project
from corpus.models import Project


def test_the_bootstrap_path_stays_out_of_an_archive_both_ways(project, admin_user, tmp_path):
    project.settings = {bootstrap_corpus.KEY: {"path": "/etc/hostname", "map": {}}, "uncertain_first": True}
    project.save(update_fields=["settings"])
    exported = tmp_path / "p.zip"
    export_project(project, exported)
    with zipfile.ZipFile(exported) as zipped:
        name = next(n for n in zipped.namelist() if n.endswith("project.json"))
        data = json.loads(zipped.read(name))
        assert data["settings"] == {"uncertain_first": True}
        crafted = tmp_path / "crafted.zip"
        data["settings"][bootstrap_corpus.KEY] = {"path": "/etc/hostname", "map": {}}
        with zipfile.ZipFile(crafted, "w") as target:
            for item in zipped.namelist():
                target.writestr(item, json.dumps(data) if item == name else zipped.read(item))

    import_project(crafted, slug="moved", user=admin_user)
    moved = Project.objects.get(slug="moved")
    assert moved.settings == {"uncertain_first": True} and bootstrap_corpus.recorded(moved) is None
