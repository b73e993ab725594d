from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chibo.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import mark_refreshed

        user_logged_in.connect(mark_refreshed, dispatch_uid="chibo-session-refreshed")
