"""Real servers for the tests that need them: gunicorn, nginx and redis-server in subprocesses, on
loopback ports, against a database of their own (committed data, which the test database's rolled-back
transactions cannot give). Ports come from LICENSEDB_TEST_PORTS ("8700-8749") when set, else the
kernel picks free ones.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
_used: set[int] = set()


def free_port() -> int:
    span = os.environ.get("LICENSEDB_TEST_PORTS", "")
    candidates = range(int(span.split("-")[0]), int(span.split("-")[1]) + 1) if "-" in span else [0] * 20
    for port in candidates:
        if port and port in _used:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            port = probe.getsockname()[1]
        _used.add(port)
        return port
    raise RuntimeError("no free port")


def get(url: str, timeout: float = 10, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def send(url: str, method: str, body: bytes, headers: dict | None = None, timeout: float = 30) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Process:
    """A subprocess in a process group of its own, stopped (group and all) on exit."""

    def __init__(self, args: list[str], env: dict | None = None, log: Path | None = None, cwd: Path = ROOT):
        self.log = log or Path(tempfile.mkstemp(suffix=".log")[1])
        self._out = open(self.log, "wb")
        self.popen = subprocess.Popen(args, cwd=cwd, env={**os.environ, **(env or {})}, stdout=self._out,
                                      stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        if not self._out.closed:
            self._out.flush()
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        self._out.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def wait_until_up(url: str, process: Process, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"{url}: the server exited:\n{process.output()[-3000:]}")
        try:
            get(url, timeout=2)
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up:\n{process.output()[-3000:]}")


def server_env(database_url: str, **extra) -> dict:
    return {
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "LICENSEDB_ENV": "development",
        "LOG_LEVEL": "WARNING",
        "LICENSEDB_THROTTLE_ANON": "100000/minute",
        "LICENSEDB_THROTTLE_CURATOR": "100000/minute",
        **extra,
    }


def gunicorn(database_url: str, workers: int = 2, threads: int = 1, env: dict | None = None,
             timeout: int = 30) -> tuple[Process, str]:
    port = free_port()
    args = [str(VENV_BIN / "gunicorn"), "licensedb.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--threads", str(threads), "--timeout", str(timeout), "--graceful-timeout", "2", "--log-level", "warning"]
    process = Process(args, env=server_env(database_url, **(env or {})))
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/healthz", process)
    return process, base


def manage(database_url: str, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **server_env(database_url)},
                            input=stdin, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def nginx_available() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


def nginx(upstream: str, workdir: Path) -> tuple[Process, str]:
    """nginx with the repository's site configuration, its ports and paths moved into ``workdir``."""
    site = (ROOT / "deploy" / "nginx" / "licensedb.conf").read_text()
    port = free_port()
    assert "server 127.0.0.1:8000;" in site and "listen 80;" in site
    site = site.replace("server 127.0.0.1:8000;", f"server {upstream.removeprefix('http://')};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    (workdir / "site.conf").write_text(site)
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (workdir / name).mkdir(exist_ok=True)
    main = f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {workdir}/access.log;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    include {workdir}/site.conf;
}}
"""
    (workdir / "nginx.conf").write_text(main)
    binary = nginx_available()
    check = subprocess.run([binary, "-t", "-p", str(workdir), "-c", str(workdir / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = Process([binary, "-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-g", "daemon off;"])
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/healthz", process)
    return process, base


def redis_server() -> tuple[Process, str]:
    port = free_port()
    process = Process([shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                       "--appendonly", "no"])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("redis-server did not come up:\n" + process.output())
