from django.apps import AppConfig
from django.db import DatabaseError


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401  (keeps the index in step with edits)

        post_migrate.connect(rebuild_if_empty, sender=self)


def rebuild_if_empty(sender, using="default", **kwargs):
    """After migrating, rebuild the index if it is empty but the catalogue is not (e.g. after a schema
    change cleared it). The index is derived data; this keeps it from silently going missing."""
    from licensedb.models import Dataset

    from .indexer import rebuild
    from .models import SearchDocument, SearchFacet

    try:
        published = Dataset.objects.using(using).published().exists()
        if published and not (SearchDocument.objects.using(using).exists() and SearchFacet.objects.using(using).exists()):
            rebuild()
    except DatabaseError:  # a half-migrated database: the next migrate will try again
        return
