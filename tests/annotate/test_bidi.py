"""Mixed Arabic and Latin stays in order: every embedded value is isolated (<bdi>, or
LRI…PDI inside a translated sentence), free-text inputs lay themselves out (dir="auto"),
messages in the interface's language take its direction, and a relation's arrow points
from source to target in the reading direction."""
from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from django import forms
from django.test import Client
from django.urls import reverse

from annotate import services
from annotate.services import ANY_VERSION
from tests.annotate.test_adjudication import disputed  # noqa: F401 (a fixture)
from tests.annotate.test_clusters_services import make_event
from tests.test_arabic_catalogue import CATALOGUES

# A Latin token that starts or ends with a neutral character («.txt», «SOURCE=»): in
# right-to-left text its neutral edge jumps to the other side («txt.», «=SOURCE»).
NEUTRAL_EDGED = re.compile(r"(?<![A-Za-z0-9_])(?:--[a-z]+ )?(?:(?:[A-Z_]+|%\(\w+\)s)=(?:[A-Z_]+)?|\.[a-z][a-z0-9]*)")
ISOLATED = re.compile("\u2066[^\u2069]*\u2069")


def arabic_client(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "ar"
    client.force_login(user)
    return client


def test_arabic_sentences_isolate_latin_tokens_with_neutral_ends():
    with (CATALOGUES / "django.po").open("rb") as handle:
        catalogue = read_po(handle)
    loose = []
    for message in catalogue:
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            if text and re.search("[\u0600-\u06ff]", text):
                loose += [f"{message.id!r}: {token}" for token in NEUTRAL_EDGED.findall(ISOLATED.sub("", text))]
    assert not loose, "wrap these in U+2066…U+2069:\n" + "\n".join(loose)


def test_the_import_page_keeps_extensions_and_mappings_whole(project, admin_user):
    html = arabic_client(admin_user).get(reverse("import_documents", args=[project.slug])).content.decode()
    assert "\u2066.txt\u2069" in html and "\u2066SOURCE=\u2069" in html
    # The type map holds Latin keys: its own dir="ltr" stays.
    assert re.search(r'<textarea name="type_map"[^>]* dir="ltr"', html)


def test_free_text_fields_lay_themselves_out():
    class Sample(forms.Form):
        name = forms.CharField()
        note = forms.CharField(widget=forms.Textarea)
        code = forms.CharField(widget=forms.TextInput(attrs={"dir": "ltr"}))
        count = forms.IntegerField()

    form = Sample()
    assert 'dir="auto"' in str(form["name"]) and 'dir="auto"' in str(form["note"])
    assert 'dir="ltr"' in str(form["code"]) and "auto" not in str(form["code"])
    assert "dir=" not in str(form["count"])


def test_a_failed_imports_errors_take_the_pages_direction(project, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bad.jsonl", b'{"text": 5}\n')
    html = arabic_client(admin_user).post(reverse("import_documents", args=[project.slug]),
                                          {"files": [upload]}).content.decode()
    errors = re.search(r'<ul class="errors">(.*?)</ul>', html, re.S).group(1)
    assert "bad.jsonl" in errors and 'dir="auto"' not in errors


def test_the_adjudication_header_isolates_each_annotator_and_counts_in_arabic(disputed, reviewer):  # noqa: F811
    url = reverse("adjudicate", args=[disputed.project.slug, disputed.pk])
    html = arabic_client(reviewer).get(url).content.decode()
    header = re.search(r'<span class="who">(.*?)</span>', html, re.S).group(1)
    assert "دُمجت 3 مجموعات:" in header
    assert "<bdi>ann1</bdi>، <bdi>ann2</bdi>، <bdi>ann3</bdi>" in header and '<bdi dir="ltr">K = 2</bdi>' in header


def test_history_lines_isolate_who_and_what(document, annotator):
    annotation_set = services.own_set(document, annotator)
    start = document.text.index("القاهرة")
    services.create_span(annotation_set, annotator, entity_type="GPE", start=start, end=start + 7, version=ANY_VERSION)
    html = arabic_client(annotator).get(reverse("set_history", args=[annotation_set.pk])).content.decode()
    rows = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    assert "<td><bdi>ann1</bdi></td>" in rows


def test_the_cluster_name_is_suggested_with_the_type_name_in_an_input_laid_out_by_itself(annotator, reports):
    event = make_event(services.own_set(reports["c-1"], annotator), annotator, "التقى")
    html = arabic_client(annotator).get(reverse("cluster_event_panel", args=[event.pk])).content.decode()
    field = re.search(r'<input name="name" value="([^"]*)"[^>]*>', html)
    assert field.group(1).startswith("لقاء: التقى") and 'dir="auto"' in field.group(0)


@pytest.mark.parametrize("language, outgoing, incoming", [("ar", "←", "→"), ("en", "→", "←")])
def test_a_relations_arrow_points_to_its_target_in_the_reading_direction(
        document, annotator, language, outgoing, incoming):
    annotation_set = services.own_set(document, annotator)

    def span(key, word):
        start = document.text.index(word)
        return services.create_span(annotation_set, annotator, entity_type=key, start=start, end=start + len(word),
                                    version=ANY_VERSION)

    person, city = span("PER", "سمير داود"), span("GPE", "القاهرة")
    services.create_relation(annotation_set, annotator, relation_type="AFFILIATION", source=person, target=city,
                             version=ANY_VERSION)
    client = arabic_client(annotator)
    client.cookies["django_language"] = language
    source_panel = client.get(reverse("span_panel", args=[person.pk])).content.decode()
    target_panel = client.get(reverse("span_panel", args=[city.pk])).content.decode()
    assert f'<span class="dir">{outgoing}</span>' in source_panel
    assert f'<span class="dir">{incoming}</span>' in target_panel


def test_the_editor_crumbs_isolate_the_project_name(document, annotator):
    document.project.name = "Reuters أخبار 2024"
    document.project.save()
    html = arabic_client(annotator).get(reverse("editor", args=[document.project.slug, document.pk])).content.decode()
    crumbs = re.search(r'<nav class="crumbs">(.*?)</nav>', html, re.S).group(1)
    assert "<bdi>Reuters أخبار 2024</bdi>" in crumbs


def test_an_events_text_attribute_lays_itself_out(document, annotator):
    from corpus.models import AttributeType

    AttributeType.objects.create(project=document.project, key="source_note", name_ar="ملاحظة المصدر",
                                 name_en="Source note", kind=AttributeType.Kind.TEXT)
    own = services.own_set(document, annotator)
    start = document.text.index("التقى")
    event = services.create_event(own, annotator, event_type="MEET", trigger_start=start, trigger_end=start + 5,
                                  version=ANY_VERSION, attributes={"source_note": "AFP عن مصدر"})
    url = reverse("editor", args=[document.project.slug, document.pk]) + f"?event={event.pk}"
    html = arabic_client(annotator).get(url).content.decode()
    field = re.search(r'<form class="attr-text"[^>]*><input name="value"[^>]*>', html).group(0)
    assert 'value="AFP عن مصدر"' in field and 'dir="auto"' in field


def test_import_errors_isolate_the_file_name_and_the_extensions(project, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploads = [SimpleUploadedFile("تقرير (2).jsonl", b'{"text": 5}\n'), SimpleUploadedFile("report.pdf", b"x")]
    html = arabic_client(admin_user).post(reverse("import_documents", args=[project.slug]),
                                          {"files": uploads}).content.decode()
    errors = " ".join(re.findall(r'<ul class="errors">(.*?)</ul>', html, re.S))
    assert "<li><bdi>تقرير (2).jsonl</bdi>" in errors and "<li><bdi>report.pdf</bdi>" in errors
    # «.pdf» and the list «.bio, .brat.zip, …» keep their dots in front.
    assert "«\u2066.pdf\u2069»" in errors and "\u2066.bio, .brat.zip" in errors
