"""The "curators" group: what a curator account may do in the admin and the write API.

Curators edit the catalogue (entries, verdicts, evidence, licences, platforms, notes, models) and read
its history; they do not manage accounts and never edit derived data (effective verdicts, the
revision counter, stored audits), which the site recomputes itself.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission

GROUP_NAME = "curators"
DERIVED = {"effectiveverdict", "modeleffective", "revision", "audit"}


def curator_permissions() -> list[Permission]:
    models = [
        m for m in apps.get_app_config("licensedb").get_models()
        if m._meta.model_name not in DERIVED and not m._meta.model_name.startswith("historical")
    ]
    names = {m._meta.model_name for m in models}
    perms = Permission.objects.filter(content_type__app_label="licensedb")
    editable = [p for p in perms if p.codename.split("_", 1)[1] in names]
    history = [p for p in perms if p.codename.startswith("view_historical")]
    return editable + history


def ensure_group() -> Group:
    """Create the group, or bring its permissions up to date (safe to run again)."""
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.set(curator_permissions())
    return group


def make_curator(user) -> None:
    """Let ``user`` into the admin as a curator (staff, in the group; not a superuser)."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(ensure_group())
