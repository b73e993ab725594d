from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "chibo.ratings"
    label = "ratings"
    verbose_name = "Đánh giá, xếp loại chất lượng"

    def ready(self):
        from chibo.members import sections

        from . import views

        sections.register(views.member_section)
