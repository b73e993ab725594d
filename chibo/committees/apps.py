from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "chibo.committees"
    label = "committees"
    verbose_name = "Cấp ủy"
