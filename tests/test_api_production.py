"""The complete API: curator writes, edit conflicts, throttling, conditional GETs, health, replicas,
backups, and a bounded number of queries per request type."""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.authtoken.models import Token

from licensedb import db_router
from licensedb.models import Dataset, DatasetVerdict, EffectiveVerdict, Evidence, SourcePlatform
from search.models import SearchDocument


@pytest.fixture
def curator_token(db, django_user_model):
    user = django_user_model.objects.create_user("api-curator", password="a-long-test-password")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="licensedb",
                                                        codename__regex=r"^(add|change)_(dataset|evidence|datasetverdict)$"))
    return Token.objects.create(user=user).key


@pytest.fixture
def reader_token(db, django_user_model):
    user = django_user_model.objects.create_user("api-reader", password="a-long-test-password")
    return Token.objects.create(user=user).key


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def send(client, method, path, payload, token=None):
    return getattr(client, method)(path, json.dumps(payload), content_type="application/json", **(auth(token) if token else {}))


# --- writes --------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("method, path", [
    ("post", "/api/v1/datasets/"),
    ("patch", "/api/v1/datasets/hoi4d/"),
    ("post", "/api/v1/datasets/hoi4d/evidence/"),
    ("put", "/api/v1/datasets/hoi4d/verdicts/dataset_terms/research/"),
])
def test_writes_without_a_token_or_permission_are_refused(client, reader_token, method, path):
    assert send(client, method, path, {"name": "x"}).status_code in (401, 403)
    assert send(client, method, path, {"name": "x"}, reader_token).status_code == 403
    assert Dataset.objects.get(slug="hoi4d").name == "HOI4D"  # nothing was written


@pytest.mark.django_db
def test_a_curator_creates_an_entry_adds_evidence_and_a_verdict_and_it_is_public_at_once(client, curator_token):
    created = send(client, "post", "/api/v1/datasets/", {
        "slug": "api-made-set", "name": "API Made Set", "summary": "Made over the API.", "distribution": ["url_list"],
        "access": "open", "platforms": ["own-recordings"], "publication": "published", "aliases": ["AMS-1"],
    }, curator_token)
    assert created.status_code == 201, created.content
    version = created.json()["version"]
    evidence = send(client, "post", "/api/v1/datasets/api-made-set/evidence/", {
        "key": "licence", "url": "https://example.org/licence", "location": "section 1", "accessed": "2026-11-01",
        "kind": "licence_file", "summary": "Any use is allowed.", "confidence": "high", "version": version,
    }, curator_token)
    assert evidence.status_code == 201, evidence.content
    version = Dataset.objects.get(slug="api-made-set").version
    verdict = send(client, "put", "/api/v1/datasets/api-made-set/verdicts/dataset_terms/commercial_training/", {
        "value": "allowed", "evidence": ["licence"], "note": "Licence allows it.", "version": version,
    }, curator_token)
    assert verdict.status_code == 200, verdict.content
    assert verdict.json()["verdicts"]["commercial_training"]["effective"] == "allowed"
    assert client.get("/api/v1/search/?q=AMS-1").json()["results"][0]["slug"] == "api-made-set"
    record = DatasetVerdict.objects.get(dataset__slug="api-made-set", use="commercial_training").history.first()
    assert record.history_user.username == "api-curator"
    assert Evidence.objects.get(dataset__slug="api-made-set").reviewer == "api-curator"


@pytest.mark.django_db
@pytest.mark.parametrize("path, payload, field", [
    ("/api/v1/datasets/hoi4d/verdicts/dataset_terms/research/", {"value": "allowed"}, "evidence"),
    ("/api/v1/datasets/hoi4d/verdicts/dataset_terms/research/", {"value": "conditional", "evidence": ["nope"]}, "evidence"),
    ("/api/v1/datasets/hoi4d/evidence/", {"url": "ftp://example.org/x", "location": "s", "accessed": "2026-11-01",
                                         "kind": "readme", "summary": "s", "confidence": "high"}, "url"),
    ("/api/v1/datasets/hoi4d/evidence/", {"url": "https://example.org/x", "location": "s", "accessed": "2999-01-01",
                                         "kind": "readme", "summary": "s", "confidence": "high"}, "accessed"),
    ("/api/v1/datasets/hoi4d/", {"status": "taken_down"}, "status_date"),
    ("/api/v1/datasets/hoi4d/", {"name": "HD VILA 100M"}, "name"),
    ("/api/v1/datasets/hd-vila-100m/", {"derived_from": ["panda-70m"]}, "derived_from"),
    ("/api/v1/datasets/hoi4d/", {"summary": "no version sent"}, "version"),
])
def test_writes_get_the_same_validation_as_the_admin(client, curator_token, path, payload, field):
    slug = path.split("/")[4]
    if "version" not in str(payload) and field != "version":
        payload = {**payload, "version": Dataset.objects.get(slug=slug).version}
    method = "put" if "/verdicts/" in path else ("post" if path.endswith("/evidence/") else "patch")
    response = send(client, method, path, payload, curator_token)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()


@pytest.mark.django_db
def test_two_curators_never_silently_overwrite_each_other_over_the_api(client, curator_token):
    version = client.get("/api/v1/datasets/hoi4d/").json()["version"]
    first = send(client, "patch", "/api/v1/datasets/hoi4d/", {"summary": "First curator's text.", "version": version}, curator_token)
    assert first.status_code == 200
    second = send(client, "patch", "/api/v1/datasets/hoi4d/", {"summary": "Second curator's text.", "version": version}, curator_token)
    assert second.status_code == 409
    assert "was changed by api-curator" in second.json()["errors"]["version"][0]
    assert second.json()["current_version"] == version + 1
    assert Dataset.objects.get(slug="hoi4d").summary == "First curator's text."


@pytest.mark.django_db
def test_two_curators_never_silently_overwrite_each_other_in_the_admin(client, curator, django_user_model):
    from tests.test_admin import change_url, form_data

    other = django_user_model.objects.create_superuser("other", "o@example.org", "a-long-test-password")
    dataset = Dataset.objects.get(slug="hoi4d")
    client.force_login(curator)
    mine = form_data(client.get(change_url(dataset)))
    client.force_login(other)
    theirs = form_data(client.get(change_url(dataset)))
    theirs["summary"] = "Their edit."
    assert client.post(change_url(dataset), theirs).status_code == 302
    client.force_login(curator)
    mine["summary"] = "My edit, which must not be lost."
    response = client.post(change_url(dataset), mine)
    assert response.status_code == 200
    text = BeautifulSoup(response.content, "html.parser").get_text(" ")
    assert "was changed by other" in text
    assert "My edit, which must not be lost." in response.content.decode()
    assert Dataset.objects.get(pk=dataset.pk).summary == "Their edit."


# --- throttling, errors, caching ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_clients_are_throttled_with_a_clear_429(client):
    from django.core.cache import cache

    cache.clear()
    with override_settings(LICENSEDB_THROTTLE={"anon": "3/minute", "curator": "100/minute"}):
        codes = [client.get("/api/v1/licences/").status_code for _ in range(4)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        response = client.get("/api/v1/licences/")
        assert int(response["Retry-After"]) > 0
        assert "throttled" in response.json()["detail"].lower()
    cache.clear()


@pytest.mark.django_db
def test_api_errors_are_json_naming_what_was_wrong(client):
    assert client.get("/api/v1/nope/").json()["detail"]
    response = client.delete("/api/v1/licences/cc-by-4.0/")
    assert response.status_code in (401, 403, 405) and "detail" in response.json()
    response = client.post("/api/v1/check/", "{broken", content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()
    response = client.get("/api/v1/licences/?category=nonsense")
    assert response.status_code == 400 and "category" in response.json()["errors"]


@pytest.mark.django_db
def test_conditional_get_with_etag_and_last_modified(client):
    first = client.get("/api/v1/datasets/hoi4d/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('W/"') and modified
    assert client.get("/api/v1/datasets/hoi4d/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/api/v1/datasets/hoi4d/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get("/api/v1/datasets/kinetics-400/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    dataset = Dataset.objects.get(slug="hoi4d")
    dataset.summary += " Changed."
    dataset.save()
    again = client.get("/api/v1/datasets/hoi4d/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag and "Changed." in again.json()["summary"]


@pytest.mark.django_db
def test_list_filters_and_ordering_on_licences_and_platforms(client):
    body = client.get("/api/v1/licences/?category=non_commercial&ordering=-name&page_size=100").json()
    names = [lic["name"] for lic in body["results"]]
    assert names and names == sorted(names, reverse=True)
    assert all(lic["category"] == "non_commercial" for lic in body["results"])
    platforms = client.get("/api/v1/platforms/?terms_apply=false").json()["results"]
    assert {p["slug"] for p in platforms} == set(SourcePlatform.objects.filter(terms_apply=False).values_list("slug", flat=True))
    assert "own-recordings" in {p["slug"] for p in platforms} and "youtube" not in {p["slug"] for p in platforms}


@pytest.mark.django_db
def test_changes_api(client):
    # the seeding is one "catalogue loaded" event now, so make enough changes for a second page
    for other in Dataset.objects.exclude(slug="hoi4d").order_by("slug")[:6]:
        other.summary += " Changed for the feed."
        other.save()
    dataset = Dataset.objects.get(slug="hoi4d")
    dataset.summary += " Changed for the feed."
    dataset.save()
    body = client.get("/api/v1/changes/?page_size=5").json()
    assert body["results"][0]["dataset"]["slug"] == "hoi4d"
    assert body["next"] and "cursor=" in body["next"]
    assert client.get("/api/v1/changes/?kind=everything").status_code == 400


def test_health_endpoint(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["databases"]["default"] == "ok"


def test_public_reads_go_to_the_replica_and_curators_to_the_primary(rf):
    seen = {}

    def view(request):
        seen["db"] = db_router.ReplicaRouter().db_for_read(Dataset)
        return None

    middleware = db_router.ReplicaMiddleware(view)
    assert middleware.enabled is False  # no DATABASE_REPLICA_URL here: everything reads the primary
    middleware(rf.get("/datasets/"))
    assert seen["db"] == "default"
    middleware.enabled = True  # as with DATABASE_REPLICA_URL set
    middleware(rf.get("/datasets/"))
    assert seen["db"] == "replica"
    middleware(rf.get("/datasets/", HTTP_AUTHORIZATION="Token x"))
    assert seen["db"] == "default"
    request = rf.get("/admin/")
    request.COOKIES["sessionid"] = "abc"
    middleware(request)
    assert seen["db"] == "default"
    middleware(rf.post("/api/v1/check/"))
    assert seen["db"] == "default"
    assert db_router.ReplicaRouter().db_for_write(Dataset) == "default"


# --- bounded queries per request type ----------------------------------------------------------------------


def queries(client, method, path, **kwargs) -> int:
    # The log is a bounded deque: once seeding has filled it, CaptureQueriesContext miscounts.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(path, **kwargs)
        assert response.status_code == 200, path
    return len(ctx.captured_queries)


REQUESTS = [
    ("get", "/search/?q=youtube", {}),
    ("get", "/api/v1/search/?q=youtube", {}),
    ("get", "/datasets/panda-70m/", {}),
    ("get", "/compare/?datasets=panda-70m,hoi4d,kinetics-400", {}),
    ("post", "/api/v1/check/", {"data": {"use": "research", "datasets": ["panda-70m", "hoi4d", "kinetics-400"]},
                                "content_type": "application/json"}),
    ("get", "/api/v1/datasets/?page_size=50", {}),
    ("get", "/api/v1/datasets/panda-70m/", {}),
    ("get", "/datasets/", {}),
    ("get", "/", {}),
]
LIMITS = {"/search/?q=youtube": 12, "/api/v1/search/?q=youtube": 10, "/datasets/panda-70m/": 32,
          "/compare/?datasets=panda-70m,hoi4d,kinetics-400": 30, "/api/v1/check/": 20,
          "/api/v1/datasets/?page_size=50": 15, "/api/v1/datasets/panda-70m/": 28, "/datasets/": 15, "/": 40}


@pytest.mark.django_db
@pytest.mark.parametrize("method, path, kwargs", REQUESTS, ids=[p for _, p, _ in REQUESTS])
def test_query_count_per_request_type_is_bounded_and_flat(client, make, method, path, kwargs, settings):
    settings.LICENSEDB_PAGE_CACHE_SECONDS = 0  # count the work of answering, not a stored answer
    queries(client, method, path, **kwargs)  # warm caches
    before = queries(client, method, path, **kwargs)
    assert before <= LIMITS[path]
    youtube = Dataset.objects.get(slug="kinetics-400").platforms.first()

    def add_fillers(start):
        for n in range(start, start + 12):
            extra = make.dataset(name=f"Youtube Filler {n}", platforms=[youtube])
            make.verdict(extra, "research", "allowed")
        queries(client, method, path, **kwargs)
        return queries(client, method, path, **kwargs)

    # The first new entries may add one history query per kind of row the change feed now shows; from
    # then on the count must not grow with the catalogue.
    first = add_fillers(0)
    assert first <= LIMITS[path]
    assert add_fillers(12) == first
    if path != "/":
        assert first == before


# --- backup and restore ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_loses_nothing(tmp_path):
    from tests.conftest import FIXTURES

    if not Dataset.objects.exists():
        call_command("loaddata", *FIXTURES, verbosity=0)
    dataset = Dataset.objects.get(slug="hoi4d")
    dataset.summary += " An edit that must survive."
    dataset.save()

    def snapshot():
        return {
            "datasets": sorted(Dataset.objects.values_list("slug", "summary", "version", "publication")),
            "verdicts": sorted(DatasetVerdict.objects.values_list("dataset__slug", "use", "layer", "value", "note")),
            "verdict_evidence": sorted(DatasetVerdict.evidence.through.objects.values_list("datasetverdict_id", "evidence_id")),
            "evidence": sorted(Evidence.objects.values_list("key", "url", "summary", "accessed")),
            "history": sorted(Dataset.history.values_list("id", "history_type", "summary")),
            "verdict_history": DatasetVerdict.history.count(),
            "effective": sorted(EffectiveVerdict.objects.values_list("dataset__slug", "research", "commercial_training")),
        }

    before = snapshot()
    backup = tmp_path / "backup.json.gz"
    call_command("backup", output=str(backup), verbosity=0)
    assert backup.stat().st_size > 10_000
    call_command("flush", interactive=False, verbosity=0)
    assert not Dataset.objects.exists()
    call_command("restore", str(backup), verbosity=0)
    assert snapshot() == before
    assert SearchDocument.objects.count() == Dataset.objects.published().count()
    with pytest.raises(Exception, match="already holds a catalogue"):
        call_command("restore", str(backup), verbosity=0)
