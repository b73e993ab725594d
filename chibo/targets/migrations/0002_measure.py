from django.db import migrations, models


def rates_are_levels(apps, schema_editor):
    """A target counted in per cent is a rate reached each month, not an amount that adds up."""
    Target = apps.get_model("targets", "Target")
    Target.objects.filter(unit="%").update(measure="level")


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="target",
            name="measure",
            field=models.CharField(
                choices=[
                    ("sum", "Cộng dồn các tháng"),
                    ("level", "Mức đạt trong tháng (không cộng dồn)"),
                ],
                default="sum",
                max_length=8,
                verbose_name="cách tính",
            ),
        ),
        migrations.RunPython(rates_are_levels, migrations.RunPython.noop),
    ]
