"""Site users (site staff): create with a one-time set-password link, deactivate,
reactivate, reset; everyone changes their own password."""
from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user("staff", password="pass-staff", is_staff=True)


def _link(page: str) -> str:
    return re.search(r'id="set-password-link" value="http://testserver([^"]+)"', page).group(1)


def _set_password(client, link: str, password: str):
    """Follow a set-password link (Django swaps the token into the session, then redirects)."""
    form_url = client.get(link).url
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_staff_create_a_user_who_sets_a_password_through_the_link_once(client, staff, django_user_model):
    client.force_login(staff)
    response = client.post(reverse("users"), {"username": "mona", "email": ""})
    link = _link(response.content.decode())
    mona = django_user_model.objects.get(username="mona")
    assert not mona.has_usable_password()
    client.logout()
    assert _set_password(client, link, "a-long-passphrase").url == reverse("login")
    assert client.login(username="mona", password="a-long-passphrase")
    client.logout()
    assert "لم يعد هذا الرابط يعمل" in client.get(link, follow=True).content.decode()  # used once


def test_the_link_is_emailed_when_the_user_has_an_address(client, staff):
    client.force_login(staff)
    response = client.post(reverse("users"), {"username": "mona", "email": "mona@example.org"})
    link = _link(response.content.decode())
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mona@example.org"]
    assert link in mail.outbox[0].body


def test_a_taken_username_is_refused_under_its_field(client, staff, annotator):
    client.force_login(staff)
    client.post("/i18n/setlang/", {"language": "en"})
    response = client.post(reverse("users"), {"username": "ANN1"})
    assert response.status_code == 422 and "Username: The username «ANN1» is taken." in response.content.decode()


def test_deactivated_users_cannot_log_in_until_reactivated(client, staff, annotator):
    client.force_login(staff)
    client.post(reverse("user_active", args=[annotator.pk]), {"active": "0"})
    assert not client.login(username="ann1", password="pass-ann1")
    client.force_login(staff)
    client.post(reverse("user_active", args=[annotator.pk]), {"active": "1"})
    assert client.login(username="ann1", password="pass-ann1")


def test_staff_cannot_deactivate_themselves(client, staff):
    client.force_login(staff)
    client.post(reverse("user_active", args=[staff.pk]), {"active": "0"})
    staff.refresh_from_db()
    assert staff.is_active


def test_reset_stops_the_old_password_and_gives_a_new_link(client, staff, annotator):
    client.force_login(staff)
    link = _link(client.post(reverse("user_reset", args=[annotator.pk])).content.decode())
    assert not client.login(username="ann1", password="pass-ann1")
    client.logout()
    _set_password(client, link, "another-passphrase")
    assert client.login(username="ann1", password="another-passphrase")


def test_non_staff_cannot_manage_users(client, annotator, reviewer):
    client.force_login(annotator)
    assert client.post(reverse("users"), {"username": "x"}).status_code == 404
    assert client.post(reverse("user_active", args=[reviewer.pk]), {"active": "0"}).status_code == 404
    assert client.post(reverse("user_reset", args=[reviewer.pk])).status_code == 404
    reviewer.refresh_from_db()
    assert reviewer.is_active and reviewer.has_usable_password()


def test_everyone_changes_their_own_password(client, annotator):
    client.force_login(annotator)
    response = client.post(reverse("password_change"), {
        "old_password": "pass-ann1", "new_password1": "a-new-passphrase", "new_password2": "a-new-passphrase"})
    assert response.status_code == 302
    client.logout()
    assert client.login(username="ann1", password="a-new-passphrase")


def test_a_wrong_old_password_is_refused_under_its_field(client, annotator):
    client.force_login(annotator)
    client.post("/i18n/setlang/", {"language": "en"})
    response = client.post(reverse("password_change"), {
        "old_password": "wrong", "new_password1": "a-new-passphrase", "new_password2": "a-new-passphrase"})
    assert response.status_code == 200 and "Old password:" in response.content.decode()
