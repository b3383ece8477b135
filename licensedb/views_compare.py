"""Compare and check pages: the answers people take to their legal review."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from . import comparison
from .checks import check
from .conditional import catalogue_conditional
from .csvcells import wants_excel
from .exports import table_csv
from .api.errors import error_response
from .models import Condition, Dataset
from .selection import SelectionError, parse_slugs, resolve_one, select
from .presentation import summary_count
from .views import bad_request
from .vocabulary import INHERITED_PREFIX, USES, USES_BY_KEY, VerdictValue

FORMATS = ("html", "csv", "json")


def resolve(text: str):
    """The resolver's answer for what someone typed (a slug, name, alias, misspelling or identifier)."""
    return resolve_one(text.strip()[:2000])


def _compare_url(slugs: list[str], **extra) -> str:
    params = {"datasets": ",".join(slugs), **{k: v for k, v in extra.items() if v}}
    return reverse("compare") + "?" + urlencode(params)


@catalogue_conditional
def compare(request: HttpRequest) -> HttpResponse:
    slugs = parse_slugs(request.GET.getlist("datasets"))
    fmt = request.GET.get("format") or "html"
    hide_same = request.GET.get("hide_same") == "1"
    excel = wants_excel(request.GET)
    if fmt not in FORMATS or excel is None:
        errors = {"format": [f"Use one of: {', '.join(FORMATS)}."]} if fmt not in FORMATS else {}
        if excel is None:
            errors["excel"] = ["Use excel=1 for the Excel variant (with a UTF-8 byte-order mark), or leave it out."]
        return error_response(errors=errors) if fmt in ("csv", "json") else bad_request(request, errors)

    added = request.GET.get("add", "")
    add_message = ""
    if added:
        found = resolve(added)
        if found.resolved:
            return redirect(_compare_url(list(dict.fromkeys(slugs + [found.entry.slug])), hide_same="1" if hide_same else ""))
        add_message = found.message
    context = {"slugs": slugs, "hide_same": hide_same, "add_failed": add_message, "uses": USES}
    try:
        datasets = select(slugs, minimum=2, maximum=10)
    except SelectionError as error:
        if fmt in ("csv", "json"):
            return error_response(errors=error.errors)
        known = dict(Dataset.objects.published().filter(slug__in=slugs).values_list("slug", "name"))
        # /compare/ itself, or "Compare with..." from a dataset page (one dataset, picked already):
        # explain and offer the picker, with what is picked so far kept in the form.
        landing = not added and len(slugs) <= 1 and all(s in known for s in slugs)
        context.update(errors={} if landing else error.errors, known=[(s, known[s]) for s in slugs if s in known])
        return render(request, "compare/compare.html", context, status=200 if landing else 400)

    table = comparison.build(datasets)
    rows = [row for row in table.rows if row.differs or not hide_same]
    if fmt == "csv":
        text = table_csv(comparison.Comparison(table.datasets, rows).as_table(), excel=excel)
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="licensedb-compare-{"-".join(slugs)[:80]}.csv"'
        return response
    if fmt == "json":
        return JsonResponse(comparison.Comparison(table.datasets, rows).as_dict(request.build_absolute_uri("/")[:-1]))
    columns = [
        {"dataset": d, "remove": _compare_url([s for s in slugs if s != d.slug], hide_same="1" if hide_same else "")}
        for d in table.datasets
    ]
    base = {"datasets": ",".join(slugs)}
    context.update(
        table=table,
        rows=rows,
        columns=columns,
        differing=sum(1 for row in table.rows if row.differs),
        links={
            "csv": reverse("compare") + "?" + urlencode({**base, "format": "csv", **({"hide_same": 1} if hide_same else {})}),
            "excel": reverse("compare") + "?" + urlencode({**base, "format": "csv", "excel": 1, **({"hide_same": 1} if hide_same else {})}),
            "json": reverse("compare") + "?" + urlencode({**base, "format": "json", **({"hide_same": 1} if hide_same else {})}),
            "toggle": _compare_url(slugs, hide_same="" if hide_same else "1"),
            "provenance": reverse("export-provenance") + "?" + urlencode(base),
            "bibtex": reverse("export-bibtex") + "?" + urlencode(base),
        },
    )
    return render(request, "compare/compare.html", context)


def _corrections(use: str, references: list[str], suggestions: dict) -> list[dict]:
    """For each mistyped reference, what it may have meant, each as a link that checks again with the
    reference replaced (everything else kept)."""
    out = []
    for reference, candidates in suggestions.items():
        links = []
        for slug, name in candidates:
            fixed = [slug if r == reference else r for r in references]
            links.append({"name": name, "slug": slug,
                          "url": reference_url("check", use=use, datasets=", ".join(fixed))})
        out.append({"reference": reference, "candidates": links})
    return out


def reference_url(name: str, **params) -> str:
    return reverse(name) + "?" + urlencode({k: v for k, v in params.items() if v})


def check_page(request: HttpRequest) -> HttpResponse:
    use = request.GET.get("use", "")
    raw = request.GET.get("datasets", "")
    slugs = parse_slugs(request.GET.getlist("datasets"))
    context = {"uses": USES, "use": use, "datasets_text": ", ".join(slugs) if slugs else raw, "values": VerdictValue}
    if not use and not slugs:
        return render(request, "compare/check.html", context)
    errors: dict[str, list[str]] = {}
    if use not in USES_BY_KEY:
        errors["use"] = [f"Choose one of the uses: {', '.join(USES_BY_KEY)}."]
    try:
        datasets = select(slugs, minimum=1, maximum=50)
    except SelectionError as error:
        errors.update(error.errors)
        context["did_you_mean"] = _corrections(use, slugs, error.suggestions)
    if errors:
        context["errors"] = errors
        return render(request, "compare/check.html", context, status=400)
    result = check(use, datasets)
    ancestors = {r.decided_by.removeprefix(INHERITED_PREFIX) for _, r in result.items if r.decided_by.startswith(INHERITED_PREFIX)}
    names = {d.slug: d.name for d in datasets}
    context.update(
        result=result,
        use_obj=USES_BY_KEY[use],
        condition_names=dict(Condition.objects.values_list("slug", "name")),
        ancestor_names=dict(Dataset.objects.filter(slug__in=ancestors).values_list("slug", "name")),
        blocking=[(slug, names.get(slug, slug)) for slug in result.blocking],
        summary=summary_count([r.value for _, r in result.items], USES_BY_KEY[use].label),
    )
    return render(request, "compare/check.html", context)

