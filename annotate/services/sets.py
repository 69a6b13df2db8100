"""A set's life: submitted when the annotator is done, reopened to change it again."""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from annotate.models import AnnotationSet, SetKind, SetStatus
from annotate.services.base import (
    LOCKED_STATUSES,
    Invalid,
    bump_version,
    ensure_editable,
    recorded,
)
from annotate.services.events import set_problems
from annotate.services.suggestions import pending_suggestions, reject_undecided_suggestions

# What becomes of the suggestions still undecided when a set is submitted.
UNDECIDED_KEEP, UNDECIDED_REJECT = "keep", "reject"
UNDECIDED_CHOICES = (UNDECIDED_KEEP, UNDECIDED_REJECT)


class UndecidedSuggestions(Invalid):
    """A submit refused because `count` suggestions are still undecided and the request
    did not say whether to keep them undecided or reject them."""

    def __init__(self, count: int):
        self.count = count
        super().__init__(ngettext("%(count)s suggestion is still undecided.",
                                  "%(count)s suggestions are still undecided.", count) % {"count": count},
                         "undecided")


def submit_as_asked(annotation_set: AnnotationSet, user, *, version: int | None, undecided: str = "") -> AnnotationSet:
    """Submit as the editor and the API do: while suggestions offered to the user are
    undecided, refused (UndecidedSuggestions, with the server's count) unless `undecided`
    says `keep` (they stay undecided) or `reject` (rejected in the same change)."""
    if undecided not in ("", *UNDECIDED_CHOICES):
        raise Invalid(_("«undecided» is «keep» or «reject», not «%(value)s».") % {"value": undecided[:20]},
                      "undecided")
    if not undecided and annotation_set.status not in LOCKED_STATUSES:
        count = len(pending_suggestions(annotation_set, user))
        if count:
            raise UndecidedSuggestions(count)
    return submit_set(annotation_set, user, version=version, reject_suggestions=undecided == UNDECIDED_REJECT)


def submit_set(
    annotation_set: AnnotationSet, user, *, version: int | None, reject_suggestions: bool = False
) -> AnnotationSet:
    """Mark the set done. Refused, naming each, while an event lacks a required role.
    With `reject_suggestions`, the suggestions still undecided are rejected in the same
    transaction: both happen, or neither."""
    problems = set_problems(annotation_set)
    if problems:
        raise Invalid(_("Cannot submit yet: %(problems)s") % {"problems": " ".join(problems)}, "events")
    with recorded(user, "submit", annotation_set):
        ensure_editable(annotation_set)
        bump_version(annotation_set, version)
        if reject_suggestions:
            reject_undecided_suggestions(annotation_set, user)
        annotation_set.status = SetStatus.SUBMITTED
        annotation_set.save(update_fields=["status", "updated_at"])
    if annotation_set.kind == SetKind.ANNOTATOR:  # training data while the project has no gold
        from annotate.services.adjudication import retrain_if_due  # adjudication builds on this module

        retrain_if_due(annotation_set.document.project)
    return annotation_set


def reopen_set(annotation_set: AnnotationSet, user, *, version: int | None) -> AnnotationSet:
    """Send a submitted set back to work. A gold set is reopened by adjudication's own
    reopen, which records the decision; a set that is not submitted is refused, and its
    version is left as it was."""
    if annotation_set.kind == SetKind.GOLD:
        from annotate.services import adjudication  # adjudication builds on this module

        return adjudication.reopen(annotation_set.document, user, version=version)
    if annotation_set.status not in LOCKED_STATUSES:
        raise Invalid(_("Only a submitted set can be reopened; this one is %(status)s.")
                      % {"status": annotation_set.get_status_display()}, "status")
    with recorded(user, "reopen", annotation_set):
        bump_version(annotation_set, version)
        annotation_set.status = SetStatus.IN_PROGRESS
        annotation_set.save(update_fields=["status", "updated_at"])
    return annotation_set
