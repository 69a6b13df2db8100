"""Forms of the set-up pages: new project, project settings, members, users.
They check the shape of the input; the rules (a free slug, the last admin) live in the
services, whose refusals the views add to the form under the field they name."""
from __future__ import annotations

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from corpus.models import Role
from corpus.presets import available_presets

# The least power first: the form offers "annotator" before "admin".
ROLE_CHOICES = list(reversed(Role.choices))
DIRECTION_CHOICES = [("rtl", _("Right to left")), ("ltr", _("Left to right"))]
PRESET_LABELS = {"news-ar": _("Arabic news (persons, places, events)"), "empty": _("An empty schema")}
COPY_PREFIX = "project:"


def schema_choices(administered) -> list[tuple[str, str]]:
    """The presets, then the schemas of the projects the user administers (copied)."""
    presets = [(name, PRESET_LABELS.get(name, name)) for name in available_presets()]
    copies = [(COPY_PREFIX + p.slug, _("Copy the schema of «%(name)s»") % {"name": p.name}) for p in administered]
    return presets + copies


class NewProjectForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.CharField(
        label=_("Slug"), max_length=100, required=False, widget=forms.TextInput(attrs={"dir": "ltr"}),
        help_text=_("The project's web address: Latin letters, digits, - or _. Leave empty to take the suggestion."),
    )
    language = forms.CharField(label=_("Language of the texts"), max_length=10, initial="ar",
                               widget=forms.TextInput(attrs={"dir": "ltr", "size": 8}),
                               help_text=_("A code such as ar, en or ar-EG."))
    direction = forms.ChoiceField(label=_("Direction of the texts"), choices=DIRECTION_CHOICES, initial="rtl")
    schema = forms.ChoiceField(label=_("Schema"), initial="news-ar")
    schema_file = forms.FileField(
        label=_("Or a schema file"), required=False,
        help_text=_("A JSON file as the schema editor downloads it; used instead of the schema chosen above."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def __init__(self, *args, administered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schema"].choices = schema_choices(administered)


class ProjectSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    guidelines = forms.CharField(
        label=_("Guidelines"), required=False, widget=forms.Textarea(attrs={"rows": 16, "dir": "auto"}),
        help_text=_("Markdown: # headings, **bold**, lists, links. HTML is shown as text."),
    )


class DeleteProjectForm(forms.Form):
    confirm_slug = forms.CharField(label=_("Type the project's slug to confirm"), max_length=100,
                                   widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}))


class AddMemberForm(forms.Form):
    user = forms.CharField(label=_("Username or email"), max_length=254,
                           widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, initial=Role.ANNOTATOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)


class ReassignForm(forms.Form):
    to = forms.CharField(label=_("Give their work to"), max_length=254,
                         widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "off"}))


class NewUserForm(forms.Form):
    username = forms.CharField(
        label=_("Username"), max_length=150,
        help_text=_("Letters, digits and @ . + - _ only."),
        validators=[UnicodeUsernameValidator()],
    )
    email = forms.EmailField(
        label=_("Email"), required=False,
        help_text=_("Optional; the set-password link is sent there when the server can send email."),
    )
    is_staff = forms.BooleanField(label=_("Site staff (may create projects and users)"), required=False)
