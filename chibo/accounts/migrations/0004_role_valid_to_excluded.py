import datetime

from django.db import migrations, models

ONE_DAY = datetime.timedelta(days=1)


def _shift(apps, days: int):
    """Move every stored valid_to by `days` (a few thousand rows at most: read in Python, so that
    date arithmetic is the same on SQLite and PostgreSQL)."""
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    rows = list(RoleAssignment.objects.filter(valid_to__isnull=False).only("pk", "valid_to"))
    for row in rows:
        row.valid_to += days * ONE_DAY
    RoleAssignment.objects.bulk_update(rows, ["valid_to"], batch_size=500)


def to_excluded(apps, schema_editor):
    """valid_to was the last day with the role; it becomes the first day without it, so that
    nobody loses a day of access."""
    _shift(apps, 1)


def to_included(apps, schema_editor):
    _shift(apps, -1)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_apitoken_scope"),
        ("organizations", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="roleassignment",
            name="role_valid_interval",
        ),
        migrations.RunPython(to_excluded, to_included),
        migrations.AlterField(
            model_name="roleassignment",
            name="valid_to",
            field=models.DateField(
                blank=True,
                help_text="Ngày đầu tiên không còn vai trò; để trống nếu vẫn giữ.",
                null=True,
                verbose_name="đến ngày (không kể)",
            ),
        ),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_to__isnull", True),
                    ("valid_to__gt", models.F("valid_from")),
                    _connector="OR",
                ),
                name="role_valid_interval",
            ),
        ),
    ]
