"""The notifications move to chibo.accounts (any app notifies; the meeting a notification was
about becomes its key and its link): every row is copied, read or not, then the old table goes.
Backwards, the rows about a meeting come back (the others had no place in the old table but as
plain notices, which they become)."""

from django.db import migrations

# The paths of the pages at the time of this move (reverse() would follow later renames).
MEETING_PAGE = "/meetings/{pk}/"
RECORD_PAGE = "/meetings/{pk}/record/"
OWN_PAGE = "/meetings/my/#meeting-{pk}"


def forwards(apps, schema_editor):
    Old = apps.get_model("meetings", "Notification")
    New = apps.get_model("accounts", "Notification")
    rows = []
    for n in Old.objects.select_related("user", "meeting").order_by("pk").iterator():
        key = url = ""
        if n.meeting_id:
            key = f"meeting:{n.meeting_id}:{n.kind}"
            if n.kind == "returned":
                url = RECORD_PAGE.format(pk=n.meeting_id)
            elif n.kind == "invitation" and n.user.member_id:
                url = OWN_PAGE.format(pk=n.meeting_id)
            else:
                url = MEETING_PAGE.format(pk=n.meeting_id)
        rows.append(
            New(
                user_id=n.user_id,
                kind=n.kind,
                text=n.text,
                url=url,
                key=key,
                created_at=n.created_at,
                emailed_to=n.emailed_to,
                read_at=n.read_at,
            )
        )
    New.objects.bulk_create(rows, batch_size=1000)


def backwards(apps, schema_editor):
    Old = apps.get_model("meetings", "Notification")
    New = apps.get_model("accounts", "Notification")
    rows, times = [], []
    for n in New.objects.order_by("pk").iterator():
        times.append(n.created_at)
        meeting_id = None
        parts = n.key.split(":")
        if len(parts) == 3 and parts[0] == "meeting" and parts[1].isdigit():
            meeting_id = int(parts[1])
        rows.append(
            Old(
                user_id=n.user_id,
                meeting_id=meeting_id,
                kind=n.kind[:20],
                text=n.text,
                created_at=n.created_at,
                emailed_to=n.emailed_to,
                read_at=n.read_at,
            )
        )
    Old.objects.bulk_create(rows, batch_size=1000)
    # created_at is auto_now_add on the old model: put the original times back.
    for row, at in zip(rows, times, strict=True):
        Old.objects.filter(pk=row.pk).update(created_at=at)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_notifications"),
        ("meetings", "0005_task_deadline_index"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveConstraint(
            model_name="notification",
            name="notification_once_per_meeting",
        ),
        migrations.DeleteModel(
            name="Notification",
        ),
    ]
