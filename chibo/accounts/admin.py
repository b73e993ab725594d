from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("chibo", {"fields": ("full_name", "member")}),)
    raw_id_fields = ["member"]
    inlines = [RoleInline]
    list_display = ["username", "full_name", "is_active", "last_login"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "valid_from", "valid_to"]
    list_filter = ["role"]
    autocomplete_fields = ["organization", "user"]
    search_fields = ["user__username", "organization__name"]
