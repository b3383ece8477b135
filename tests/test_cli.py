"""The command-line client, end to end: the installed `licensedb` command against a live test server,
and offline from the catalogue export. Exit status 0 pass, 1 blocked or conditional, 2 unresolved or bad."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from licensedb.models import Dataset

from .conftest import FIXTURES

COMMAND = shutil.which("licensedb", path=str(Path(sys.executable).parent)) or "licensedb"


def run(*args, stdin: str | None = None, env=None):
    return subprocess.run([COMMAND, *args], input=stdin, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def server(live_server, transactional_db):
    if not Dataset.objects.exists():
        call_command("loaddata", *FIXTURES, verbosity=0)
    return live_server.url


@pytest.fixture
def catalogue(client, db, tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_bytes(client.get("/export/catalogue.json").content)
    return str(path)


def refs(tmp_path, *lines):
    path = tmp_path / "refs.txt"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.mark.django_db
def test_offline_exit_statuses(catalogue, tmp_path):
    blocked = run("audit", "--catalogue", catalogue, "--use", "commercial_training", refs(tmp_path, "OpenGVLab/InternVid", "Kinetcs-400"))
    assert blocked.returncode == 1, blocked.stderr
    assert "internvid-10m" in blocked.stdout and "overall commercial_training: prohibited" in blocked.stdout
    allowed_slug = next(d.slug for d in Dataset.objects.published().select_related("effective")
                        if d.effective.commercial_training == "allowed")
    passing = run("audit", "--catalogue", catalogue, "--use", "commercial_training", refs(tmp_path, allowed_slug))
    assert passing.returncode == 0, passing.stdout + passing.stderr
    unknown = run("audit", "--catalogue", catalogue, refs(tmp_path, "ego4d", "not-a-dataset-at-all"))
    assert unknown.returncode == 2 and "NOT FOUND" in unknown.stdout
    ambiguous = run("audit", "--catalogue", catalogue, "-", stdin="kinetics\n")
    assert ambiguous.returncode == 2 and ambiguous.stderr.count("\n") == 1 and "several entries" in ambiguous.stderr


@pytest.mark.django_db
def test_offline_json_and_markdown(catalogue, tmp_path):
    out = run("audit", "--catalogue", catalogue, "--format", "json", refs(tmp_path, "panda-70m"))
    body = json.loads(out.stdout)
    assert body["lines"][0]["entry"]["slug"] == "panda-70m"
    assert "hd-vila-100m" in {a["entry"]["slug"] for a in body["ancestors"]}
    markdown = run("audit", "--catalogue", catalogue, "--format", "markdown", refs(tmp_path, "panda-70m"))
    assert markdown.stdout.startswith("# Training-set audit")


@pytest.mark.django_db
@pytest.mark.parametrize("args, stdin, message", [
    (["audit", "--catalogue", "/nonexistent.json", "-"], "ego4d\n", "cannot read the catalogue"),
    (["audit", "-"], "", "No references"),
    (["audit", "--use", "flying", "-"], "ego4d\n", "Unknown use"),
    (["audit", "--server", "http://127.0.0.1:9", "-"], "ego4d\n", "cannot reach"),
])
def test_bad_input_is_exit_2_with_one_line(args, stdin, message):
    result = run(*args, stdin=stdin)
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_binary_input_is_exit_2(tmp_path):
    path = tmp_path / "weights.bin"
    path.write_bytes(b"\x00\x01\x02\x03")
    result = run("audit", "--catalogue", "/nonexistent.json", str(path))
    assert result.returncode == 2 and "not a text file" in result.stderr


@pytest.mark.browser
def test_against_a_live_server(server, tmp_path):
    path = refs(tmp_path, "OpenGVLab/InternVid", "https://github.com/microsoft/XPretrain/tree/main/hd-vila-100m", "arXiv:2203.01577")
    table = run("audit", "--server", server, "--use", "commercial_training", path)
    assert table.returncode == 1, table.stderr
    assert "hd-vila-100m" in table.stdout and "hoi4d" in table.stdout and "report: http" in table.stdout
    env_only = run("audit", "--format", "json", path, env={"LICENSEDB_SERVER": server})
    assert json.loads(env_only.stdout)["exit_status"] == 1
    markdown = run("audit", "--server", server, "--format", "markdown", path)
    assert "# Training-set audit" in markdown.stdout
    assert run("audit", "--server", server, "-", stdin="kinetics\n").returncode == 2
    unresolved = run("audit", "--server", server, "-", stdin="no-such-dataset-anywhere\n")
    assert unresolved.returncode == 2
    resolved = run("resolve", "--server", server, "HDVILA")
    assert resolved.returncode == 0 and resolved.stdout.strip() == "hd-vila-100m"
