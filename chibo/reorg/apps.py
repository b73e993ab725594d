from django.apps import AppConfig


class ReorgConfig(AppConfig):
    name = "chibo.reorg"
    label = "reorg"
    verbose_name = "Sắp xếp tổ chức"
