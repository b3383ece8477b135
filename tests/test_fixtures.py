"""The fixture check: the curated data obeys the evidence rules, lineage and naming rules.

It fails on any published entry that breaks the evidence rules, on broken lineage, on duplicate names
or aliases, and on evidence URLs that are not http(s); and it fails if the JSON fixtures were not
regenerated after the YAML sources changed.
"""

import copy
import datetime
from collections import defaultdict
from pathlib import Path

import pytest

from licensedb import curation, rules
from licensedb.models import Dataset, DatasetVerdict, Evidence, Lineage, PlatformVerdict
from licensedb.text import name_key
from licensedb.vocabulary import USE_KEYS

REQUIRED = ["hd-vg-130m", "hd-vila-100m", "internvid-10m", "webvid-10m", "movienet", "youtube-8m", "acav100m",
            "ego4d", "ego-exo4d", "hoi4d"]


@pytest.fixture(scope="module")
def sources():
    return curation.load_sources()


def test_sources_break_no_curation_rule(sources):
    assert curation.check(sources) == []


def test_fixture_files_are_up_to_date_with_the_sources(sources):
    built = curation.build_fixtures(sources)
    for name, objects in built.items():
        committed = (curation.FIXTURES / name).read_text(encoding="utf-8")
        assert committed == curation.render(objects), f"fixtures/{name} is stale: run python manage.py buildfixtures"
    assert sorted(p.name for p in Path(curation.FIXTURES).glob("*.json")) == sorted(built)


def test_the_catalogue_holds_the_required_datasets(sources):
    slugs = {d["slug"] for d in sources.datasets if d.get("published", True)}
    assert set(REQUIRED) <= slugs
    assert len(slugs) >= 60


# --- the same rules, checked on the loaded database ---------------------------------------------


@pytest.mark.django_db
def test_every_published_dataset_has_a_dataset_terms_verdict_for_every_use():
    for dataset in Dataset.objects.published():
        uses = set(dataset.verdicts.filter(layer="dataset_terms").values_list("use", flat=True))
        assert uses == set(USE_KEYS), dataset.slug


@pytest.mark.django_db
def test_no_published_verdict_other_than_unclear_lacks_evidence():
    dataset_verdicts = DatasetVerdict.objects.filter(dataset__publication="published").exclude(value="unclear")
    assert not dataset_verdicts.filter(evidence__isnull=True).exists()
    assert not PlatformVerdict.objects.exclude(value="unclear").filter(evidence__isnull=True).exists()


@pytest.mark.django_db
def test_evidence_is_complete_and_dated():
    today = datetime.date.today()
    for evidence in Evidence.objects.all():
        assert rules.is_http_url(evidence.url), evidence
        assert evidence.location and evidence.summary, evidence
        assert evidence.accessed <= today, evidence


@pytest.mark.django_db
def test_lineage_is_acyclic_and_never_from_a_draft():
    edges = defaultdict(list)
    for child, parent, parent_state in Lineage.objects.values_list("child__slug", "parent__slug", "parent__publication"):
        edges[child].append(parent)
        assert parent_state == "published" or Dataset.objects.get(slug=child).publication == "draft"
    for slug in edges:
        assert rules.lineage_cycle(slug, edges[slug], edges) is None


@pytest.mark.django_db
def test_names_and_aliases_are_unique_ignoring_case_spaces_and_hyphens():
    names = list(Dataset.objects.values_list("name", flat=True)) + list(
        Dataset.objects.values_list("aliases__name", flat=True).exclude(aliases__name=None)
    )
    assert rules.duplicate_names(names) == {}


# --- the check catches what it should ---------------------------------------------------------------


def broken(sources, mutate):
    copied = copy.deepcopy(sources)
    mutate(copied)
    return curation.check(copied)


def dataset(sources, slug):
    return next(d for d in sources.datasets if d["slug"] == slug)


def test_check_catches_a_verdict_without_evidence(sources):
    def mutate(s):
        dataset(s, "hoi4d")["verdicts"]["dataset_terms"]["research"] = {"value": "allowed"}
    assert any("hoi4d" in p and "needs evidence" in p for p in broken(sources, mutate))


def test_check_catches_a_non_http_evidence_url(sources):
    def mutate(s):
        ev = dataset(s, "hoi4d")["evidence"]
        ev[next(iter(ev))]["url"] = "ftp://example.org/licence"
    assert any("http://" in p for p in broken(sources, mutate))


def test_check_catches_a_future_access_date(sources):
    def mutate(s):
        ev = dataset(s, "hoi4d")["evidence"]
        ev[next(iter(ev))]["accessed"] = datetime.date.today() + datetime.timedelta(days=30)
    assert any("future" in p for p in broken(sources, mutate))


def test_check_catches_broken_lineage(sources):
    def unknown_parent(s):
        dataset(s, "panda-70m")["derived_from"] = ["no-such-dataset"]

    def cycle(s):
        dataset(s, "hd-vila-100m")["derived_from"] = ["panda-70m"]

    def from_draft(s):
        dataset(s, "hd-vila-100m")["published"] = False

    assert any("not in the catalogue" in p for p in broken(sources, unknown_parent))
    assert any("cannot loop" in p for p in broken(sources, cycle))
    assert any("draft" in p for p in broken(sources, from_draft))


def test_check_catches_duplicate_names_and_aliases(sources):
    def mutate(s):
        dataset(s, "hoi4d")["aliases"] = ["hd vila 100m"]
    problems = broken(sources, mutate)
    assert any("duplicate name" in p and "hd-vila-100m" in p for p in problems)
    assert name_key("HD-VILA-100M") == name_key("hd vila 100m") == name_key("HDVILA100M")


def test_check_catches_a_missing_use_and_an_unknown_condition(sources):
    def mutate(s):
        verdicts = dataset(s, "hoi4d")["verdicts"]["dataset_terms"]
        del verdicts["model_release"]
        verdicts["research"] = {"value": "conditional", "conditions": ["be-nice"], "evidence": list(dataset(s, "hoi4d")["evidence"])[:1]}
    problems = broken(sources, mutate)
    assert any("model_release" in p for p in problems)
    assert any("be-nice" in p for p in problems)


def test_check_catches_a_takedown_without_date_or_source(sources):
    def mutate(s):
        d = dataset(s, "hoi4d")
        d["status"] = "taken_down"
        d["status_date"] = None
    problems = broken(sources, mutate)
    assert any("date it happened" in p for p in problems)
    assert any("status_evidence" in p for p in problems)


def test_check_catches_a_licence_field_longer_than_its_column(sources):
    # caught by the curation check itself, not only when the fixtures are built
    def mutate(s):
        dataset(s, "ms-asl")["custom_licences"][0]["version"] = "0.1 (annotated discussion draft, per the file name)"
    assert any("ms-asl-c-uda-0.1" in p and "'version'" in p and "limit is 40" in p for p in broken(sources, mutate))
