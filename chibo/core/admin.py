from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import transaction

from chibo.core import audit
from chibo.core.forms import MAX_ID

from .models import AuditEvent


def _is_key(model_field, value) -> bool:
    """Whether `value` (as posted) can be a value of the field a foreign key points to."""
    target = model_field.target_field
    try:
        prepared = target.get_prep_value(target.to_python(value))
    except (TypeError, ValueError, ValidationError):
        return False
    return not isinstance(prepared, int) or -MAX_ID - 1 <= prepared <= MAX_ID


class KeysAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete, which draws a form again with the options posted: a value that
    is no key at all ("abc", typed or sent by hand) is drawn as nothing chosen, beside the
    field's error, instead of failing the page in the database lookup."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if _is_key(self.field, v)], attr)


class KeysAutocompleteMixin:
    """For a ModelAdmin or an inline: its `autocomplete_fields` drawn by KeysAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class NoDeleteAdmin(KeysAutocompleteMixin, admin.ModelAdmin):
    """Back-office edits: never a hard delete, and every save audited like a service write
    (but for the fields in `audit_left_out`, such as a password's hash)."""

    audit_left_out: tuple[str, ...] = ()

    def has_delete_permission(self, request, obj=None):
        return False

    def audit_snapshot(self, obj) -> dict:
        data = audit.snapshot(obj)
        for name in self.audit_left_out:
            data.pop(name, None)
        return data

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = {}
            if change:
                before = self.audit_snapshot(type(obj).objects.get(pk=obj.pk))
            super().save_model(request, obj, form, change)
            after = self.audit_snapshot(obj)
            audit.record(
                actor=request.user,
                action=AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE,
                obj=obj,
                changes=audit.diff(before, after),
                note="admin",
            )


class NoDeleteInline(KeysAutocompleteMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedInlinesAdmin(NoDeleteAdmin):
    """Audits each inline row added or changed, in the same transaction as the parent."""

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            before = {
                f.instance.pk: audit.snapshot(f.instance.__class__.objects.get(pk=f.instance.pk))
                for f in formset.forms
                if f.instance.pk and f.has_changed()
            }
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects + [o for o, _ in formset.changed_objects]:
                audit.record(
                    actor=request.user,
                    action=AuditEvent.Action.UPDATE
                    if obj.pk in before
                    else AuditEvent.Action.CREATE,
                    obj=obj,
                    changes=audit.diff(before.get(obj.pk, {}), audit.snapshot(obj)),
                    note="admin",
                )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
