from django.db import models


class Audit(models.Model):
    """The input of an audit (references and uses), kept so that the audit has a shareable address.

    The answer is computed again from the current catalogue each time it is shown, and the report
    names the catalogue revision it was computed from.
    """

    id = models.CharField(max_length=16, primary_key=True, editable=False)
    references = models.JSONField()
    uses = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"audit {self.id} ({len(self.references)} references)"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("audit-detail", args=[self.id])
