"""The committee rules in force, as data: edit or add a row when the rule changes."""

import datetime

from django.db import migrations

RULES = [
    # Before QĐ 294 the same numbers stood in the Party Statute's guidance.
    dict(effective_from=datetime.date(2011, 1, 1),
         source="Điều lệ Đảng và hướng dẫn thi hành (trước QĐ 294-QĐ/TW)",
         min_official_members=3, committee_threshold=9, max_committee_size=7, max_deputies=1,
         min_committee_size=3),
    dict(effective_from=datetime.date(2025, 5, 26), source="Quy định 294-QĐ/TW (2025)",
         min_official_members=3, committee_threshold=9, max_committee_size=7, max_deputies=1,
         min_committee_size=3),
]

STANDARDS = [
    dict(applies_to="cell_committee", name="Cấp ủy viên chi bộ thôn, bản: lý luận từ sơ cấp",
         effective_from=datetime.date(2020, 1, 1), min_theory_level="basic",
         text="Cấp ủy viên chi bộ thôn, bản, tiểu khu có trình độ lý luận chính trị từ sơ cấp "
              "trở lên."),
    dict(applies_to="commune_official", name="Chuẩn cán bộ, công chức cấp xã",
         effective_from=datetime.date(2020, 1, 1), min_theory_level="intermediate",
         min_education="12/12",
         text="Tốt nghiệp THPT; chuyên môn phù hợp vị trí; lý luận chính trị trung cấp trở lên "
              "đối với cán bộ chủ chốt."),
]


def forwards(apps, schema_editor):
    rule = apps.get_model("committees", "CommitteeRule")
    for r in RULES:
        rule.objects.get_or_create(effective_from=r["effective_from"], defaults=r)
    std = apps.get_model("committees", "QualificationStandard")
    for s in STANDARDS:
        std.objects.get_or_create(applies_to=s["applies_to"], effective_from=s["effective_from"],
                                  defaults=s)


class Migration(migrations.Migration):
    dependencies = [("committees", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
