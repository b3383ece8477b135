"""Hostile input gets a clear 4xx, never a 500: bad integers, NUL bytes, huge pages, deep JSON.

Every integer query parameter the API documents is found in its served OpenAPI schema, so a new one is
covered as soon as it exists; the pages' integer parameters are listed by hand.
"""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from licensedb.params import ParameterError, whole_number
from licensedb.request_guard import MAX_JSON_DEPTH, json_too_deep

HOSTILE_INTEGERS = ["²", "1e9", str(10**23), "-1", "0"]


def schema(client) -> dict:
    return json.loads(client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content)


def integer_query_parameters(client) -> list[tuple[str, str]]:
    found = []
    for path, operations in schema(client)["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if method == "get" and parameter["in"] == "query" and parameter["schema"].get("type") == "integer":
                    found.append((path, parameter["name"]))
    return found


PAGES = [("/datasets/", "page"), ("/datasets/", "year"), ("/search/", "page"), ("/search/", "page_size"),
         ("/search/", "year")]


def named_in_page(response, name: str) -> bool:
    return name in [c.text for c in BeautifulSoup(response.content, "html.parser").select(".errors code")]


@pytest.mark.django_db
def test_the_schema_documents_the_integer_parameters_this_test_covers(client):
    found = integer_query_parameters(client)
    assert ("/api/v1/datasets/", "page") in found and ("/api/v1/search/", "page_size") in found
    assert ("/api/v1/changes/", "page_size") in found and ("/api/v1/datasets/", "year") in found


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_INTEGERS)
def test_every_integer_query_parameter_of_the_api_refuses_hostile_values_with_a_400(client, value):
    for path, name in integer_query_parameters(client):
        response = client.get(path, {name: value})
        assert response.status_code == 400, (path, name, value, response.status_code)
        body = response.json()
        assert name in body["errors"] and "whole number" in body["errors"][name][0], (path, name, body)


@pytest.mark.django_db
def test_an_empty_integer_parameter_means_the_default(client):
    for path, name in integer_query_parameters(client):
        assert client.get(path, {name: ""}).status_code == 200, (path, name)
    for path, name in PAGES:
        assert client.get(path, {name: ""}).status_code == 200, (path, name)


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_INTEGERS)
def test_every_integer_parameter_of_the_pages_refuses_hostile_values_with_a_400_page(client, value):
    for path, name in PAGES:
        response = client.get(path, {name: value})
        assert response.status_code == 400, (path, name, value)
        assert named_in_page(response, name), (path, name, value)


@pytest.mark.django_db
def test_huge_page_numbers_are_a_400_not_an_overflow(client):
    huge = "99999999999999999999999"
    for path in ("/search/", "/datasets/"):
        assert client.get(f"{path}?page={huge}").status_code == 400
    for path in ("/api/v1/search/", "/api/v1/datasets/", "/api/v1/licences/"):
        response = client.get(f"{path}?q=video&page={huge}")
        assert response.status_code == 400 and "page" in response.json()["errors"]
    # a page number in range but past the last page says how many pages there are
    response = client.get("/api/v1/datasets/?page=999999")
    assert response.status_code == 404 and "page(s)" in response.json()["detail"]


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(max_size=30) | st.integers(min_value=-10**30, max_value=10**30).map(str))
def test_any_text_as_a_page_number_is_answered_never_a_500(client, value):
    for path in ("/api/v1/datasets/", "/api/v1/search/", "/search/", "/api/v1/changes/"):
        response = client.get(path, {"page_size" if "changes" in path else "page": value})
        assert response.status_code in (200, 400, 404), (path, value, response.status_code)


@given(st.text(max_size=25))
def test_the_integer_helper_accepts_only_ascii_digits_in_range(text):
    try:
        value = whole_number(text, "n", minimum=1, maximum=1000)
    except ParameterError as error:
        assert error.errors == {"n": ["n must be a whole number from 1 to 1000."]}
    else:
        assert text.strip().isascii() and text.strip().isdigit() and 1 <= value <= 1000 and value == int(text)


# --- NUL bytes, anywhere ---------------------------------------------------------------------------------

NUL_URLS = [
    "/compare/?datasets=%00", "/check/?use=research&datasets=%00", "/export/cite.bib?datasets=%00",
    "/export/provenance.md?datasets=%00", "/api/v1/datasets/a%00b/", "/licences/%00/", "/datasets/a%00b/",
    "/search/?q=a%00b", "/api/v1/search/?q=a%00b", "/api/v1/datasets/?licence=%00", "/platforms/%00/",
    "/compare/?datasets=hoi4d,panda-70m&format=csv&x%00=1", "/api/v1/licences/%00/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", NUL_URLS)
def test_a_nul_byte_anywhere_in_the_address_is_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400, url
    text = response.content.decode()
    assert "NUL character" in text
    if url.startswith(("/api/", "/export/")) or "format=csv" in url:
        body = response.json()
        assert body["errors"] and "NUL" in body["detail"]


@pytest.fixture
def curator_token(db, django_user_model):
    user = django_user_model.objects.create_user("hostile-curator", password="a-long-test-password")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="licensedb"))
    return Token.objects.create(user=user).key


WRITES = [
    ("post", "/api/v1/check/"),
    ("post", "/api/v1/audit/"),
    ("post", "/api/v1/datasets/"),
    ("patch", "/api/v1/datasets/hoi4d/"),
    ("post", "/api/v1/datasets/hoi4d/evidence/"),
    ("put", "/api/v1/datasets/hoi4d/verdicts/dataset_terms/research/"),
]


@pytest.mark.django_db
def test_every_json_endpoint_of_the_schema_is_in_this_list(client):
    documented = {
        (method, path)
        for path, operations in schema(client)["paths"].items()
        for method, operation in operations.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    }
    covered = {(m, p.replace("hoi4d", "{slug}").replace("dataset_terms", "{layer}").replace("research", "{use}"))
               for m, p in WRITES}
    assert documented <= covered | {("put", "/api/v1/datasets/{slug}/")}, documented - covered


@pytest.mark.django_db
@pytest.mark.parametrize("method, path", WRITES)
def test_nul_in_a_json_body_is_a_400_before_it_reaches_the_database(client, curator_token, method, path):
    from licensedb.models import Dataset

    before = Dataset.objects.get(slug="hoi4d").version
    payload = '{"use": "research", "datasets": ["hoi4d\\u0000"], "summary": "x\\u0000", "value": "allowed", "version": %d}' % before
    response = getattr(client, method)(path, payload, content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Token {curator_token}")
    assert response.status_code == 400, response.content
    assert "NUL" in response.json()["errors"]["body"][0]
    assert Dataset.objects.get(slug="hoi4d").version == before
    # an escaped backslash before u0000 is text, not a NUL, and is accepted as such
    response = client.post("/api/v1/check/", '{"use": "research", "datasets": ["a\\\\u0000"]}', content_type="application/json")
    assert response.status_code == 400 and "body" not in response.json()["errors"]


@pytest.mark.django_db
def test_nul_in_a_form_a_cookie_or_a_header_is_a_400(client):
    assert client.post("/admin/login/", {"username": "a\x00b", "password": "x"}).status_code == 400
    client.cookies["sessionid"] = "abc\x00def"
    response = client.get("/datasets/")
    assert response.status_code == 400 and "Cookie" in response.content.decode()
    client.cookies.clear()
    assert client.get("/api/v1/datasets/", HTTP_X_ANYTHING="a\x00b").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("method, path", [("post", "/api/v1/datasets/hoi4d/evidence/"), ("post", "/check/")])
def test_a_multipart_body_without_a_boundary_is_a_400_naming_the_body(client, curator_token, method, path):
    response = getattr(client, method)(path, "use=research", content_type="multipart/form-data",
                                       HTTP_AUTHORIZATION=f"Token {curator_token}")
    assert response.status_code == 400
    assert "boundary" in response.content.decode()


# --- deeply nested JSON ------------------------------------------------------------------------------------


def nested(depth: int, kind: str) -> str:
    return ("[" * depth + "]" * depth) if kind == "array" else ('{"a":' * depth + "1" + "}" * depth)


@pytest.mark.django_db
@pytest.mark.parametrize("method, path", WRITES)
@pytest.mark.parametrize("kind", ["array", "object"])
def test_json_nested_5000_levels_deep_is_a_400_on_every_json_endpoint(client, curator_token, method, path, kind):
    response = getattr(client, method)(path, nested(5000, kind), content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Token {curator_token}")
    assert response.status_code == 400, response.content[:300]
    assert "nested more than" in response.json()["errors"]["body"][0]


@pytest.mark.django_db
def test_json_that_only_looks_deep_inside_strings_is_parsed_normally(client):
    payload = json.dumps({"use": "research", "datasets": ["[" * 500 + "{" * 500]})
    response = client.post("/api/v1/check/", payload, content_type="application/json")
    assert response.status_code == 400 and "datasets" in response.json()["errors"]  # an unknown slug, not depth


def test_the_depth_check_counts_nesting_not_brackets():
    assert not json_too_deep(b"[" + b"[]," * 10_000 + b"[]]")
    assert json_too_deep(nested(MAX_JSON_DEPTH + 1, "array").encode())
    assert not json_too_deep(nested(MAX_JSON_DEPTH, "object").encode())
    assert not json_too_deep(json.dumps({"t": '\\"[[[' * 100}).encode())
