"""Django admin for site staff: the escape hatch when a page is missing (say, a project
made by a script without an admin: add the membership here). Projects and members can
be changed here; documents (their text never changes) and the schema (the schema editor
checks changes against the annotations) are read-only, and deleting a project goes
through its settings page (one transaction, annotations first)."""
from django.contrib import admin

from corpus.models import AttributeType, Document, EntityType, EventType, Membership, Project, RelationType, RoleType


class ReadOnly(admin.ModelAdmin):
    """Shown, never changed here: a direct edit would skip the rules of the service layer."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "language", "created_at", "archived_at"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "language", "direction", "description", "guidelines", "settings", "archived_at"]
    readonly_fields = ["slug"]
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "role"]
    list_filter = ["role"]
    search_fields = ["project__slug", "user__username"]
    autocomplete_fields = ["user"]


@admin.register(Document)
class DocumentAdmin(ReadOnly):
    list_display = ["external_id", "title", "project", "order", "created_at"]
    list_filter = ["project"]
    search_fields = ["external_id", "title"]
    exclude = ["text"]  # the text can be long; the editor shows it


for model in (EntityType, EventType, RelationType, AttributeType, RoleType):
    admin.site.register(model, ReadOnly)
