"""Shared test set-up.

The curated catalogue (fixtures/*.json) is loaded once per session into the test database, so page
and API tests run against the real data. Scenario tests build their own small datasets with the
factories below (slugs starting with ``t-``), inside a transaction that is rolled back.
"""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from licensedb.models import (
    Condition,
    Dataset,
    DatasetVerdict,
    Evidence,
    Lineage,
    PlatformVerdict,
    SourcePlatform,
)
from licensedb.vocabulary import Layer, Publication

FIXTURES = sorted(str(p) for p in (Path(__file__).resolve().parent.parent / "fixtures").glob("*.json"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("loaddata", *FIXTURES, verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached search answers and throttle counts of one test must
    not reach the next (the revision they are keyed by is rolled back with the test's data)."""
    from django.core.cache import cache

    cache.clear()
    yield


def pytest_collection_modifyitems(config, items):
    vendor = connection.vendor
    for item in items:
        if "postgres" in item.keywords and vendor != "postgresql":
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL pass)"))


_counter = itertools.count(1)


class Factory:
    """Small builders for scenario tests."""

    def dataset(self, name: str | None = None, published: bool = True, platforms=(), parents=(), **fields) -> Dataset:
        n = next(_counter)
        name = name or f"Test Set {n}"
        forms = fields.pop("distribution", ["url_list"])
        dataset = Dataset.objects.create(
            slug=fields.pop("slug", f"t-{n}-{name.lower().replace(' ', '-')}"[:100]),
            name=name,
            summary=fields.pop("summary", f"A test dataset called {name}."),
            access=fields.pop("access", "open"),
            publication=Publication.PUBLISHED if published else Publication.DRAFT,
            **fields,
        )
        # linked without an m2m signal, so that the test entry's history holds only its creation
        Through = Dataset.distribution.through
        Through.objects.bulk_create([Through(dataset=dataset, distributionform_id=f) for f in ([forms] if isinstance(forms, str) else forms)])
        from licensedb import verdict_store

        verdict_store.request_refresh(dataset_ids=[dataset.pk])
        if platforms:
            dataset.platforms.set(platforms)
        for parent in parents:
            Lineage.objects.create(child=dataset, parent=parent)
        return dataset

    def evidence(self, owner, **fields) -> Evidence:
        owner_field = "platform" if isinstance(owner, SourcePlatform) else "dataset"
        return Evidence.objects.create(
            **{owner_field: owner},
            url=fields.pop("url", "https://example.org/licence"),
            location=fields.pop("location", "section 1"),
            accessed=fields.pop("accessed", datetime.date(2026, 11, 1)),
            kind=fields.pop("kind", "licence_file"),
            summary=fields.pop("summary", "The terms say so."),
            confidence=fields.pop("confidence", "high"),
            **fields,
        )

    def verdict(self, dataset: Dataset, use: str, value: str, layer: str = Layer.DATASET_TERMS, conditions=(), evidence=None, note=""):
        verdict = DatasetVerdict.objects.create(dataset=dataset, use=use, layer=layer, value=value, note=note)
        if value != "unclear" and evidence is None:
            evidence = [self.evidence(dataset)]
        if evidence:
            verdict.evidence.set(evidence)
        if conditions:
            verdict.conditions.set(Condition.objects.filter(slug__in=conditions))
        return verdict

    def platform(self, name: str | None = None, terms_apply: bool = True, rights=None, rights_apply: bool | None = None,
                 download_prohibited: bool = False, **verdicts) -> SourcePlatform:
        """A platform with platform-terms verdicts (keyword arguments, per use) and default rights in its
        videos (``rights``: use -> value). Without ``rights`` its videos carry no rights layer."""
        n = next(_counter)
        name = name or f"Test Platform {n}"
        platform = SourcePlatform.objects.create(
            slug=f"t-platform-{n}", name=name, kind="video_platform", terms_apply=terms_apply,
            rights_apply=bool(rights) if rights_apply is None else rights_apply,
            download_prohibited=download_prohibited,
        )
        for layer, group in (("platform_terms", verdicts), ("rights_in_works", rights or {})):
            for use, value in group.items():
                verdict = PlatformVerdict.objects.create(platform=platform, layer=layer, use=use, value=value)
                if value != "unclear":
                    verdict.evidence.set([self.evidence(platform)])
        if download_prohibited:
            platform.download_evidence.set([self.evidence(platform)])
        return platform


@pytest.fixture
def make(db) -> Factory:
    return Factory()


@pytest.fixture
def curator(db, django_user_model):
    return django_user_model.objects.create_superuser("curator", "curator@example.org", "a-long-test-password")


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client
