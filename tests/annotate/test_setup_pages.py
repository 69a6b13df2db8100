"""The set-up pages: new project (site staff), settings and members (project admins).
Who may open what is one table; the behaviour of each page follows."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from corpus.models import Membership, Project, Role

ROLES = ("staff", "admin", "reviewer", "annotator", "outsider")

MATRIX = [
    # page               staff admin reviewer annotator outsider   (staff: site staff, not a member)
    ("project_new",        200, 404, 404, 404, 404),
    ("users",              200, 404, 404, 404, 404),
    ("project_settings",   404, 200, 404, 404, 404),
    ("members",            404, 200, 404, 404, 404),
    ("password_change",    200, 200, 200, 200, 200),
]

PAGES = {
    "project_new": lambda slug: reverse("project_new"),
    "users": lambda slug: reverse("users"),
    "project_settings": lambda slug: reverse("project_settings", args=[slug]),
    "members": lambda slug: reverse("members", args=[slug]),
    "password_change": lambda slug: reverse("password_change"),
}


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user("staff", password="pass-staff", is_staff=True)


@pytest.fixture
def people(staff, admin_user, reviewer, annotator, outsider):
    return {"staff": staff, "admin": admin_user, "reviewer": reviewer, "annotator": annotator, "outsider": outsider}


@pytest.mark.parametrize("page, role, expected",
                         [(row[0], role, code) for row in MATRIX for role, code in zip(ROLES, row[1:], strict=True)])
def test_who_may_open_which_page(client, project, people, page, role, expected):
    client.force_login(people[role])
    assert client.get(PAGES[page](project.slug)).status_code == expected


def test_every_page_is_in_the_matrix():
    assert {row[0] for row in MATRIX} == set(PAGES)


@pytest.mark.parametrize("page", ["project_new", "users", "project_settings", "members", "password_change"])
def test_anonymous_visitors_are_sent_to_log_in(client, project, page):
    response = client.get(PAGES[page](project.slug))
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_pages_are_arabic_and_right_to_left(client, project, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("members", args=[project.slug])).content.decode()
    assert '<html lang="ar" dir="rtl">' in page and "الأعضاء" in page


def test_staff_see_the_new_project_button_others_do_not(client, project, staff, annotator):
    client.force_login(staff)
    assert reverse("project_new") in client.get("/").content.decode()
    client.force_login(annotator)
    assert reverse("project_new") not in client.get("/").content.decode()


def test_staff_create_a_project_and_become_its_admin(client, staff):
    client.force_login(staff)
    response = client.post(reverse("project_new"), {"name": "أخبار الرياضة", "slug": "sport", "language": "ar",
                                                    "direction": "rtl", "schema": "news-ar"})
    assert response.status_code == 302 and response.url == reverse("members", args=["sport"])
    project = Project.objects.get(slug="sport")
    assert Membership.objects.get(project=project).user == staff
    assert project.entity_types.exists()


def test_a_taken_slug_is_refused_under_its_field_and_nothing_is_created(client, project, staff):
    client.force_login(staff)
    client.post("/i18n/setlang/", {"language": "en"})
    response = client.post(reverse("project_new"), {"name": "x", "slug": "test-news", "language": "ar",
                                                    "direction": "rtl", "schema": "empty"})
    page = response.content.decode()
    assert response.status_code == 200 and "Slug: The slug «test-news» is taken" in page
    assert Project.objects.count() == 1


def test_a_schema_can_be_copied_only_from_a_project_one_administers(client, project, staff, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(staff)
    response = client.post(reverse("project_new"), {"name": "x", "language": "ar", "direction": "rtl",
                                                    "schema": "project:test-news"})
    assert response.status_code == 200 and not Project.objects.filter(name="x").exists()  # not a choice for staff
    client.force_login(admin_user)
    response = client.post(reverse("project_new"), {"name": "x", "language": "ar", "direction": "rtl",
                                                    "schema": "project:test-news"})
    copy = Project.objects.get(name="x")
    assert response.status_code == 302 and copy.entity_types.count() == project.entity_types.count()


def test_the_slug_is_suggested_as_the_name_is_typed(client, project, staff):
    client.force_login(staff)
    response = client.get(reverse("slug_suggestion"), {"name": "Test News"}, HTTP_HX_REQUEST="true")
    assert "test-news-2" in response.content.decode()


def test_settings_save_name_description_and_guidelines(client, project, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("project_settings", args=[project.slug]),
                           {"name": "اسم جديد", "description": "وصف قصير", "guidelines": "## الأشخاص"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.description, project.guidelines) == ("اسم جديد", "وصف قصير", "## الأشخاص")


def test_the_guidelines_preview_renders_markdown_and_escapes_html(client, project, admin_user, annotator):
    client.force_login(admin_user)
    url = reverse("guidelines_preview", args=[project.slug])
    body = client.post(url, {"guidelines": "**مهم** <script>alert(1)</script>"}, HTTP_HX_REQUEST="true")
    html = body.content.decode()
    assert "<strong>مهم</strong>" in html and "<script>" not in html and "&lt;script&gt;" in html
    client.force_login(annotator)
    assert client.post(url, {"guidelines": "x"}).status_code == 404


def test_archive_and_restore_from_the_settings_page(client, project, admin_user):
    client.force_login(admin_user)
    client.post(reverse("project_archive", args=[project.slug]))
    project.refresh_from_db()
    assert project.is_archived
    assert "disabled" in client.get(reverse("project_settings", args=[project.slug])).content.decode()
    assert project.name in client.get("/").content.decode()  # its admin finds it under "archived"
    client.post(reverse("project_restore", args=[project.slug]))
    project.refresh_from_db()
    assert not project.is_archived


def test_delete_needs_the_slug_typed(client, project, admin_user):
    client.force_login(admin_user)
    client.post("/i18n/setlang/", {"language": "en"})
    url = reverse("project_delete", args=[project.slug])
    response = client.post(url, {"confirm_slug": "test"})
    assert response.status_code == 422 and "slug «test-news» to confirm the deletion" in response.content.decode()
    assert Project.objects.filter(pk=project.pk).exists()
    assert client.post(url, {"confirm_slug": "test-news"}).status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()


def test_reviewers_cannot_archive_or_delete(client, project, reviewer):
    client.force_login(reviewer)
    assert client.post(reverse("project_archive", args=[project.slug])).status_code == 404
    assert client.post(reverse("project_delete", args=[project.slug]), {"confirm_slug": "test-news"}).status_code == 404
    assert Project.objects.filter(pk=project.pk, archived_at__isnull=True).exists()


def test_members_page_adds_by_username_or_email_changes_and_removes(client, project, admin_user, django_user_model):
    hala = django_user_model.objects.create_user("hala", email="hala@example.org")
    omar = django_user_model.objects.create_user("omar")
    client.force_login(admin_user)
    url = reverse("members", args=[project.slug])
    assert client.post(url, {"user": "hala@example.org", "role": "annotator"}).status_code == 302
    assert client.post(url, {"user": "omar", "role": "reviewer"}).status_code == 302
    assert client.post(reverse("member_role", args=[project.slug, hala.pk]), {"role": "reviewer"}).status_code == 302
    assert client.post(reverse("member_remove", args=[project.slug, omar.pk])).status_code == 302
    assert dict(project.memberships.values_list("user__username", "role")) == {"admin1": "admin", "hala": "reviewer"}


def test_members_page_names_the_field_of_a_refusal(client, project, admin_user):
    client.force_login(admin_user)
    client.post("/i18n/setlang/", {"language": "en"})
    response = client.post(reverse("members", args=[project.slug]), {"user": "nobody", "role": "annotator"})
    assert response.status_code == 422
    assert "Username or email: No active user is called «nobody»" in response.content.decode()


def test_the_last_admin_is_kept_on_the_members_page(client, project, admin_user):
    client.force_login(admin_user)
    client.post("/i18n/setlang/", {"language": "en"})
    response = client.post(reverse("member_role", args=[project.slug, admin_user.pk]), {"role": "annotator"},
                           follow=True)
    assert "last admin" in response.content.decode()
    assert project.memberships.get(user=admin_user).role == Role.ADMIN


def test_a_member_of_another_project_cannot_be_changed_here(client, project, admin_user, outsider):
    client.force_login(admin_user)
    response = client.post(reverse("member_role", args=[project.slug, outsider.pk]), {"role": "admin"})
    assert response.status_code == 404


ISSUE_PAGES = {**PAGES,
               "schema_editor": lambda slug: reverse("schema_editor", args=[slug]),
               "project_backup": lambda slug: reverse("project_backup", args=[slug]),
               "archive_import": lambda slug: reverse("archive_import")}
ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.mark.parametrize("page", sorted(ISSUE_PAGES))
def test_every_set_up_page_speaks_arabic_and_english(client, project, staff, page):
    """Each page's heading is translated: in Arabic it holds Arabic letters, in English
    none (the project gets a Latin name, so that it cannot stand in for a translation)."""
    Membership.objects.create(project=project, user=staff, role=Role.ADMIN)
    project.name = "Test"
    project.save(update_fields=["name"])
    client.force_login(staff)
    url = ISSUE_PAGES[page](project.slug)
    for language, dir_ in (("ar", "rtl"), ("en", "ltr")):
        client.cookies["django_language"] = language
        html = client.get(url).content.decode()
        assert f'<html lang="{language}" dir="{dir_}">' in html
        main = html[html.index("<main"):html.index("</main>")]
        # The page's own words, not the data it shows (type names, trigger words, guidelines).
        words = re.sub(r"<bdi[^>]*>.*?</bdi>|<[^>]+>", " ", "".join(re.findall(r"<h1[^>]*>(.*?)</h1>", main, re.S)))
        assert words.strip() and bool(ARABIC.search(words)) == (language == "ar"), (language, words)
