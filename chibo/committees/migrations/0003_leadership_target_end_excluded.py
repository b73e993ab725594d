import datetime

from django.db import migrations

ONE_DAY = datetime.timedelta(days=1)


def _shift(apps, days: int):
    """Move every stored LeadershipTarget.end by `days` (a few rows: read in Python, so that date
    arithmetic is the same on SQLite and PostgreSQL)."""
    LeadershipTarget = apps.get_model("committees", "LeadershipTarget")
    rows = list(LeadershipTarget.objects.only("pk", "end"))
    for row in rows:
        row.end += days * ONE_DAY
    LeadershipTarget.objects.bulk_update(rows, ["end"], batch_size=500)


def to_excluded(apps, schema_editor):
    """A target's end was its last day; it becomes the first day after it, as every dated row's
    end (chibo.core.dated), so no target loses its last day."""
    _shift(apps, 1)


def to_included(apps, schema_editor):
    _shift(apps, -1)


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0002_rules"),
    ]

    operations = [migrations.RunPython(to_excluded, to_included)]
