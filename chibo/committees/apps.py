from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "chibo.committees"
    label = "committees"
    verbose_name = "Cấp ủy"

    def ready(self):
        from chibo.organizations.services_villages import on_village_close

        from .villages.services import village_posts_end

        on_village_close(village_posts_end)
