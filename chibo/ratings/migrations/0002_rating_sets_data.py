"""The rating sets chibo ships: the rules before 2025 and QĐ 366-QĐ/TW (2025). Data, not code:
a later set is added the same way (a page or a migration), ending the running one on its date."""

import datetime
from decimal import Decimal

from django.db import migrations

LEVELS = [
    ("excellent", "Hoàn thành xuất sắc nhiệm vụ", Decimal(90)),
    ("good", "Hoàn thành tốt nhiệm vụ", Decimal(70)),
    ("done", "Hoàn thành nhiệm vụ", Decimal(50)),
    ("not_done", "Không hoàn thành nhiệm vụ", Decimal(0)),
]

SETS = [
    (
        "Quy định 132-QĐ/TW (2018) và hướng dẫn thang điểm 100 của địa phương",
        "132-QĐ/TW",
        datetime.date(2018, 1, 1),
        datetime.date(2025, 1, 1),
    ),
    ("Quy định 366-QĐ/TW (2025)", "366-QĐ/TW", datetime.date(2025, 1, 1), None),
]


def forward(apps, schema_editor):
    RatingSet = apps.get_model("ratings", "RatingSet")
    RatingLevel = apps.get_model("ratings", "RatingLevel")
    for name, reference, start, end in SETS:
        row = RatingSet.objects.create(
            name=name,
            reference=reference,
            valid_from=start,
            valid_to=end,
            top_quota_percent=Decimal(20),
        )
        RatingLevel.objects.bulk_create(
            RatingLevel(rating_set=row, code=code, name=label, rank=i, min_points=points)
            for i, (code, label, points) in enumerate(LEVELS, start=1)
        )


def backward(apps, schema_editor):
    RatingSet = apps.get_model("ratings", "RatingSet")
    RatingLevel = apps.get_model("ratings", "RatingLevel")
    references = [s[1] for s in SETS]
    RatingLevel.objects.filter(rating_set__reference__in=references).delete()
    RatingSet.objects.filter(reference__in=references).delete()


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_rating_sets_and_ratings")]
    operations = [migrations.RunPython(forward, backward)]
