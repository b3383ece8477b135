"""``licensedb``: the command-line client, for people and for CI gates.

    licensedb audit [--use USE ...] [--server URL | --catalogue FILE] [--format table|json|markdown] FILE|-
    licensedb resolve REFERENCE [--server URL | --catalogue FILE]

It asks a licensedb server (``--server``, default ``$LICENSEDB_SERVER`` or http://127.0.0.1:8000), or
works offline from the catalogue JSON export (``--catalogue``, from ``/export/catalogue.json``), with
the same resolver and the same rules of the answer as the site.

Exit status: 0 when every reference resolves and every use is allowed; 1 when a use is blocked or
conditional; 2 when a reference does not resolve, the input is bad or the server cannot be asked
(one line on standard error says why).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from .audit import Answer, AuditInputError, Line, Report, read_references, read_uses, summarise
from .identifiers import normalise
from .resolver import NOT_FOUND, RESOLVED, Entry, Index, Resolution, resolve

DEFAULT_SERVER = "http://127.0.0.1:8000"
TIMEOUT = 60


class CLIError(Exception):
    """Reported on one line of standard error, with exit status 2."""


# --- offline: the catalogue export ---------------------------------------------------------------


def load_catalogue(path: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CLIError(f"cannot read the catalogue {path}: {error.strerror or error}") from error
    except ValueError as error:
        raise CLIError(f"{path} is not a licensedb catalogue export (not JSON)") from error
    if not isinstance(data, dict) or not isinstance(data.get("datasets"), list):
        raise CLIError(f"{path} is not a licensedb catalogue export (no 'datasets' list): get one from /export/catalogue.json")
    records = data["datasets"]
    if records and "answers" not in records[0]:
        raise CLIError(f"{path} is an older catalogue export without the answers an audit needs: export it again")
    return data


def catalogue_index(catalogue: dict) -> Index:
    index = Index()
    for record in catalogue["datasets"]:
        identifiers = []
        for item in record.get("identifiers") or []:
            key = item.get("key")
            if not key:
                try:
                    key = normalise(item["kind"], item["value"])
                except (KeyError, ValueError):
                    continue
            identifiers.append((item["kind"], key))
        index.add(Entry("dataset", record["slug"], record["name"]), aliases=record.get("aliases") or [],
                  identifiers=identifiers)
    for record in catalogue.get("models") or []:
        identifiers = [(i["kind"], i["key"]) for i in record.get("identifiers") or [] if i.get("key")]
        index.add(Entry("model", record["slug"], record["name"]), aliases=record.get("aliases") or [], identifiers=identifiers)
    return index.finish()


def offline_report(references: list[str], uses: tuple[str, ...], catalogue: dict) -> Report:
    from .vocabulary import MODEL_USE_FOR_DATASET_USE

    index = catalogue_index(catalogue)
    by_slug = {record["slug"]: record for record in catalogue["datasets"]}
    models = {record["slug"]: record for record in catalogue.get("models") or []}
    lines = []
    for reference in references:
        resolution = resolve(reference, index)
        if resolution.status not in (RESOLVED, NOT_FOUND):
            raise CLIError(resolution.message)
        line = Line(reference, resolution)
        if resolution.resolved and resolution.entry.kind == "model":
            record = models[resolution.entry.slug]
            line.answers = {}
            for use in uses:
                answer = record["answers"][MODEL_USE_FOR_DATASET_USE.get(use, "commercial_use")]
                line.answers[use] = Answer(value=answer["effective"], own=answer["weights"], decided_by=answer["decided_by"],
                                           evidence=({"url": record["url"], "location": "licensedb entry", "accessed": None, "summary": ""},))
        elif resolution.resolved:
            record = by_slug[resolution.entry.slug]
            line.answers = {use: _answer(record, use) for use in uses}
        lines.append(line)
    named = {line.resolution.entry.slug for line in lines if line.resolved and line.resolution.entry.kind == "dataset"}
    pulled: dict[str, list[str]] = {}
    for slug in sorted(named):
        frontier, seen = list(by_slug[slug].get("derived_from") or []), set()
        while frontier:
            parent = frontier.pop(0)
            if parent in seen or parent not in by_slug:
                continue
            seen.add(parent)
            if parent not in named:
                pulled.setdefault(parent, []).append(slug)
            frontier += by_slug[parent].get("derived_from") or []
    ancestors = []
    for slug, by in pulled.items():
        record = by_slug[slug]
        line = Line(slug, Resolution(slug, RESOLVED, Entry("dataset", slug, record["name"]), "lineage"), ancestor_of=tuple(by))
        line.answers = {use: Answer(value=record["own_terms"][use], own=record["own_terms"][use], decided_by="dataset_terms")
                        for use in uses}
        ancestors.append(line)
    overall, blocking, conditions = summarise(uses, lines, ancestors)
    return Report(uses, lines, ancestors, overall, blocking, conditions, int(catalogue.get("revision") or 0),
                  str(catalogue.get("generated") or ""))


def _answer(record: dict, use: str) -> Answer:
    answer = record["answers"][use]
    return Answer(
        value=answer["effective"], own=answer.get("own", answer["effective"]), decided_by=answer.get("decided_by", ""),
        conditions=tuple(answer.get("conditions") or ()),
        evidence=({"url": record["url"], "location": "licensedb entry", "accessed": None, "summary": ""},),
    )


# --- online: the server ------------------------------------------------------------------------------


def _request(url: str, payload: dict | None = None) -> dict:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET",
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (the user's own server)
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        try:
            body = json.loads(error.read().decode("utf-8"))
        except ValueError:
            body = {}
        detail = body.get("references") or body.get("detail") or body.get("uses") or body or error.reason
        if isinstance(detail, list):
            detail = " ".join(str(d) for d in detail)
        raise CLIError(f"the server refused the audit ({error.code}): {detail}") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise CLIError(f"cannot reach the licensedb server at {url}: {reason}") from error
    except ValueError as error:
        raise CLIError(f"the server at {url} did not answer with JSON") from error


def server_audit(references: list[str], uses: tuple[str, ...], server: str) -> dict:
    return _request(server.rstrip("/") + "/api/v1/audit/", {"references": references, "uses": list(uses)})


# --- output --------------------------------------------------------------------------------------------


def _table(body: dict) -> str:
    uses = body["uses"]
    rows = [["reference", "entry", *uses]]
    for line in body["lines"]:
        entry = line["entry"]["slug"] if line.get("entry") else f"NOT FOUND{': did you mean ' + ', '.join(s['slug'] for s in line['suggestions'][:3]) if line.get('suggestions') else ''}"
        cells = []
        for use in uses:
            answer = line["verdicts"].get(use)
            if not answer:
                cells.append("unclear")
                continue
            cell = answer["verdict"]
            if answer.get("conditions"):
                cell += f" [{', '.join(answer['conditions'])}]"
            cells.append(cell)
        rows.append([line["reference"][:60], entry, *cells])
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    text = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    text.append("")
    for use in uses:
        overall = body["overall"][use]
        extra = f" (set by {', '.join(overall['blocking'][:5])})" if overall["blocking"] else ""
        if overall["conditions"]:
            extra += f"; conditions: {', '.join(overall['conditions'])}"
        text.append(f"overall {use}: {overall['verdict']}{extra}")
    for line in body.get("ancestors") or []:
        text.append(f"pulled in through lineage: {line['entry']['slug']} (reused by {', '.join(line.get('pulled_in_by', []))})")
    if body.get("url"):
        text.append(f"report: {body['url']}")
    return "\n".join(text) + "\n"


def _read_input(path: str) -> tuple[bytes, str]:
    if path == "-":
        return sys.stdin.buffer.read(), ""
    try:
        return Path(path).read_bytes(), Path(path).name
    except OSError as error:
        raise CLIError(f"cannot read {path}: {error.strerror or error}") from error


def cmd_audit(args) -> int:
    data, name = _read_input(args.file)
    try:
        references = read_references(data, name)
        uses = read_uses(args.use)
    except AuditInputError as error:
        raise CLIError(str(error)) from error
    if args.catalogue:
        from . import audit_reports

        report = offline_report(references, uses, load_catalogue(args.catalogue))
        body = audit_reports.report_json(report, "")
        if args.format == "markdown":
            sys.stdout.write(audit_reports.report_markdown(report))
            return report.exit_status
    else:
        body = server_audit(references, uses, args.server)
        if args.format == "markdown":
            markdown_url = body.get("exports", {}).get("md")
            if markdown_url:
                sys.stdout.write(_request_text(markdown_url))
            return int(body["exit_status"])
    if args.format == "json":
        sys.stdout.write(json.dumps(body, indent=1, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(_table(body))
    return int(body["exit_status"])


def _request_text(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError) as error:
        raise CLIError(f"cannot fetch the report at {url}: {getattr(error, 'reason', error)}") from error


def cmd_resolve(args) -> int:
    if args.catalogue:
        resolution = resolve(args.reference, catalogue_index(load_catalogue(args.catalogue)))
        body = {"status": resolution.status, "match": resolution.match,
                "entry": resolution.entry.slug if resolution.entry else None,
                "candidates": [c.slug for c in resolution.candidates], "message": resolution.message}
    else:
        url = args.server.rstrip("/") + "/api/v1/resolve/?" + urllib.parse.urlencode({"ref": args.reference})
        answer = _request(url)
        body = {"status": answer["status"], "match": answer.get("match"),
                "entry": answer["entry"]["slug"] if answer.get("entry") else None,
                "candidates": [c["slug"] for c in answer.get("candidates") or []], "message": answer.get("message", "")}
    if args.format == "json":
        sys.stdout.write(json.dumps(body) + "\n")
    else:
        sys.stdout.write((body["entry"] or body["message"]) + "\n")
    return 0 if body["status"] == RESOLVED else 2


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="licensedb", description="Ask licensedb what you may do with the datasets you train on.")
    sub = main.add_subparsers(dest="command", required=True)

    def where(p):
        group = p.add_mutually_exclusive_group()
        group.add_argument("--server", default=os.environ.get("LICENSEDB_SERVER", DEFAULT_SERVER),
                           help="licensedb server (default: $LICENSEDB_SERVER or %(default)s)")
        group.add_argument("--catalogue", help="work offline from a catalogue export (/export/catalogue.json)")
        p.add_argument("--format", choices=["table", "json", "markdown"], default="table")

    audit = sub.add_parser("audit", help="audit a list of references (exit 0 pass, 1 blocked/conditional, 2 unresolved/bad input)")
    audit.add_argument("file", help="references: a text file (one per line), CSV, JSON, a model card, or - for standard input")
    audit.add_argument("--use", action="append", help="a use to check (repeatable; default commercial_training and model_release)")
    where(audit)
    audit.set_defaults(run=cmd_audit)

    one = sub.add_parser("resolve", help="say which entry a reference names")
    one.add_argument("reference")
    where(one)
    one.set_defaults(run=cmd_resolve)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CLIError as error:
        print(f"licensedb: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 2


if __name__ == "__main__":
    sys.exit(main())
