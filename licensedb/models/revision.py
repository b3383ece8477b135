from django.db import models


class Revision(models.Model):
    """One row counting every change to the published picture of the catalogue.

    Bumped on any curated write and after every search-index write (see ``licensedb.revision``).
    API responses carry it in their ETag and Last-Modified headers; search caches are keyed by it.
    """

    number = models.BigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "licensedb_revision"

    def __str__(self) -> str:
        return f"revision {self.number}"
