"""The admission rule in force, as data: edit or add a row when the rule changes."""

import datetime

from django.db import migrations

RULES = [
    # Điều lệ Đảng (2011), Điều 4 and 5; Quy định 24-QĐ/TW (2021) and Hướng dẫn 01-HD/TW (2021):
    # the ceremony within 30 working days of the decision, 12 months of probation, two official
    # members of the cell as sponsors. The waiting alert is chibo's (an org board's habit).
    dict(
        effective_from=datetime.date(2011, 1, 1),
        source="Điều lệ Đảng; Quy định 24-QĐ/TW và Hướng dẫn 01-HD/TW (2021)",
        ceremony_working_days=30,
        probation_months=12,
        waiting_alert_months=3,
        sponsors_required=2,
    ),
]


def seed(apps, schema_editor):
    rule = apps.get_model("admissions", "AdmissionRule")
    for r in RULES:
        rule.objects.get_or_create(effective_from=r["effective_from"], defaults=r)


class Migration(migrations.Migration):
    dependencies = [("admissions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
