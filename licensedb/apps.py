from django.apps import AppConfig


class LicensedbConfig(AppConfig):
    name = "licensedb"
    verbose_name = "Catalogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the effective-verdict refresh)
        from . import system_checks  # noqa: F401  (registers the deployment checks)
