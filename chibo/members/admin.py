from django.contrib import admin

from chibo.core.admin import NoDeleteAdmin

from .models import Member, Membership, StatusChange


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["cell"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(NoDeleteAdmin):
    list_display = ["full_name", "sex", "birth_date", "cell", "status", "theory_level"]
    list_filter = ["status", "sex", "theory_level"]
    search_fields = ["search_text", "party_card_number", "citizen_id"]
    raw_id_fields = ["cell"]
    inlines = [MembershipInline]


@admin.register(StatusChange)
class StatusChangeAdmin(NoDeleteAdmin):
    list_display = ["member", "previous", "status", "on"]
    raw_id_fields = ["member"]
