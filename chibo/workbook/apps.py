from django.apps import AppConfig


class WorkbookConfig(AppConfig):
    name = "chibo.workbook"
    verbose_name = "Workbook"
    default_auto_field = "django.db.models.BigAutoField"
