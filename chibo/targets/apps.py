from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "chibo.targets"
    label = "targets"
    verbose_name = "Chỉ tiêu"
