"""The JavaScript translation catalogue at a URL naming its language and version, kept by browsers."""
import pytest
from django.urls import reverse

from tawsim.js_catalogue import catalogue_version


@pytest.mark.django_db
def test_the_editor_links_the_catalogue_of_its_language_and_version(ann_client, document):
    version = catalogue_version()
    url = reverse("editor", args=[document.project.slug, document.pk])
    page = ann_client.get(url).content.decode()
    assert f'src="/jsi18n/ar/{version}/"' in page
    ann_client.cookies["django_language"] = "en"
    page = ann_client.get(url).content.decode()
    assert f'src="/jsi18n/en/{version}/"' in page


@pytest.mark.django_db
def test_the_catalogue_is_its_languages_whatever_the_cookie_and_cached_for_good(client):
    version = catalogue_version()
    client.cookies["django_language"] = "en"
    arabic = client.get(reverse("javascript-catalog", args=["ar", version]))
    assert arabic.status_code == 200
    assert "max-age=31536000" in arabic["Cache-Control"] and "immutable" in arabic["Cache-Control"]
    assert "\\u0627" in arabic.content.decode() or "ا" in arabic.content.decode()  # Arabic translations inside
    english = client.get(reverse("javascript-catalog", args=["en", version]))
    assert english.content != arabic.content


@pytest.mark.django_db
def test_an_old_version_is_answered_without_a_long_cache_and_an_unknown_language_is_404(client):
    old = client.get(reverse("javascript-catalog", args=["ar", "000000000000"]))
    assert old.status_code == 200 and "immutable" not in old.get("Cache-Control", "")
    assert client.get(reverse("javascript-catalog", args=["xx", catalogue_version()])).status_code == 404
