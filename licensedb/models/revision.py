import secrets

from django.db import models


def new_epoch() -> str:
    return secrets.token_hex(8)


class Revision(models.Model):
    """One row counting every change to the published picture of the catalogue.

    Bumped on any curated write and after every search-index write (see ``licensedb.revision``).
    API responses carry it in their ETag and Last-Modified headers; search caches are keyed by it.

    ``epoch`` is drawn at random when the row is created, that is once per database: a restored or
    reseeded database counts its revisions from 1 again, and the epoch keeps its cache keys and ETags
    apart from those of the database it replaced (which a shared cache may still hold).
    """

    number = models.BigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)
    epoch = models.CharField(max_length=32, default=new_epoch)

    class Meta:
        db_table = "licensedb_revision"

    def __str__(self) -> str:
        return f"revision {self.number} of epoch {self.epoch}"
