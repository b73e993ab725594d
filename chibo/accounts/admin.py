"""Back office of the users and their roles (superusers only). As everywhere in chibo: never a
hard delete (a user is made inactive, a role ends on its last day, `valid_to`), and every save
audited, each role added or changed too, a password's hash never. A password set for another
user goes through chibo's own page: they must choose their own at the next sign-in, and their
API tokens are revoked (accounts.services.password_reset)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import Http404
from django.shortcuts import redirect

from chibo.core.admin import AuditedInlinesAdmin, NoDeleteAdmin, NoDeleteInline

from .models import RoleAssignment, User


class RoleInline(NoDeleteInline):
    model = RoleAssignment
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(AuditedInlinesAdmin, BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("chibo", {"fields": ("full_name", "member", "must_change_password")}),
    )
    raw_id_fields = ["member"]
    inlines = [RoleInline]
    list_display = ["username", "full_name", "is_active", "last_login"]
    audit_left_out = ("password", "last_login")

    def save_model(self, request, obj, form, change):
        if not change and obj.has_usable_password():
            # The password the back office chose is a temporary one, as on chibo's own page.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404
        if user == request.user:
            return redirect("accounts:password_change")
        return redirect("accounts:password_reset", user.pk)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(NoDeleteAdmin):
    list_display = ["user", "role", "organization", "valid_from", "valid_to"]
    list_filter = ["role"]
    autocomplete_fields = ["organization", "user"]
    search_fields = ["user__username", "organization__name"]
