"""Keep the materialised effective verdicts in step with every edit that can change them."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Dataset, DatasetVerdict, Lineage, PlatformVerdict, SourcePlatform
from .verdict_store import request_refresh


@receiver(post_save, sender=Dataset)
def dataset_saved(sender, instance, created, **kwargs):
    if created:
        request_refresh(dataset_ids=[instance.pk])


@receiver([post_save, post_delete], sender=DatasetVerdict)
def verdict_changed(sender, instance, **kwargs):
    request_refresh(dataset_ids=[instance.dataset_id])


@receiver([post_save, post_delete], sender=Lineage)
def lineage_changed(sender, instance, **kwargs):
    request_refresh(dataset_ids=[instance.child_id])


@receiver([post_save, post_delete], sender=PlatformVerdict)
def platform_verdict_changed(sender, instance, **kwargs):
    request_refresh(platform_ids=[instance.platform_id])


@receiver(post_save, sender=SourcePlatform)
def platform_saved(sender, instance, created, **kwargs):
    if not created:
        request_refresh(platform_ids=[instance.pk])


@receiver(m2m_changed, sender=Dataset.platforms.through)
def dataset_platforms_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action.startswith("post_"):
            request_refresh(dataset_ids=[instance.pk])
        return
    # Changed from the platform's side: the affected datasets are in pk_set, or, for a clear, the
    # ones linked just before it.
    if action == "pre_clear":
        instance._datasets_before_clear = list(instance.datasets.values_list("pk", flat=True))
    elif action == "post_clear":
        request_refresh(dataset_ids=getattr(instance, "_datasets_before_clear", ()))
    elif action.startswith("post_"):
        request_refresh(dataset_ids=pk_set or ())
