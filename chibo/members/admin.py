from django.contrib import admin

from chibo.core.admin import NoDeleteAdmin

from .models import Member, Membership, StatusChange


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["cell"]
    readonly_fields = ["cell", "start", "end", "reason"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(NoDeleteAdmin):
    list_display = ["full_name", "sex", "birth_date", "cell", "status", "theory_level"]
    list_filter = ["status", "sex", "theory_level"]
    search_fields = ["search_text", "party_card_number", "citizen_id"]
    raw_id_fields = ["cell"]
    readonly_fields = ["cell", "status", "status_since"]
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        # New members, transfers and status changes go through the pages (services).
        return False

    def save_model(self, request, obj, form, change):
        obj.refresh_derived()
        super().save_model(request, obj, form, change)


@admin.register(StatusChange)
class StatusChangeAdmin(NoDeleteAdmin):
    def has_add_permission(self, request):
        return False

    list_display = ["member", "previous", "status", "on"]
    raw_id_fields = ["member"]
