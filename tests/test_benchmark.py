"""The shipped benchmark runs (issue 15): ``benchsearch`` at a small size, over HTTP against gunicorn with
production settings, on the database the suite runs on, and writes reports whose baseline gives the
same answers as the API. No timing is asserted; only that every figure was measured."""

import json
import os

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from search import httpbench
from search.management.commands.benchsearch import default_url

SIZE = 120  # a size no one benchmarks for real, so its PostgreSQL database is this test's own


def bench_url(tmp_path) -> str:
    if connection.vendor == "postgresql":
        return default_url(SIZE)  # licensedb_bench_120 on the same server
    return f"sqlite:///{tmp_path / 'bench.sqlite3'}"


def test_benchsearch_measures_every_query_class_and_page_and_its_baseline_agrees(tmp_path):
    call_command("benchsearch", size=SIZE, requests=2, per_class=3, concurrency="1,2", workers=1,
                 no_datasette=True, pages=True, rebuild=True, out=str(tmp_path), database_url=bench_url(tmp_path))
    vendor = connection.vendor
    report = json.loads((tmp_path / f"report-{vendor}-{SIZE}.json").read_text())
    markdown = (tmp_path / f"report-{vendor}-{SIZE}.md").read_text()

    assert set(report["search"]) == set(httpbench.SEARCH_CLASSES)
    for name, row in report["search"].items():
        for column in ("c1", "c2", "baseline", "baseline_http"):
            assert row[column]["p50_ms"] > 0 and row[column]["rps"] > 0, (name, column)
        # the hand-written SQL finds the same number of entries as the API for every query
        done, total = row["same_count"].split("/")
        assert done == total, (name, row["queries"], row["same_count"])
        assert row["top20_overlap"] >= 0.5, (name, row["queries"])
        assert f"| {name} |" in markdown
    assert set(report["pages"]) == set(httpbench.PAGES)
    assert all(row["c2"]["p50_ms"] > 0 for row in report["pages"].values())
    assert report["export"]["first_byte_ms"] > 0 and report["export"]["bytes"] > 0
    assert set(report["ratios"]["api_over_baseline_p50"]) == set(httpbench.SEARCH_CLASSES)
    assert set(report["ratios"]["api_over_baseline_http_p50"]) == set(httpbench.SEARCH_CLASSES)
    assert "frequent_over_rare_p50" in report["ratios"]


def test_benchsearch_refuses_to_run_with_rate_limits_on(tmp_path, monkeypatch):
    monkeypatch.setitem(os.environ, "LICENSEDB_THROTTLE_ANON", "120/min")
    with pytest.raises(CommandError, match="rate limits on"):
        call_command("benchsearch", size=60, requests=1, per_class=1, concurrency="1", workers=1,
                     no_datasette=True, out=str(tmp_path), database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}")
