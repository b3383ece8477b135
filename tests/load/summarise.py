"""Summarise locust CSV results: one line per step, then the highest load held with zero errors."""

import csv
import sys
from pathlib import Path


def breakdown(title: str, rows: dict) -> None:
    print(f"\n{title}")
    print(f"{'request':<34} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}")
    for name, row in rows.items():
        print(f"{name:<34} {float(row['Requests/s']):>7.1f} {row['50%']:>4}ms {row['95%']:>4}ms {row['99%']:>4}ms")


def main(folder: str, *users: str) -> None:
    best = first = None
    print(f"{'users':>5} {'req/s':>8} {'failures':>8} {'p50':>7} {'p95':>7} {'p99':>7}")
    for n in users:
        path = Path(folder) / f"users-{n}_stats.csv"
        if not path.exists():
            continue
        rows = {row["Name"]: row for row in csv.DictReader(path.open())}
        total = rows["Aggregated"]
        failures = int(total["Failure Count"])
        line = (f"{n:>5} {float(total['Requests/s']):>8.1f} {failures:>8} {total['50%']:>5}ms "
                f"{total['95%']:>5}ms {total['99%']:>5}ms")
        print(line)
        if failures == 0:
            best = (n, rows)
            first = first or (n, rows)
    if first:
        breakdown(f"per request type at {first[0]} users", first[1])
    if best:
        breakdown(f"highest load with zero errors: {best[0]} users", best[1])


if __name__ == "__main__":
    main(sys.argv[1], *sys.argv[2:])
