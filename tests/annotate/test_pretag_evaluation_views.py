"""The evaluation's options on the pre-tagging page and in the API (the CLI's --types,
--map, --per-document, --json), on the hand-made gold of test_pretagging_evaluation."""
from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from corpus.formats.base import DocumentRecord
from corpus.importing import add_documents
from tests.annotate.test_pretagging_evaluation import scene  # noqa: F401 - a fixture

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(project) -> str:
    return reverse("pretag_evaluation", args=[project.slug])


def rows(html: str) -> list[tuple[str, str, str, str]]:
    """(tagger, type, gold, suggested) of every row of the evaluation tables. The page names
    taggers and types (the type's key beside its name); the tagger is read back by its name."""
    from annotate.views.pretag import TAGGER_LABELS

    taggers = {str(label): name for name, label in TAGGER_LABELS.items()}
    found = re.findall(r'<tr class="(?:total)?"><td>([^<]+)</td>\s*<td>(?:[^<]*<code class="key" dir="ltr">([^<]+)'
                       r'</code>|(all))</td>\s*<td class="num">(\d+)</td><td class="num">(\d+)</td>', html)
    return [(taggers.get(tagger, tagger), key or every, gold, suggested)
            for tagger, key, every, gold, suggested in found]


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    return client


def test_the_page_offers_the_options_form(admin_client, scene):  # noqa: F811
    html = admin_client.get(url(scene), **HTMX).content.decode()
    for name in ('name="types"', 'name="map"', 'name="per_document"', 'name="format" value="json"'):
        assert name in html
    assert ("crf", "all", "3", "3") in rows(html)


def test_types_and_mapping_change_what_is_scored(admin_client, scene):  # noqa: F811
    html = admin_client.get(url(scene), {"types": "PER", "map": "ORG=PER\nGPE="}, **HTMX).content.decode()
    scored = rows(html)
    # ORG counted as PER: gold PER 0-5 and 20-30; crf PER 0-5, 22-30, 40-45.
    assert ("crf", "PER", "2", "3") in scored
    assert {kind for _t, kind, _g, _s in scored} == {"PER", "all"}
    assert 'value="PER"' in html and "ORG=PER" in html  # the form keeps what was asked


def test_per_document_adds_a_table_for_each_gold_document(admin_client, scene, project):  # noqa: F811
    add_documents(project, [DocumentRecord(external_id="e2", text="ب" * 60)])
    from annotate import services
    from annotate.models import Span

    second = project.documents.get(external_id="e2")
    Span.objects.create(set=services.gold_set(second), entity_type=project.entity_types.get(key="PER"), start=0, end=5)
    html = admin_client.get(url(scene), {"per_document": "on"}, **HTMX).content.decode()
    assert html.count('class="per-document"') == 2 and "<bdi>e1</bdi>" in html and "<bdi>e2</bdi>" in html
    plain = admin_client.get(url(scene), **HTMX).content.decode()
    assert 'class="per-document"' not in plain


def test_json_is_downloaded_with_the_same_options(admin_client, scene):  # noqa: F811
    response = admin_client.get(url(scene), {"types": "PER ORG", "map": "ORG=PER", "per_document": "on",
                                              "format": "json"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="{scene.slug}-pretag-evaluation.json"'
    data = json.loads(response.content)
    crf = next(r for r in data["rows"] if r["tagger"] == "crf" and r["type"] == "PER")
    assert (crf["gold"], crf["suggested"]) == (2, 3) and data["per_document"][0]["external_id"] == "e1"


@pytest.mark.parametrize("query, field, message", [
    ({"types": "PER PLANET"}, "types", "PLANET: not types of this project"),
    ({"map": "<b>ORG</b>"}, "map", "«&lt;b&gt;ORG&lt;/b&gt;»: expected SRC=TYPE"),
    ({"map": "MOON=PER"}, "map", "«MOON» is not a type of this project"),
])
def test_bad_options_are_refused_naming_what_is_wrong(admin_client, scene, query, field, message):  # noqa: F811
    plain = admin_client.get(url(scene), query)
    assert plain.status_code == 400 and message in plain.content.decode()
    swapped = admin_client.get(url(scene), query, **HTMX).content.decode()  # htmx swaps only a 2xx answer
    assert message in swapped and 'class="list evaluation"' not in swapped and "<b>ORG" not in swapped
    download = admin_client.get(url(scene), {**query, "format": "json"})
    assert download.status_code == 400 and field in download.json()["errors"]


def test_without_htmx_the_evaluation_is_a_page_of_its_own(admin_client, scene):  # noqa: F811
    html = admin_client.get(url(scene), {"types": "PER"}).content.decode()
    assert "<html" in html and reverse("pretag_page", args=[scene.slug]) in html
    assert {kind for _t, kind, _g, _s in rows(html)} == {"PER", "all"}


@pytest.mark.parametrize("who", ["annotator", "reviewer", "outsider"])
def test_only_admins_see_the_evaluation(client, scene, who, request):  # noqa: F811
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(scene), {"format": "json"}).status_code == 404
    assert client.get(f"/api/projects/{scene.slug}/pretag/evaluation/").status_code in (403, 404)


def test_the_api_takes_the_same_options(client, admin_user, scene):  # noqa: F811
    client.force_login(admin_user)
    api = f"/api/projects/{scene.slug}/pretag/evaluation/"
    data = client.get(api, {"types": ["PER"], "map": ["ORG=PER"], "per_document": "true"},
                      HTTP_ACCEPT_LANGUAGE="en").json()
    crf = next(r for r in data["rows"] if r["tagger"] == "crf" and r["type"] == "PER")
    assert (crf["gold"], crf["suggested"]) == (2, 3) and len(data["per_document"]) == 1
    assert {a["tagger"] for a in data["acceptance"]} >= {"gazetteer", "crf", "*"}
    refused = client.get(api, {"types": "PER,PLANET"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and refused.json()["field"] == "types"
    assert "PLANET" in refused.json()["detail"]
