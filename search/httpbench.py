"""The HTTP benchmark behind ``manage.py benchsearch`` and ``manage.py benchpages``.

What it does, in order:

1. builds (once per size) a synthetic catalogue in a database of its own (``synthetic_catalogue``,
   set-based bulk inserts), unless it already holds that many datasets;
2. starts the production command, gunicorn with ``gunicorn.conf.py`` and ``LICENSEDB_ENV=production``,
   on a loopback port against that database, with the API's rate limits off (it refuses to run when
   the environment turns them on: a 429 would be measured as a fast answer) and the answer caches off
   (the search cache and the page cache would answer repeated requests without doing the work);
3. sends every request over HTTP from a pool of client threads, at concurrency 1 and 8, and fails
   loudly on any answer that is not a 200;
4. times the hand-written SQL baseline (``search.baseline``) for the same answers, and, on SQLite,
   Datasette serving the same file (installed into a virtualenv of its own under ``bench-data/``,
   never a project dependency);
5. writes a Markdown and a JSON report with p50, p95 and requests/s per query class and per page, and
   the ratios the performance goals are stated in.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

SEARCH_CLASSES = ["rare", "medium", "frequent", "two_terms", "prefix", "typo", "phrase", "filter_only"]
PAGES = ["home", "list", "list_page_50_filtered", "detail", "compare", "licences", "platforms"]
FILTER = ("commercial_training", "allowed")


class BenchError(RuntimeError):
    """The benchmark cannot give an honest figure (a non-200, a throttle, a server that never started)."""


@dataclass
class Series:
    """Latencies (ms) of one query class or page at one concurrency, and its throughput."""

    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def summary(self) -> dict:
        return {"n": len(self.latencies), "p50_ms": round(self.p50, 2), "p95_ms": round(self.p95, 2),
                "rps": round(self.rps, 1)}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


# --- HTTP ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, headers: dict | None = None, first_byte_only: bool = False) -> tuple[int, float, float, bytes]:
    """(status, ms to the whole answer, ms to the first byte of the body, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    conn.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **(headers or {})})
    response = conn.getresponse()
    first = response.read(1)
    ttfb = (time.perf_counter() - start) * 1000
    body = first if first_byte_only else first + response.read()
    total = (time.perf_counter() - start) * 1000
    status = response.status
    conn.close()
    return status, total, ttfb, body


def drive(port: int, paths: list[str], requests: int, concurrency: int) -> Series:
    """``requests`` GETs cycling through ``paths`` from ``concurrency`` threads; any non-200 raises."""
    todo = [paths[i % len(paths)] for i in range(requests)]
    series = Series()
    lock = threading.Lock()
    failures: list[str] = []

    def one(path):
        status, ms, _, body = get(port, path)
        with lock:
            if status != 200:
                failures.append(f"{status} for {path}: {body[:300]!r}")
            series.latencies.append(ms)

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, todo))
    series.wall = time.perf_counter() - start
    if failures:
        raise BenchError(f"{len(failures)} answer(s) were not 200, first: {failures[0]}")
    return series


def wait_until_up(port: int, path: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise BenchError(f"the server exited with {process.returncode} before answering")
        try:
            status, *_ = get(port, path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise BenchError(f"the server did not answer {path} within {seconds} s")


# --- servers -------------------------------------------------------------------------------------


def server_env(database_url: str, workers: int) -> dict:
    for name in ("LICENSEDB_THROTTLE_ANON", "LICENSEDB_THROTTLE_CURATOR"):
        value = os.environ.get(name)
        if value is not None and value.strip().lower() not in ("off", "none", ""):
            raise BenchError(f"{name}={value} turns rate limits on; the benchmark runs with them off "
                             f"(unset it or set it to 'off') so that no answer is a 429 measured as fast.")
    return {
        **os.environ,
        "LICENSEDB_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "LICENSEDB_THROTTLE_ANON": "off",
        "LICENSEDB_THROTTLE_CURATOR": "off",
        "LICENSEDB_SEARCH_CACHE_SECONDS": "0",
        "LICENSEDB_PAGE_CACHE_SECONDS": "0",
        "WEB_CONCURRENCY": str(workers),
        "WEB_TIMEOUT": "600",
        "LOG_LEVEL": "WARNING",
    }


class Gunicorn:
    """The site under gunicorn with production settings (``server_env``), on a free loopback port."""

    def __init__(self, base: Path, database_url: str, workers: int, log: Path):
        self.base, self.database_url, self.workers, self.log = base, database_url, workers, log
        self.port = free_port()

    def __enter__(self):
        env = {**server_env(self.database_url, self.workers), "BIND": f"127.0.0.1:{self.port}"}
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=self.base, env=env,
                       check=True)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.out = open(self.log, "ab")
        self.process = subprocess.Popen([str(gunicorn), "licensedb.wsgi", "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null"],
                                        cwd=self.base, env=env, stdout=self.out, stderr=self.out)
        wait_until_up(self.port, "/healthz", self.process)
        return self

    def workers_rss(self) -> dict[int, tuple[int, int]]:
        """{worker pid: (VmRSS kB, VmHWM kB)}."""
        out = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("PPid", "").strip() == str(self.process.pid):
                out[int(entry.name)] = (int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0]))
        return out

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.out.close()


class BaselineServer(Gunicorn):
    """The hand-written SQL baseline behind a bare WSGI app (``search.baseline_server``) in gunicorn,
    with the site's worker count, so that it is timed over HTTP like the API."""

    def __enter__(self):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.out = open(self.log, "ab")
        env = {**os.environ, "BASELINE_DATABASE_URL": self.database_url}
        self.process = subprocess.Popen(
            [str(gunicorn), "search.baseline_server:app", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
             "--access-logfile", "/dev/null", "--timeout", "600"],
            cwd=self.base, env=env, stdout=self.out, stderr=self.out)
        wait_until_up(self.port, "/healthz", self.process)
        return self

    @staticmethod
    def path(q: str, filter_value=None) -> str:
        params = {"q": q}
        if filter_value:
            params.update(facet=filter_value[0], value=filter_value[1])
        return "/?" + urlencode(params)


class Datasette:
    """Datasette serving the same SQLite file, read-only, from a virtualenv of its own."""

    def __init__(self, folder: Path, sqlite_path: str, log: Path):
        self.folder, self.sqlite_path, self.log = folder, sqlite_path, log
        self.port = free_port()
        self.venv = folder / "datasette-venv"

    def install(self) -> None:
        binary = self.venv / "bin" / "datasette"
        if binary.exists():
            return
        subprocess.run([sys.executable, "-m", "venv", str(self.venv)], check=True)
        subprocess.run([str(self.venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "datasette"], check=True)

    def __enter__(self):
        self.install()
        self.out = open(self.log, "ab")
        self.process = subprocess.Popen(
            [str(self.venv / "bin" / "datasette"), "serve", "-i", self.sqlite_path, "-h", "127.0.0.1", "-p", str(self.port),
             "--setting", "sql_time_limit_ms", "60000", "--setting", "default_page_size", "20",
             "--setting", "num_sql_threads", "3", "--setting", "suggest_facets", "off"],
            stdout=self.out, stderr=self.out)
        wait_until_up(self.port, "/-/versions.json", self.process)
        return self

    def search_path(self, q: str) -> str:
        table = Path(self.sqlite_path).stem
        # Datasette finds an FTS table only when its SQL says content="<table>" in double quotes; ours
        # says it in single quotes, so the table is named (without it, _search is silently ignored and
        # every query returns the first 20 rows). Facet suggestions are off: a browsing aid, not an answer.
        return f"/{quote(table)}/search_document.json?" + urlencode(
            {"_search": q, "_size": 20, "_shape": "objects", "_fts_table": "search_fts", "_fts_pk": "id"})

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.out.close()


# --- the runs --------------------------------------------------------------------------------------


def search_path(q: str, filter_value=None) -> str:
    params = {"q": q}
    if filter_value:
        params[filter_value[0]] = filter_value[1]
    return "/api/v1/search/?" + urlencode(params)


def query_sets(queries: dict[str, list[str]], baseline, per_class: int) -> dict[str, list[str]]:
    sets = {name: list(queries.get(name, []))[:per_class] for name in SEARCH_CLASSES if queries.get(name)}
    sets["phrase"] = baseline.phrases(per_class)
    sets["filter_only"] = [""]
    return {name: values for name, values in sets.items() if values}


def run_search(port: int, baseline, sets: dict[str, list[str]], requests: int, concurrency: list[int], say,
               baseline_port: int | None = None) -> dict:
    out = {}
    for name, qs in sets.items():
        filter_value = FILTER if name == "filter_only" else None
        paths = [search_path(q, filter_value) for q in qs]
        drive(port, paths, len(paths), 1)  # warm-up: every query once
        row = {"queries": qs}
        for c in concurrency:
            row[f"c{c}"] = drive(port, paths, max(requests, len(paths)), c).summary()
        # the baseline, and whether it gives the same answer
        base = Series()
        agree_count = overlap = 0
        for i in range(max(requests, len(qs))):
            q = qs[i % len(qs)]
            ms, answer = baseline.timed(q, filter_value)
            base.latencies.append(ms)
        base.wall = sum(base.latencies) / 1000
        for q in qs:
            _, answer = baseline.timed(q, filter_value)
            status, _, _, body = get(port, search_path(q, filter_value))
            api = json.loads(body)
            agree_count += api["count"] == answer.count
            api_slugs = [r["slug"] for r in api["results"]]
            overlap += len(set(api_slugs) & set(answer.slugs)) / max(1, len(set(api_slugs) | set(answer.slugs)))
        row["baseline"] = base.summary()
        if baseline_port:  # the same SQL over HTTP, through the same client as the API
            served = [BaselineServer.path(q, filter_value) for q in qs]
            drive(baseline_port, served, len(served), 1)
            row["baseline_http"] = drive(baseline_port, served, max(requests, len(served)), 1).summary()
        row["same_count"] = f"{agree_count}/{len(qs)}"
        row["top20_overlap"] = round(overlap / len(qs), 2)
        out[name] = row
        served = f"   over HTTP {row['baseline_http']['p50_ms']:>6.1f} ms" if "baseline_http" in row else ""
        say(f"  {name:<12} api p50 {row['c1']['p50_ms']:>8.1f} ms   baseline p50 {base.p50:>8.1f} ms{served}")
    return out


def page_paths(info: dict) -> dict[str, list[str]]:
    slugs = info["slugs"]
    trios = [",".join(slugs[i:i + 3]) for i in range(0, min(len(slugs) - 2, 30), 3)]
    return {
        "home": ["/"],
        "list": ["/datasets/"],
        "list_page_50_filtered": [f"/datasets/?category={info['category']}&page={info['page']}"],
        "detail": [f"/datasets/{slug}/" for slug in slugs[:15]],
        "compare": [f"/compare/?datasets={trio}" for trio in trios],
        "licences": ["/licences/"],
        "platforms": ["/platforms/"],
    }


def run_pages(port: int, info: dict, requests: int, concurrency: list[int], say) -> dict:
    out = {}
    for name, paths in page_paths(info).items():
        drive(port, paths, len(paths), 1)
        row = {"paths": paths[:3]}
        for c in concurrency:
            row[f"c{c}"] = drive(port, paths, max(requests, len(paths)), c).summary()
        out[name] = row
        say(f"  {name:<24} p50 {row['c1']['p50_ms']:>8.1f} ms  c8 {row.get('c8', row['c1'])['rps']:>6.1f} req/s")
    return out


def run_export(server: Gunicorn, runs: int, say) -> dict:
    before = server.workers_rss()
    first, total, sizes = [], [], []
    for _ in range(runs):
        status, ms, ttfb, body = get(server.port, "/export/catalogue.csv")
        if status != 200:
            raise BenchError(f"{status} for /export/catalogue.csv")
        first.append(ttfb)
        total.append(ms)
        sizes.append(len(body))
    after = server.workers_rss()
    growth = max(((after[pid][1] - before[pid][0]) for pid in after if pid in before), default=0)
    row = {"first_byte_ms": round(statistics.median(first), 1), "total_ms": round(statistics.median(total), 1),
           "bytes": sizes[0], "worker_peak_rss_growth_mb": round(growth / 1024, 1), "runs": runs}
    say(f"  export CSV first byte {row['first_byte_ms']} ms, whole {row['total_ms']} ms, "
        f"worker RSS growth {row['worker_peak_rss_growth_mb']} MB")
    return row


def run_datasette(folder: Path, sqlite_path: str, sets: dict[str, list[str]], requests: int, concurrency: list[int], say) -> dict:
    out = {}
    with Datasette(folder, sqlite_path, folder / "datasette.log") as ds:
        for name, qs in sets.items():
            if name == "filter_only":
                continue
            paths = [ds.search_path(q) for q in qs]
            drive(ds.port, paths, len(paths), 1)
            out[name] = {f"c{c}": drive(ds.port, paths, max(requests, len(paths)), c).summary() for c in concurrency}
            say(f"  datasette {name:<12} p50 {out[name]['c1']['p50_ms']:>8.1f} ms")
    return out


# --- report ----------------------------------------------------------------------------------------


def ratios(report: dict, other: dict | None) -> dict:
    top = max(report["concurrency"])
    r: dict[str, object] = {}
    search = report.get("search") or {}
    if "frequent" in search and "rare" in search:
        r["frequent_over_rare_p50"] = round(search["frequent"]["c1"]["p50_ms"] / max(0.01, search["rare"]["c1"]["p50_ms"]), 2)
    r["api_over_baseline_p50"] = {name: round(row["c1"]["p50_ms"] / max(0.01, row["baseline"]["p50_ms"]), 2)
                                  for name, row in search.items()}
    r["api_over_baseline_http_p50"] = {name: round(row["c1"]["p50_ms"] / max(0.01, row["baseline_http"]["p50_ms"]), 2)
                                       for name, row in search.items() if "baseline_http" in row}
    ds = report.get("datasette") or {}
    if ds:
        ours = [search[n][f"c{top}"]["rps"] for n in ds if n in search]
        theirs = [ds[n][f"c{top}"]["rps"] for n in ds]
        r[f"search_rps_over_datasette_c{top}"] = {n: round(search[n][f"c{top}"]["rps"] / max(0.01, ds[n][f"c{top}"]["rps"]), 2)
                                                  for n in ds if n in search}
        r[f"search_rps_over_datasette_c{top}_mean"] = round(statistics.mean(ours) / max(0.01, statistics.mean(theirs)), 2)
    if report.get("export"):
        r["csv_first_byte_ms"] = report["export"]["first_byte_ms"]
        r["csv_worker_rss_growth_mb"] = report["export"]["worker_peak_rss_growth_mb"]
    if other and other.get("size") and other["size"] != report["size"]:
        small, large = sorted([other, report], key=lambda x: x["size"])
        key = f"p50_{large['size']}_over_{small['size']}"
        r[key] = {}
        for section in ("pages", "search"):
            for name, row in (large.get(section) or {}).items():
                if name in (small.get(section) or {}):
                    r[key][name] = round(row["c1"]["p50_ms"] / max(0.01, small[section][name]["c1"]["p50_ms"]), 2)
    return r


def markdown(report: dict) -> str:
    top = max(report["concurrency"])
    cs = report["concurrency"]
    lines = [f"# Benchmark: {report['vendor']}, {report['size']:,} datasets", "",
             f"{report['when']}; gunicorn {report['workers']} workers, production settings, rate limits and answer "
             f"caches off; {report['requests']} requests per row and concurrency; command: `{report['command']}`", ""]
    if report.get("search"):
        head = "| query class | " + " | ".join(f"c={c} p50 | c={c} p95 | c={c} req/s" for c in cs)
        head += (" | baseline p50 | baseline p95 | API/baseline | baseline over HTTP p50 | API/baseline over HTTP"
                 " | same count | top-20 overlap |")
        lines += ["## Search API (`/api/v1/search/`)", "", head, "|---" * (1 + 3 * len(cs) + 7) + "|"]
        for name, row in report["search"].items():
            cells = " | ".join(f"{row[f'c{c}']['p50_ms']} | {row[f'c{c}']['p95_ms']} | {row[f'c{c}']['rps']}" for c in cs)
            ratio = report["ratios"]["api_over_baseline_p50"].get(name)
            http_ratio = report["ratios"].get("api_over_baseline_http_p50", {}).get(name, "")
            http_p50 = row.get("baseline_http", {}).get("p50_ms", "")
            lines.append(f"| {name} | {cells} | {row['baseline']['p50_ms']} | {row['baseline']['p95_ms']} | {ratio} | "
                         f"{http_p50} | {http_ratio} | {row['same_count']} | {row['top20_overlap']} |")
        lines.append("")
    if report.get("datasette"):
        lines += [f"## Datasette on the same SQLite file (`?_search=`)", "",
                  "| query class | " + " | ".join(f"c={c} p50 | c={c} req/s" for c in cs) + " |",
                  "|---" * (1 + 2 * len(cs)) + "|"]
        for name, row in report["datasette"].items():
            lines.append(f"| {name} | " + " | ".join(f"{row[f'c{c}']['p50_ms']} | {row[f'c{c}']['rps']}" for c in cs) + " |")
        lines.append("")
    if report.get("pages"):
        lines += ["## Pages", "", "| page | " + " | ".join(f"c={c} p50 | c={c} p95 | c={c} req/s" for c in cs) + " |",
                  "|---" * (1 + 3 * len(cs)) + "|"]
        for name, row in report["pages"].items():
            lines.append(f"| {name} | " + " | ".join(
                f"{row[f'c{c}']['p50_ms']} | {row[f'c{c}']['p95_ms']} | {row[f'c{c}']['rps']}" for c in cs) + " |")
        lines.append("")
    if report.get("export"):
        e = report["export"]
        lines += ["## Catalogue CSV export", "", f"first byte {e['first_byte_ms']} ms, whole file {e['total_ms']} ms "
                  f"({e['bytes']:,} bytes), peak growth of a worker's RSS {e['worker_peak_rss_growth_mb']} MB", ""]
    lines += ["## Ratios", "", "```json", json.dumps(report["ratios"], indent=1), "```", ""]
    return "\n".join(lines)


# --- orchestration ---------------------------------------------------------------------------------


@dataclass
class Options:
    size: int
    requests: int = 40
    concurrency: tuple[int, ...] = (1, 8)
    workers: int = 3
    database_url: str | None = None
    out: Path | None = None
    search: bool = True
    pages: bool = True
    datasette: bool = True
    rebuild: bool = False
    per_class: int = 15
    export_runs: int = 2
    command: str = ""


def catalogue_info(baseline, size: int) -> dict:
    """What the page benchmark asks for: a few slugs, and the licence category with the most entries
    with the page of the list that is 50, or the last one when there are fewer."""
    rows = baseline._rows("SELECT slug FROM search_document ORDER BY id")
    step = max(1, len(rows) // 40)
    slugs = [r[0] for r in rows[::step]][:40]
    counts = baseline._rows(
        "SELECT v.value, COUNT(*) FROM search_facet f JOIN search_facet_value v ON v.id = f.value_id "
        "WHERE v.facet = 'category' GROUP BY v.value ORDER BY 2 DESC")
    category, n = counts[0]
    return {"slugs": slugs, "category": category, "page": max(1, min(50, -(-n // 25)))}


def ensure_catalogue(base: Path, options: Options, url: str, queries_file: Path, say) -> dict:
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "manage.py", "synthetic_catalogue", "--size", str(options.size),
               "--queries-out", str(queries_file), "--reuse"]
    if options.rebuild:
        command.append("--flush")
    start = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=base, env=env, check=True)
    subprocess.run(command, cwd=base, env=env, check=True)
    say(f"catalogue ready in {time.perf_counter() - start:.1f} s")
    return json.loads(queries_file.read_text())


def run(base: Path, options: Options, url: str, say) -> dict:
    from . import baseline as baseline_module

    out = options.out or base / "bench-data"
    out.mkdir(parents=True, exist_ok=True)
    vendor = "sqlite" if url.startswith("sqlite") else "postgresql"
    queries = ensure_catalogue(base, options, url, out / f"queries-{vendor}-{options.size}.json", say)
    baseline = baseline_module.Baseline(url)
    concurrency = list(options.concurrency)
    report: dict = {"vendor": vendor, "size": options.size, "requests": options.requests, "concurrency": concurrency,
                    "workers": options.workers, "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                    "command": options.command, "database": url.split("@")[-1]}
    sets = query_sets(queries, baseline, options.per_class)
    with Gunicorn(base, url, options.workers, out / "gunicorn.log") as server:
        say(f"gunicorn on 127.0.0.1:{server.port} ({options.workers} workers), {vendor}, {options.size} datasets")
        if options.search:
            with BaselineServer(base, url, options.workers, out / "baseline.log") as served:
                report["search"] = run_search(server.port, baseline, sets, options.requests, concurrency, say,
                                              baseline_port=served.port)
        if options.pages:
            report["pages"] = run_pages(server.port, catalogue_info(baseline, options.size), options.requests,
                                        concurrency, say)
            report["export"] = run_export(server, options.export_runs, say)
    baseline.close()
    if options.search and options.datasette and vendor == "sqlite":
        report["datasette"] = run_datasette(out, url.split(":///", 1)[1], sets, options.requests, concurrency, say)
    name = f"report-{vendor}-{options.size}"
    others = sorted(p for p in out.glob(f"report-{vendor}-*.json") if p.stem != name)
    other = json.loads(others[0].read_text()) if others else None
    report["ratios"] = ratios(report, other)
    (out / f"{name}.json").write_text(json.dumps(report, indent=1))
    (out / f"{name}.md").write_text(markdown(report))
    say(f"report: {out / (name + '.md')}")
    return report
