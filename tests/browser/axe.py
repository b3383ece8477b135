"""axe-core in the browser tests: inject the copy npm installed (``make axe``; package.json pins it)
and fail on any violation of moderate impact or worse."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("moderate", "serious", "critical")


def axe_violations(page, impacts=SERIOUS) -> list[dict]:
    """The violations axe-core finds on the page as it is now (WCAG 2.x A and AA plus best practices)."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `make axe` (npm ci) first.")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # the site's content security policy allows only its own scripts: add axe as a script element
        # through the browser's debugging protocol instead (page.add_script_tag would be refused)
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in results if v["impact"] in impacts]


def assert_no_axe_violations(page) -> None:
    found = axe_violations(page)
    assert not found, "axe-core: " + "; ".join(f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in found)
