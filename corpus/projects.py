"""Creating a project and changing its settings: the browser, the API and the CLI call
these functions. They refuse bad input with ProjectError (message and field) and change
nothing then. Deleting a project reaches into its annotations, so it lives in
annotate.services.projects.

An archived project is read-only: ensure_writable is the check every write path calls
(project settings and members here, annotate.services.base.recorded for annotations,
corpus.importing for documents)."""
from __future__ import annotations

import logging
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from corpus.models import Membership, Project, Role
from corpus.presets import apply_schema, available_presets, load_preset, schema_of

EMPTY_PRESET = "empty"
# Words the page routes use after /projects/: a project named so could not be reached.
RESERVED_SLUGS = {"new"}
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
LANGUAGE_MAX = Project._meta.get_field("language").max_length
DIRECTIONS = ("rtl", "ltr")
# How often a suggested slug, taken meanwhile by another new project, is suggested afresh.
SUGGESTION_ATTEMPTS = 3
logger = logging.getLogger(__name__)


class ProjectError(ValueError):
    """A refused change to a project, with the field at fault."""

    def __init__(self, message: str, field: str = ""):
        self.message, self.field = message, field
        super().__init__(message)


class ProjectArchived(ProjectError):
    pass


def ensure_writable(project: Project) -> None:
    if project.is_archived:
        raise ProjectArchived(
            _("The project «%(name)s» is archived and read-only. A project admin can restore it in its settings.")
            % {"name": project.name},
            "project",
        )


def suggest_slug(name: str) -> str:
    """A free slug from the name: Latin letters of the name, else "project", numbered when taken."""
    base = (slugify(name) or "project")[:90].strip("-") or "project"
    slug, number = base, 1
    while slug in RESERVED_SLUGS or Project.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def check_slug(slug: str) -> str:
    slug = slug.strip()
    try:
        validate_slug(slug)
    except ValidationError:
        raise ProjectError(_("A slug is Latin letters, digits, - or _ (it goes in the project's web address)."),
                           "slug") from None
    if len(slug) > 100:
        raise ProjectError(_("A slug has at most 100 characters."), "slug")
    if slug in RESERVED_SLUGS or Project.objects.filter(slug=slug).exists():
        raise ProjectError(_("The slug «%(slug)s» is taken: choose another.") % {"slug": slug}, "slug")
    return slug


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ProjectError(_("A project needs a name."), "name")
    if len(name) > 200:
        raise ProjectError(_("A project name has at most 200 characters."), "name")
    return name


def create_project(
    name: str, *, slug: str = "", language: str = "ar", direction: str = "rtl", preset: str = "news-ar",
    schema_from: Project | None = None, admin=None, description: str = "", schema: dict | None = None,
) -> Project:
    """A new project with a schema copied from a preset (or, with `schema_from`, from
    another project: the caller checks that its user administers that project; or from
    `schema`, a schema file's content, checked here by corpus.schema_file). `admin`,
    when given, becomes the project's first admin; without one nobody can open it."""
    name = check_name(name)
    suggested = not slug
    slug = check_slug(slug) if slug else suggest_slug(name)
    if not LANGUAGE_CODE.match(language or "") or len(language) > LANGUAGE_MAX:
        raise ProjectError(_("A language is a code such as ar, en or ar-EG, of at most %(max)d characters.")
                           % {"max": LANGUAGE_MAX}, "language")
    if direction not in DIRECTIONS:
        raise ProjectError(_("The direction is rtl (right to left) or ltr (left to right)."), "direction")
    if schema is not None:
        from corpus.schema_file import check_schema

        problems = check_schema(schema)
        if problems:
            raise ProjectError(_("The schema is refused: %(problems)s") % {"problems": "; ".join(problems[:5])},
                               "schema")
        data, guidelines = schema, schema.get("guidelines", "")
    elif schema_from is not None:
        data, guidelines = schema_of(schema_from), ""
    else:
        if preset not in available_presets():
            raise ProjectError(_("Unknown preset «%(preset)s»; choose one of: %(presets)s.")
                               % {"preset": preset, "presets": ", ".join(available_presets())}, "preset")
        data = load_preset(preset)
        guidelines = data.get("guidelines", "")
    attempts = 0
    while True:
        attempts += 1
        try:
            with transaction.atomic():
                project = Project.objects.create(
                    name=name, slug=slug, language=language, direction=direction, guidelines=guidelines,
                    description=description,
                )
                apply_schema(project, data)
                if admin is not None:
                    Membership.objects.create(project=project, user=admin, role=Role.ADMIN)
            return project
        except IntegrityError as error:
            if not _slug_taken(error, slug):
                raise _refused(error, schema is not None) from None
            # Someone made a project with this slug since it was checked (two admins at once).
            if not suggested or attempts == SUGGESTION_ATTEMPTS:
                raise ProjectError(_("A project with this address (slug «%(slug)s») already exists: "
                                     "choose another slug.") % {"slug": slug}, "slug") from None
            slug = suggest_slug(name)
        except DataError as error:
            raise _refused(error, schema is not None) from None


def _slug_taken(error: IntegrityError, slug: str) -> bool:
    """Whether the database refused the project because another one holds its slug."""
    constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") or ""
    return "slug" in constraint or Project.objects.filter(slug=slug).exists()


def _refused(error: Exception, from_schema_file: bool) -> ProjectError:
    """The checks above should leave nothing for the database to refuse; should one slip
    through, the creation is undone and the person gets a plain reason, never the
    database's own text (kept in the log for whoever runs the site). A schema file is the
    likelier culprit than the few checked fields, so the refusal is shown beside it."""
    logger.error("project creation refused by the database: %s", error)
    return ProjectError(_("The project could not be created, and nothing was created. Check the fields and try "
                          "again; if it happens again, tell the site's administrator."),
                        "schema" if from_schema_file else "")


EDITABLE = ("name", "description", "guidelines")


def update_project(project: Project, **changes) -> Project:
    """Change the name, description or guidelines (Markdown) of a project."""
    ensure_writable(project)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ProjectError(_("These settings cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)},
                           sorted(unknown)[0])
    if "name" in changes:
        changes["name"] = check_name(changes["name"])
    for field, value in changes.items():
        setattr(project, field, value or "")
    project.save(update_fields=list(changes))
    return project


def archive_project(project: Project) -> Project:
    """Make the project read-only and hide it from lists (restore_project undoes it)."""
    if not project.is_archived:
        project.archived_at = timezone.now()
        project.save(update_fields=["archived_at"])
    return project


def restore_project(project: Project) -> Project:
    if project.is_archived:
        project.archived_at = None
        project.save(update_fields=["archived_at"])
    return project


def administered_by(user):
    """Projects the user is an admin of (whose schema they may copy into a new project)."""
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(memberships__user=user, memberships__role=Role.ADMIN).order_by("name")
