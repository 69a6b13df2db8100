"""Forms of the corpus pages."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

FORMAT_CHOICES = [
    ("", _("From the file extension")),
    ("txt", _("Plain text (.txt): one document per file")),
    ("jsonl", _("JSON Lines (.jsonl): one document per line")),
    ("csv", _("CSV (.csv): one document per row")),
    ("tawsim", _("Tawsim JSONL with annotations")),
    ("conll", _("CoNLL BIO (token<TAB>tag)")),
    ("brat", _("brat standoff (.zip of .txt + .ann)")),
    ("doccano", _("doccano JSONL")),
    ("labelstudio", _("Label Studio JSON export")),
    ("spacy", _("spaCy DocBin (.spacy)")),
    ("hf", _("Hugging Face export (.zip)")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = list(data) if isinstance(data, (list, tuple)) else [data]
        if not items:  # the recipe in Django's docs lets an empty list past `required`
            return [super().clean(None, initial)] if self.required else []
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ImportForm(forms.Form):
    # An empty file goes on to the importer, whose refusal names the file (the field's
    # own "empty file" error would name only the field).
    files = MultipleFileField(
        allow_empty_file=True,
        label=_("Files"),
        help_text=_(".txt, .jsonl, .csv or a .zip of them; UTF-8 with or without BOM."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, required=False)
    text_column = forms.CharField(
        label=_("Text column"),
        initial="text",
        max_length=200,
        required=False,
        help_text=_("CSV only: the column that holds the document text."),
    )

    into = forms.CharField(
        label=_("Annotations go into"),
        initial="gold",
        max_length=200,
        required=False,
        help_text=_("gold, annotator:NAME (a member) or suggestions; for files with annotations."),
    )
    type_map = forms.CharField(
        label=_("Type mapping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
        help_text=_("One SOURCE=TYPE per line (SOURCE= leaves those annotations out)."),
    )
    create_types = forms.BooleanField(label=_("Create unknown entity types"), required=False)
    create_kb = forms.BooleanField(label=_("Create the knowledge-base entries and event clusters the file names "
                                           "and the project lacks"), required=False)

    def clean_text_column(self) -> str:
        return self.cleaned_data["text_column"].strip() or "text"

    def clean_into(self) -> str:
        return self.cleaned_data["into"].strip() or "gold"
