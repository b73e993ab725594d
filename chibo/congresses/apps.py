from django.apps import AppConfig


class CongressesConfig(AppConfig):
    name = "chibo.congresses"
    label = "congresses"
    verbose_name = "Đại hội chi bộ"
