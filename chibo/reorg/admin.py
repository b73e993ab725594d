from django.contrib import admin

from chibo.core.admin import NoDeleteAdmin

from .models import Reorganization


@admin.register(Reorganization)
class ReorganizationAdmin(NoDeleteAdmin):
    """Read only: a plan is drafted, applied and undone on its pages (/reorg/), by services
    that keep its journal."""

    list_display = ["title", "kind", "on", "status", "owner", "applied_at", "undone_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "decision"]
    raw_id_fields = ["owner", "into", "parent", "created_by", "applied_by", "undone_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
