"""The production stack under the conditions that broke it: slow clients (nginx in front of gunicorn),
concurrent curator writes (SQLite configured for them, and PostgreSQL), a database that is down (503
with Retry-After) and rate limits shared by every worker (Redis). Real servers on loopback ports, each
test bounded in requests and time."""

from __future__ import annotations

import json
import shutil
import socket
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests import live

WRITERS = 20

SETUP = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from licensedb.models import Dataset
user = get_user_model().objects.create_user("live-curator", password="a-long-test-password")
user.user_permissions.set(Permission.objects.filter(content_type__app_label="licensedb"))
for n in range({WRITERS + 1}):
    Dataset.objects.create(slug=f"live-{{n}}", name=f"Live Set {{n}}", summary="Start.",
                           access="open", publication="published")
print(Token.objects.create(user=user).key)
"""


@pytest.fixture(scope="module")
def live_database():
    """A migrated database of the same kind as the test run's, with 21 entries and a curator token."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        folder = Path(tempfile.mkdtemp(prefix="licensedb-live-"))
        url = f"sqlite:///{folder / 'live.sqlite3'}"
        drop = lambda: shutil.rmtree(folder, ignore_errors=True)  # noqa: E731
    else:
        import psycopg

        db = settings.DATABASES["default"]
        name = f"{db['NAME'].removeprefix('test_')}_live"[:60]
        admin = dict(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None,
                     dbname="postgres", autocommit=True)
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(f"postgres://{db['USER']}@{admin['host']}:{admin['port']}/{name}")
        url = urlunsplit(parts)

        def drop():
            with psycopg.connect(**admin) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    try:
        live.manage(url, "migrate", "--noinput", "-v0")
        token = live.manage(url, "shell", "-v0", stdin=SETUP).strip().splitlines()[-1]
        yield url, token
    finally:
        drop()


# --- slow clients ----------------------------------------------------------------------------------------


def stall(base: str, n: int) -> list[socket.socket]:
    """n clients that send a POST's headers, promise a body and never send it."""
    host, port = urlsplit(base).hostname, urlsplit(base).port
    sockets = []
    for _ in range(n):
        conn = socket.create_connection((host, port), timeout=5)
        conn.sendall(b"POST /api/v1/check/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"use\":")
        sockets.append(conn)
    time.sleep(0.5)  # let them reach whoever reads them
    return sockets


def answers_within(url: str, seconds: float) -> bool:
    try:
        status, _, _ = live.get(url, timeout=seconds)
        return status == 200
    except OSError:
        return False


@pytest.mark.skipif(live.nginx_available() is None, reason="nginx is not installed (`make proxy` installs Debian's package)")
def test_stalled_request_bodies_do_not_block_other_requests_behind_nginx(live_database, tmp_path):
    url, _ = live_database
    app, app_base = live.gunicorn(url, workers=2, timeout=30)
    try:
        proxy, proxy_base = live.nginx(app_base, tmp_path)
        try:
            stalled = stall(proxy_base, 8)  # four times as many as there are workers
            assert answers_within(proxy_base + "/healthz", 5), "a stalled body blocked the site behind nginx"
            status, _, body = live.send(proxy_base + "/api/v1/check/", "POST", b'{"use": "flying", "datasets": []}')
            assert status == 400 and "flying" in json.loads(body)["errors"]["use"][0], "the body did not get through"
            status, _, _ = live.get(proxy_base + "/datasets/live-1/")
            assert status == 200
            for conn in stalled:
                conn.close()
        finally:
            proxy.stop()
        # the same stalled clients straight at gunicorn hold both workers: the site stops answering
        stalled = stall(app_base, 2)
        assert not answers_within(app_base + "/healthz", 3), "gunicorn alone was expected to block"
        for conn in stalled:
            conn.close()
    finally:
        app.stop()
    assert "Traceback" not in app.output()


# --- concurrent curator writes ---------------------------------------------------------------------------


def patch(base: str, token: str, slug: str, changes: dict) -> tuple[int, dict]:
    status, _, body = live.send(f"{base}/api/v1/datasets/{slug}/", "PATCH", json.dumps(changes).encode(),
                                headers={"Authorization": f"Token {token}"}, timeout=60)
    return status, json.loads(body) if body else {}


def read(base: str, slug: str) -> dict:
    status, _, body = live.get(f"{base}/api/v1/datasets/{slug}/", timeout=30)
    assert status == 200, (status, body[:300])
    return json.loads(body)


def test_twenty_concurrent_curator_writes_give_no_500_and_lose_no_update(live_database):
    url, token = live_database
    app, base = live.gunicorn(url, workers=3, threads=4, timeout=60)
    try:
        start = threading.Barrier(WRITERS)

        def own_entry(n: int) -> int:  # every writer changes an entry of its own, all at once
            version = read(base, f"live-{n}")["version"]
            start.wait(30)
            status, _ = patch(base, token, f"live-{n}", {"summary": f"Written by writer {n}.", "version": version})
            return status

        with ThreadPoolExecutor(WRITERS) as pool:
            statuses = list(pool.map(own_entry, range(WRITERS)))
        assert statuses == [200] * WRITERS, statuses
        assert [read(base, f"live-{n}")["summary"] for n in range(WRITERS)] == [f"Written by writer {n}." for n in range(WRITERS)]

        shared = f"live-{WRITERS}"
        seen: list[int] = []

        def same_entry(n: int) -> int:  # all writers change one entry; a 409 means read again and retry
            start.wait(30)
            for attempt in range(200):
                entry = read(base, shared)
                status, _ = patch(base, token, shared, {"summary": entry["summary"] + f" [w{n}]", "version": entry["version"]})
                seen.append(status)
                if status == 200:
                    return attempt
                assert status == 409, status
            raise AssertionError(f"writer {n} never got through")

        with ThreadPoolExecutor(WRITERS) as pool:
            list(pool.map(same_entry, range(WRITERS)))
        assert set(seen) <= {200, 409} and seen.count(200) == WRITERS
        summary = read(base, shared)["summary"]
        assert all(summary.count(f"[w{n}]") == 1 for n in range(WRITERS)), summary
    finally:
        app.stop()
    assert "Traceback" not in app.output() and "database is locked" not in app.output()


# --- a database that is down ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["postgresql-down", "sqlite-down"])
def test_a_database_outage_is_a_503_with_retry_after_not_a_500(kind, tmp_path):
    unreachable = (f"postgres://postgres@127.0.0.1:{live.free_port()}/gone" if kind == "postgresql-down"
                   else f"sqlite:///{tmp_path}/no-such-folder/db.sqlite3")
    app, base = live.gunicorn(unreachable, workers=1)
    try:
        for path in ("/", "/datasets/hoi4d/", "/search/?q=video"):
            status, headers, body = live.get(base + path)
            assert status == 503 and int(headers["Retry-After"]) > 0, (path, status)
            assert b"Temporarily unavailable" in body
        for path in ("/api/v1/datasets/", "/export/catalogue.csv"):
            status, headers, body = live.get(base + path)
            assert status == 503 and int(headers["Retry-After"]) > 0, (path, status)
            assert json.loads(body)["detail"]
        status, _, body = live.send(base + "/api/v1/check/", "POST", b'{"use": "research", "datasets": ["hoi4d"]}')
        assert status == 503
        status, _, body = live.get(base + "/healthz")
        assert status == 503 and json.loads(body)["status"] == "unavailable"
    finally:
        app.stop()


# --- rate limits across workers -------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed (`make proxy` installs it)")
def test_rate_limits_hold_across_workers_with_a_shared_cache(live_database):
    url, _ = live_database
    redis, cache_url = live.redis_server()
    try:
        app, base = live.gunicorn(url, workers=3, threads=2, env={
            "CACHE_URL": cache_url, "LICENSEDB_THROTTLE_ANON": "25/minute", "LICENSEDB_PROXIES": "1"})
        try:
            for attempt in range(3):  # a fresh client each time, in case a run straddles two minutes
                client = {"X-Forwarded-For": f"127.0.0.{10 + attempt}"}
                window = int(time.time() // 60)
                with ThreadPoolExecutor(12) as pool:
                    statuses = list(pool.map(lambda _: live.get(base + "/api/v1/uses/", headers=client)[0], range(75)))
                if int(time.time() // 60) == window:
                    break
        finally:
            app.stop()
    finally:
        redis.stop()
    assert statuses.count(200) == 25 and statuses.count(429) == 50, statuses
