from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "chibo.organizations"
    label = "organizations"
    verbose_name = "Tổ chức đảng"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .search import register_sqlite_fold

        # The organization filter's search folds names in the database (search.Fold).
        connection_created.connect(register_sqlite_fold, dispatch_uid="chibo_fold")
