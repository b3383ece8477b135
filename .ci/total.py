"""Total the tests that ran in CI from the runners' own reports, and print the closing line.

    python .ci/total.py pytest:sqlite=reports/sqlite.xml pytest:postgres=reports/postgres.xml \
                        schemathesis:fuzz=reports/fuzz.json

JUnit XML (pytest --junitxml): passed = tests - failures - errors - skipped, per testsuite.
schemathesis's JSON run report (--report json): every generated test case counts; a case with a
failure, an errored case and every run-level error count as failed. A report that is missing or
unreadable counts as one failure of that runner. Exits 1 when anything failed.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET


def junit(path: str) -> tuple[int, int, int]:
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    passed = failed = skipped = 0
    for suite in suites:
        tests, failures, errors, skips = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
        passed += tests - failures - errors - skips
        failed += failures + errors
        skipped += skips
    if not suites or passed + failed + skipped == 0:
        raise ValueError("the report holds no test")
    return passed, failed, skipped


def schemathesis(path: str) -> tuple[int, int, int]:
    report = json.load(open(path, encoding="utf-8"))
    cases = report["test_cases"]
    failed = cases["with_failures"] + cases["errored"] + sum(e.get("count", 1) for e in report.get("errors", []))
    passed = max(cases["generated"] - cases["with_failures"] - cases["errored"], 0)
    if report.get("exit_code", 0) != 0 and failed == 0:
        failed = 1  # the run failed in a way its counts do not show
    if cases["generated"] == 0:
        raise ValueError("schemathesis generated no test case")
    return passed, failed, 0


READERS = {"pytest": junit, "schemathesis": schemathesis}


def main(arguments: list[str]) -> int:
    total = [0, 0, 0]
    for argument in arguments:
        label, path = argument.split("=", 1)
        kind, name = label.split(":", 1)
        try:
            counts = READERS[kind](path)
        except (OSError, ValueError, KeyError, ET.ParseError) as error:
            print(f"  {name:<12} no usable report ({error}): counted as 1 failed")
            counts = (0, 1, 0)
        print(f"  {name:<12} {counts[0]:>6} passed {counts[1]:>4} failed {counts[2]:>4} skipped   ({kind}, {path})")
        total = [a + b for a, b in zip(total, counts)]
    print(f"ci: {total[0]} passed, {total[1]} failed, {total[2]} skipped")
    return 1 if total[1] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
