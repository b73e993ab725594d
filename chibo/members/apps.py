from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "chibo.members"
    label = "members"
    verbose_name = "Đảng viên"

    def ready(self):
        from chibo.organizations import people

        from .people import PEOPLE

        people.register(PEOPLE)
