from django.apps import AppConfig


class CriteriaConfig(AppConfig):
    name = "chibo.criteria"
    label = "criteria"
    verbose_name = "Bộ tiêu chí"
