"""Ethnicity is one of the 54 official names from now on (members.rules.ETHNIC_GROUPS): the
spellings stored before ("H'Mông", "Ê-đê", "Khơ-mú") become the official name, so the list's
filter and the reports count them together. Names outside the list stay as they are: the
member form asks for a choice the next time the record is edited."""

from django.db import migrations


def official_names(apps, schema_editor):
    # The rule itself, not a frozen copy: this runs once, and the list is the GSO's.
    from chibo.members.rules import canonical_ethnicity

    Member = apps.get_model("members", "Member")
    for value in Member.objects.values_list("ethnicity", flat=True).distinct():
        name = canonical_ethnicity(value)
        if name and name != value:
            Member.objects.filter(ethnicity=value).update(ethnicity=name)


class Migration(migrations.Migration):
    dependencies = [("members", "0003_sort_search_index")]

    operations = [migrations.RunPython(official_names, migrations.RunPython.noop, elidable=True)]
