"""Re-index whatever an edit touched, so search reflects the admin at once."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from licensedb.models import (
    Alias,
    Claim,
    Dataset,
    DatasetLicence,
    DatasetVerdict,
    Evidence,
    Licence,
    Modality,
    Organisation,
    SourcePlatform,
)
from licensedb.verdict_store import effective_verdicts_changed

from .indexer import request_index


@receiver([post_save, post_delete], sender=Dataset)
def dataset_changed(sender, instance, **kwargs):
    request_index([instance.pk])


@receiver([post_save, post_delete], sender=Alias)
@receiver([post_save, post_delete], sender=DatasetLicence)
@receiver([post_save, post_delete], sender=DatasetVerdict)
@receiver([post_save, post_delete], sender=Claim)
def part_changed(sender, instance, **kwargs):
    if instance.dataset_id:  # a claim may be about a model instead
        request_index([instance.dataset_id])


@receiver([post_save, post_delete], sender=Evidence)
def evidence_changed(sender, instance, **kwargs):
    if instance.dataset_id:
        request_index([instance.dataset_id])


@receiver(effective_verdicts_changed)
def verdicts_changed(sender, dataset_ids, **kwargs):
    request_index(dataset_ids)


@receiver(post_save, sender=Licence)
def licence_changed(sender, instance, created, **kwargs):
    if not created:
        request_index(instance.dataset_lines.values_list("dataset_id", flat=True))


@receiver(post_save, sender=SourcePlatform)
@receiver(post_save, sender=Organisation)
@receiver(post_save, sender=Modality)
def shared_name_changed(sender, instance, created, **kwargs):
    if not created:
        request_index(instance.datasets.values_list("pk", flat=True))


def _m2m_handler(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Dataset):
        request_index([instance.pk])
    elif isinstance(instance, DatasetVerdict):
        request_index([instance.dataset_id])
    elif pk_set:
        request_index(pk_set)


for _through in (Dataset.platforms.through, Dataset.organisations.through, Dataset.modalities.through,
                 DatasetVerdict.conditions.through):
    m2m_changed.connect(_m2m_handler, sender=_through, dispatch_uid=f"search-{_through.__name__}")

