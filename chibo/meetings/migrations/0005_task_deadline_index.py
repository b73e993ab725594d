"""An index of a cell's tasks by deadline, for the task completion figure and its list."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0004_day_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='task',
            index=models.Index(fields=['cell', 'deadline', 'state'], name='task_cell_deadline_idx'),
        ),
    ]
