"""The audit pages: paste or upload what a model was trained on, get one answer, share it, export it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode

from . import audit_reports, audit_store
from .audit import DEFAULT_USES, AuditInputError, read_references, read_uses
from .audit_store import AmbiguousReferences
from .models import Audit, Condition, Dataset, DatasetLicence
from .vocabulary import USES, LicenceLayer


def read_upload(upload) -> bytes:
    """At most a little more than the audit accepts, so an oversized file is refused, not read whole."""
    from .audit import MAX_INPUT_BYTES

    data = upload.read(MAX_INPUT_BYTES + 1)
    return data


def _form(request: HttpRequest, *, text: str = "", uses=DEFAULT_USES, errors=None, candidates=None, status: int = 200):
    return render(
        request,
        "audit/form.html",
        {"uses": USES, "chosen": set(uses), "text": text, "errors": errors or [], "candidates": candidates or []},
        status=status,
    )


def audit_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form(request)
    text = request.POST.get("references", "")
    upload = request.FILES.get("file")
    chosen = request.POST.getlist("use")
    try:
        uses = read_uses(chosen)
        if upload is not None and upload.size:
            references = read_references(read_upload(upload), upload.name, upload.content_type or "")
        else:
            references = read_references(text)
        audit_store.run(references, uses)  # refuses ambiguous references before anything is kept
    except AmbiguousReferences as error:
        candidates = [(r.reference, r.candidates) for r in error.resolutions]
        return _form(request, text=text, uses=chosen or DEFAULT_USES,
                     errors=["Some references could mean several entries: pick one for each."],
                     candidates=candidates, status=400)
    except AuditInputError as error:
        return _form(request, text=text, uses=chosen or DEFAULT_USES, errors=[str(error)], status=400)
    audit = audit_store.save(references, uses)
    return redirect(audit.get_absolute_url(), permanent=False)


def _report(request: HttpRequest, audit: Audit):
    return audit_store.run(list(audit.references), tuple(audit.uses))


def _condition_names() -> dict[str, str]:
    return dict(Condition.objects.values_list("slug", "name"))


def audit_detail(request: HttpRequest, audit_id: str) -> HttpResponse:
    audit = get_object_or_404(Audit, pk=audit_id)
    report = _report(request, audit)
    names = _condition_names()
    return render(
        request,
        "audit/report.html",
        {
            "audit": audit,
            "report": report,
            "condition_names": names,
            "use_labels": {u.key: u.label for u in USES},
            "rerun": "?" + urlencode({"use": list(audit.uses)}, doseq=True),
        },
    )


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


def audit_export(request: HttpRequest, audit_id: str, fmt: str) -> HttpResponse:
    audit = get_object_or_404(Audit, pk=audit_id)
    report = _report(request, audit)
    url = request.build_absolute_uri(audit.get_absolute_url())
    base = _base(request)
    if fmt == "json":
        return JsonResponse(audit_reports.report_json(report, base, url), json_dumps_params={"ensure_ascii": False})
    if fmt == "csv":
        from .exports import safe_cell

        response = HttpResponse(audit_reports.report_csv(report, safe_cell), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="licensedb-audit-{audit.pk}.csv"'
        return response
    if fmt == "md":
        text = audit_reports.report_markdown(report, base, url, _condition_names())
    else:
        text = audit_reports.eu_summary_markdown(report, eu_datasets(report, base), base, url)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    name = "report" if fmt == "md" else "eu-summary-draft"
    response["Content-Disposition"] = f'inline; filename="licensedb-audit-{audit.pk}-{name}.md"'
    return response


def eu_datasets(report, base_url: str) -> list[dict]:
    """What section 2.1 lists per dataset: name, link, licence note and modalities."""
    slugs = [line.resolution.entry.slug for line in report.lines if line.resolved and line.resolution.entry.kind == "dataset"]
    datasets = {
        d.slug: d for d in Dataset.objects.published().filter(slug__in=slugs).prefetch_related("modalities", "identifiers")
    }
    lines = DatasetLicence.objects.current().filter(
        dataset__slug__in=slugs, layer=LicenceLayer.DATASET_TERMS
    ).select_related("licence", "dataset")
    licences: dict[str, list[str]] = {}
    for line in lines:
        licences.setdefault(line.dataset.slug, []).append(line.licence.short_name)
    out = []
    for slug in dict.fromkeys(slugs):
        d = datasets.get(slug)
        if d is None:
            continue
        official = next((i.url for i in d.identifiers.all() if i.official and i.kind in ("huggingface", "github")), "")
        out.append({
            "slug": slug,
            "name": d.name,
            "link": d.homepage or official or f"{base_url}{d.get_absolute_url()}",
            "licences": licences.get(slug, []),
            "modalities": [m.slug for m in d.modalities.all()],
        })
    return out
