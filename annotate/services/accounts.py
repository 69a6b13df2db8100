"""Site users, managed by site staff: create (with a one-time "set your password" link),
deactivate, reactivate, reset. The link is Django's password-reset token: it stops
working once the password is set (the token hashes the password) or after
PASSWORD_RESET_TIMEOUT; the page behind it is Django's PasswordResetConfirmView."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from annotate.services.base import Invalid

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def create_user(username: str, *, email: str = "", is_staff: bool = False):
    """A new active user with no usable password: they choose one through set_password_path."""
    User = get_user_model()
    username = User.normalize_username((username or "").strip())
    if not username:
        raise Invalid(_("A user needs a username."), "username")
    if User.objects.filter(username__iexact=username).exists():
        raise Invalid(_("The username «%(name)s» is taken.") % {"name": username}, "username")
    email = User.objects.normalize_email((email or "").strip())
    if email and User.objects.filter(email__iexact=email).exists():
        raise Invalid(_("Another user has the email address %(email)s.") % {"email": email}, "email")
    user = User(username=username, email=email, is_staff=is_staff)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # created by someone else between the check and the insert
        raise Invalid(_("The username «%(name)s» is taken.") % {"name": username}, "username") from None
    return user


def set_password_path(user) -> str:
    """The path of a one-time link where the user chooses a new password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})


def reset_password(user) -> None:
    """Make the current password unusable (it may be known to someone else): only a new
    link lets the user in again."""
    user.set_unusable_password()
    user.save(update_fields=["password"])


def set_active(user, active: bool, *, by) -> None:
    if user.pk == by.pk and not active:
        raise Invalid(_("You cannot deactivate your own account."), "user")
    if user.is_superuser and not by.is_superuser:
        raise Invalid(_("Only a superuser can change a superuser's account."), "user")
    user.is_active = active
    user.save(update_fields=["is_active"])


def email_configured() -> bool:
    """Whether the server can send email: an EMAIL_HOST is set, or a non-SMTP backend
    (console, file, the tests' in-memory outbox) is chosen."""
    return settings.EMAIL_BACKEND != SMTP_BACKEND or settings.EMAIL_HOST not in ("", "localhost")


def email_link(user, url: str) -> bool:
    """Send the set-password link to the user's email, when there is one and the server
    can send email. Returns whether it was sent."""
    if not user.email or not email_configured():
        return False
    subject = _("Tawsim: choose your password")
    body = _("Hello %(name)s,\n\nChoose your Tawsim password at this address (it works once):\n%(url)s\n") % {
        "name": user.get_username(), "url": url}
    send_mail(subject, body, None, [user.email])
    return True
