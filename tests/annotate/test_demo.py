import json

from django.core.management import call_command

from annotate.demo import __file__ as demo_init
from annotate.models import Span
from corpus.models import Membership, Project


def test_demo_loads_once_and_again_without_duplicates(db, capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    call_command("load_demo")
    project = Project.objects.get(slug="demo")
    assert project.documents.count() == 10
    assert Membership.objects.filter(project=project).count() == 4
    assert "annotator1-demo" in first

    spans = Span.objects.filter(set__document__project=project).select_related("set__document", "entity_type")
    stored = {(s.set.document.external_id, s.entity_type.key, s.set.document.text[s.start:s.end]) for s in spans}
    with open(demo_init.replace("__init__.py", "spans.json"), encoding="utf-8") as f:
        wanted = {tuple(item) for item in json.load(f)["spans"]}
    assert stored == wanted and spans.count() == len(wanted)
