"""Security: headers, a content security policy the pages obey, inert user text, CSRF, login lockout,
deploy checks, and drafts that never leak."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from licensedb.models import Claim, Dataset, DatasetLicence, Licence, SourcePlatform

ROOT = Path(__file__).resolve().parent.parent

PAGES = ["/", "/datasets/", "/datasets/panda-70m/", "/datasets/panda-70m/history/", "/licences/",
         "/licences/cc-by-nc-4.0/", "/platforms/", "/platforms/youtube/", "/about/", "/search/?q=kinetics",
         "/compare/?datasets=panda-70m,hoi4d", "/compare/", "/check/?use=research&datasets=panda-70m,hoi4d",
         "/changes/", "/datasets/does-not-exist/", "/datasets/?status=wrong", "/admin/login/", "/api/v1/docs/",
         "/vocab/", "/compare/?datasets=%00"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_pages_send_security_headers_and_obey_the_csp(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    page = BeautifulSoup(response.content, "html.parser")
    for script in page.find_all("script"):
        assert script.get("src") or script.get("type") == "application/json", f"inline script on {path}"
    for tag in page.find_all(True):
        handlers = [a for a in tag.attrs if a.lower().startswith("on")]
        assert not handlers, f"inline event handler {handlers} on {path}"
        assert "style" not in tag.attrs, f"inline style attribute on {path} ({tag.name})"


def test_deploy_checks_pass_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "LICENSEDB_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "licensedb.example.org",
        "DJANGO_DEBUG": "false",
        "CACHE_URL": "redis://cache.internal:6379/0",
    }
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    # without a shared cache, rate limits would be counted per worker: the deploy check says so
    env.pop("CACHE_URL")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "licensedb.W001" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "LICENSEDB_ENV": "production", "DJANGO_SECRET_KEY": ""}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


# --- user text is inert everywhere -------------------------------------------------------------------

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def poisoned(make):
    platform = SourcePlatform.objects.create(slug="xss-platform", name=f"Tube {XSS}", kind="video_platform",
                                             summary=f"Platform {XSS}", download_terms=XSS, ai_terms=XSS)
    licence = Licence.objects.create(slug="xss-licence", name=f"Licence {XSS}", category="custom", summary=f"[click](javascript:alert(1)) {XSS}")
    dataset = make.dataset(
        name=f"Poison {XSS}", slug="poison-set", platforms=[platform],
        summary=f"Summary {XSS} [link](javascript:alert(2)) <iframe src=https://evil.example></iframe>",
        access_note=XSS, size_note=XSS, lineage_note=XSS, curation_note=XSS, bibtex=f"@misc{{x, title={{{XSS}}}}}",
        status="withdrawn", status_date="2026-01-01", status_reason=XSS, paper_title=XSS,
    )
    dataset.aliases.create(name=f"Alias {XSS}")
    evidence = make.evidence(dataset, summary=XSS, location=XSS)
    make.verdict(dataset, "research", "allowed", evidence=[evidence], note=XSS)
    DatasetLicence.objects.create(dataset=dataset, licence=licence, scope=XSS, note=XSS)
    Claim.objects.create(dataset=dataset, source="huggingface", url="https://huggingface.co/x", claimed=XSS[:150],
                         accessed="2026-11-01", note=XSS)
    return dataset


@pytest.mark.django_db
def test_script_injection_in_every_text_field_comes_out_inert(client, poisoned):
    pages = [
        "/", "/datasets/", f"/datasets/{poisoned.slug}/", f"/datasets/{poisoned.slug}/history/",
        "/licences/xss-licence/", "/platforms/xss-platform/", "/platforms/", "/licences/",
        "/search/?q=poison", "/search/?q=poison&partial=1", f"/compare/?datasets={poisoned.slug},hoi4d",
        f"/check/?use=research&datasets={poisoned.slug}", "/changes/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        page = BeautifulSoup(response.content, "html.parser")
        assert not [s for s in page.find_all("script") if not s.get("src")], path
        assert not page.find_all("iframe"), path
        assert not page.find_all("img", attrs={"onerror": True}), path
        for link in page.find_all("a", href=True):
            assert not link["href"].strip().lower().startswith("javascript:"), (path, link["href"])
        assert 'alert("x")' not in " ".join(str(s) for s in page.find_all("script"))
    feed = client.get("/changes/feed/").content.decode()
    assert "<script>" not in feed


# --- CSRF and login lockout ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_forms_that_change_things_need_a_csrf_token(curator):
    browser = Client(enforce_csrf_checks=True)
    login_page = browser.get("/admin/login/")
    assert b"csrfmiddlewaretoken" in login_page.content
    response = browser.post("/admin/login/", {"username": "curator", "password": "a-long-test-password"})
    assert response.status_code == 403
    browser.force_login(curator)
    dataset = Dataset.objects.get(slug="hoi4d")
    response = browser.post(reverse("admin:licensedb_dataset_change", args=[dataset.pk]), {"name": "x"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_admin_login_is_locked_after_repeated_failures(client, curator):
    for _ in range(5):
        client.post("/admin/login/", {"username": "curator", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "curator", "password": "a-long-test-password"})
    assert response.status_code in (403, 429)
    assert b"Too many failed" in response.content


# --- drafts never leak ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_drafts_never_leak_through_any_page_api_export_or_feed(client, make):
    draft = make.dataset(name="Zanzibarzine Draft", slug="zanzibarzine", published=False,
                         summary="Zanzibarzine secret summary.")
    make.verdict(draft, "research", "allowed")
    draft.summary += " edited"
    draft.save()
    markers = ["Zanzibarzine Draft", "secret summary", "/datasets/zanzibarzine/"]  # only the draft has these
    outputs = [
        "/", "/datasets/?sort=-updated", "/search/?q=zanzibarzine", "/changes/", "/changes/feed/",
        "/api/v1/datasets/?page_size=100&sort=-updated", "/api/v1/search/?q=zanzibarzine", "/api/v1/changes/",
        "/export/catalogue.csv", "/export/catalogue.json",
    ]
    for path in outputs:
        body = client.get(path).content.decode()
        assert not [m for m in markers if m in body], path
    for path in [f"/datasets/{draft.slug}/", f"/datasets/{draft.slug}/history/", f"/datasets/{draft.slug}/cite.bib",
                 f"/datasets/{draft.slug}/croissant.json", f"/api/v1/datasets/{draft.slug}/"]:
        assert client.get(path).status_code == 404, path
    for path in [f"/export/provenance.md?datasets={draft.slug}", f"/export/cite.bib?datasets={draft.slug}",
                 f"/compare/?datasets=hoi4d,{draft.slug}&format=json"]:
        response = client.get(path)
        assert response.status_code == 400 and "Zanzibarzine Draft" not in response.content.decode(), path
    check = client.post("/api/v1/check/", {"use": "research", "datasets": [draft.slug]}, content_type="application/json")
    assert check.status_code == 400
