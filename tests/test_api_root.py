"""The API's entry point lists every endpoint, as JSON and as a page; the docs show no locks on
public reads; the site links to the docs."""

import pytest
from bs4 import BeautifulSoup

EVERY = {"search", "check", "resolve", "audit", "datasets", "models", "uses", "changes", "docs", "schema"}


@pytest.mark.django_db
def test_the_entry_point_lists_every_endpoint_and_each_answers(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    body = response.json()
    names = {e["name"] for e in body["endpoints"]}
    assert EVERY <= names
    for endpoint in body["endpoints"]:
        if endpoint["method"] == "GET" and "{" not in endpoint["url"]:
            url = endpoint["example"] or endpoint["url"]
            assert client.get(url.replace("http://testserver", "")).status_code == 200, url


@pytest.mark.django_db
def test_a_browser_gets_the_entry_point_as_a_page(client):
    response = client.get("/api/v1/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "The licensedb API"
    rows = {row.th.get_text(" ").split()[0] for row in soup.select("table.api-endpoints tbody tr")}
    assert EVERY <= rows
    assert soup.select_one("a[href='http://testserver/api/v1/docs/']")
    # a browser's usual Accept header gets the page too; a client asking for anything gets JSON
    chrome = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get("/api/v1/", HTTP_ACCEPT=chrome)["Content-Type"].startswith("text/html")
    assert client.get("/api/v1/", HTTP_ACCEPT="*/*")["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_public_reads_carry_no_security_requirement_in_the_schema_but_writes_do(client):
    schema = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in ("/api/v1/datasets/", "/api/v1/search/", "/api/v1/datasets/{slug}/", "/api/v1/changes/", "/api/v1/"):
        assert "security" not in paths[path]["get"], path
    assert "security" not in paths["/api/v1/check/"]["post"]  # anyone may ask
    assert paths["/api/v1/datasets/{slug}/"]["patch"]["security"]


@pytest.mark.django_db
def test_the_site_nav_links_to_the_api_docs(client):
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    assert soup.select_one("nav.site-nav a[href='/api/v1/docs/']")
    assert client.get("/api/v1/docs/").status_code == 200
