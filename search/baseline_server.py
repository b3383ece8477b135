"""The benchmark's baseline served over HTTP: the hand-written SQL of ``search.baseline`` behind a bare
WSGI callable (no framework), run by ``search.httpbench`` under gunicorn with as many workers as the
site. Timing it through the same HTTP client as the API makes "API/baseline" compare two HTTP answers
that both pay for the socket, the server and the JSON, so the ratio measures the site's query design
and framework, not the network stack; the in-process baseline is reported beside it.

GET /?q=<query>[&facet=<facet>&value=<value>] answers {"results": [{"slug": ...}], "count": N,
"facets": {value id: count}}. The database comes from BASELINE_DATABASE_URL.
"""

from __future__ import annotations

import json
import os
from urllib.parse import parse_qs

from .baseline import Baseline

_baseline: Baseline | None = None


def app(environ, start_response):
    global _baseline
    if _baseline is None:
        _baseline = Baseline(os.environ["BASELINE_DATABASE_URL"])
    params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if environ.get("PATH_INFO") == "/healthz":
        body = b"ok"
    else:
        facet, value = params.get("facet", [""])[0], params.get("value", [""])[0]
        answer = _baseline.search(params.get("q", [""])[0], (facet, value) if facet else None)
        body = json.dumps({"results": [{"slug": s} for s in answer.slugs], "count": answer.count,
                           "facets": answer.facets}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
