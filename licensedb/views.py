"""Server-rendered pages. Business rules live in plain modules; views only gather and render."""

from __future__ import annotations

import hashlib

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property

from . import history, licensing, presentation, stats, verdict_store
from .claims import check_claims
from .text import country_name
from .filters import SORTS, DatasetFilter
from .params import MAX_PAGE, ParameterError, whole_number
from .models import (
    Condition,
    Dataset,
    DatasetLicence,
    Evidence,
    JurisdictionNote,
    Licence,
    PlatformVerdict,
    SourcePlatform,
)
from .verdicts import MEDIA_USES
from .vocabulary import LAYER_HELP, USE_KEYS, USES, USES_BY_KEY, Layer, LicenceLayer, VerdictValue

LIST_PAGE_SIZE = 25


def bad_request(request: HttpRequest, errors: dict[str, list[str]], status: int = 400) -> HttpResponse:
    """A page that names each bad parameter and says what it accepts."""
    return render(request, "400.html", {"errors": errors, "restart": request.path.replace("\x00", "")}, status=status)


def list_queryset():
    """Published datasets with what a list row shows, in a fixed number of queries."""
    current_lines = DatasetLicence.objects.current().filter(layer=LicenceLayer.DATASET_TERMS).select_related("licence")
    return (
        Dataset.objects.published()
        .select_related("effective")
        .prefetch_related(
            "organisations",
            "platforms",
            "distribution",
            Prefetch("licence_lines", queryset=current_lines, to_attr="current_terms"),
        )
    )


class RevisionPaginator(Paginator):
    """A paginator that counts a filtered catalogue once per catalogue revision: the count walks every
    matching entry (50 ms at 100k), while the page itself is read from the name index and stops."""

    @cached_property
    def count(self) -> int:
        items = self.object_list
        try:
            sql, params = items.query.sql_with_params()
        except (AttributeError, EmptyResultSet):
            return super().count
        key = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        return stats.per_revision(f"list-count:{key}", items.count)


def paginate(request: HttpRequest, items, per_page: int = LIST_PAGE_SIZE):
    """The requested page, or an error message naming the `page` parameter."""
    paginator = RevisionPaginator(items, per_page)
    try:
        return paginator.page(whole_number(request.GET.get("page"), "page", minimum=1, maximum=MAX_PAGE, default=1)), None
    except ParameterError as error:
        return None, error.errors
    except EmptyPage:
        return None, {"page": [f"There are only {paginator.num_pages} page(s) of results."]}


def home(request: HttpRequest) -> HttpResponse:
    numbers = stats.catalogue_stats()
    commercial = dict(numbers.commercial_counts)
    usable = commercial.get(VerdictValue.ALLOWED, 0) + commercial.get(VerdictValue.CONDITIONAL, 0)
    return render(
        request,
        "home.html",
        {
            "counts": numbers.counts,
            "commercial_counts": numbers.commercial_counts,
            "commercial_usable": usable,
            "commercial_conditional": commercial.get(VerdictValue.CONDITIONAL, 0),
            # both read tables that grow with the catalogue (history, every dataset sorted by year): kept
            # per revision, they cost the home page nothing until the next edit (they were 588 ms of 600 at 100k)
            "changes": stats.per_revision("home-changes", lambda: history.grouped(history.changes(limit=60))[:8]),
            "examples": stats.per_revision(
                "home-examples", lambda: list(Dataset.objects.published().order_by("-year", "name")[:6])),
        },
    )


VIEWS = ("list", "table")
TABLE_PAGE_SIZE = 100


def dataset_list(request: HttpRequest) -> HttpResponse:
    """The catalogue as a list of entries, or (``view=table``) as a matrix: one row per dataset, one
    column per use. Both take the same facets; the table also sorts by a use's verdict."""
    from django.utils.http import urlencode

    from .presentation import TABLE_SORTS, order_by_verdict

    params = request.GET.copy()
    for key in list(params):  # the filter form sends "any" as an empty value: it means no filter
        kept = [value for value in params.getlist(key) if value != ""]
        params.setlist(key, kept) if kept else params.pop(key)
    view = params.pop("view", ["list"])[-1] or "list"
    if view not in VIEWS:
        return bad_request(request, {"view": [f"Use one of: {', '.join(VIEWS)}."]})
    if "sort" not in params:
        params["sort"] = "name"
    verdict_sort = params["sort"] if view == "table" and params["sort"] in TABLE_SORTS else ""
    if verdict_sort:
        params["sort"] = "name"
    filterset = DatasetFilter(params, queryset=list_queryset(), request=request)
    if not filterset.is_valid():
        return bad_request(request, filterset.errors)
    items = order_by_verdict(filterset.qs, verdict_sort) if verdict_sort else filterset.qs
    page, error = paginate(request, items, per_page=TABLE_PAGE_SIZE if view == "table" else LIST_PAGE_SIZE)
    if error:
        return bad_request(request, error)
    ignored = ("page", "sort", "view")
    active = {key: request.GET.getlist(key) for key in request.GET if key not in ignored and request.GET.get(key)}
    facets = [(key, value) for key, values in active.items() for value in values]
    numbers = stats.catalogue_stats()
    return render(
        request,
        "datasets/table.html" if view == "table" else "datasets/list.html",
        {
            "filterset": filterset,
            "page": page,
            "view": view,
            "sorts": SORTS,
            "current_sort": verdict_sort or params.get("sort"),
            "active": active,
            "usable_for": [USES_BY_KEY[k] for k in active.get("usable_for", []) if k in USES_BY_KEY],
            "verdict_values": VerdictValue.choices,
            "licences": numbers.licences_in_use,
            "platforms": numbers.platforms_in_use,
            "facet_query": urlencode(facets),
            "condition_names": dict(Condition.objects.values_list("slug", "name")) if view == "table" else {},
            "csv_url": reverse("export-catalogue-csv") + ("?" + urlencode(facets) if facets else ""),
        },
    )


def _published_or_404(slug: str) -> Dataset:
    return get_object_or_404(Dataset.objects.published(), slug=slug)


def dataset_by_reference(request: HttpRequest, reference: str, kinds=("dataset",)) -> HttpResponse:
    """/datasets/<alias, old slug or identifier>/ (or /models/...): a permanent redirect to the entry's
    own page. A guess is offered as "did you mean", never followed."""
    from django.http import HttpResponsePermanentRedirect

    from .resolver import RESOLVED
    from .resolver_index import current_index
    from .resolver import resolve

    resolution = resolve(reference, current_index(), kinds=set(kinds))
    exact = resolution.match in ("slug", "former_slug", "name", "alias") or resolution.match.startswith("identifier:")
    if resolution.status == RESOLVED and exact:
        name = "dataset-detail" if resolution.entry.kind == "dataset" else "model-detail"
        return HttpResponsePermanentRedirect(reverse(name, args=[resolution.entry.slug]))
    return render(
        request, "404.html",
        {"message": resolution.message if resolution.status != RESOLVED else
         f"Nothing is called “{reference[:80]}”. Did you mean {resolution.entry.name}?",
         "suggestions": resolution.candidates or ((resolution.entry,) if resolution.entry else ())},
        status=404,
    )


def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = (
        Dataset.objects.published()
        .select_related("works_licence")
        .prefetch_related(
            "organisations", "modalities", "platforms", "aliases", "status_evidence", "distribution", "works_evidence"
        )
        .filter(slug=slug)
        .first()
    )
    if dataset is None:
        return dataset_by_reference(request, slug)
    results, catalogue = verdict_store.explain_with_catalogue(dataset)
    lines = list(dataset.licence_lines.select_related("licence").prefetch_related("evidence"))
    claims = list(dataset.claims.select_related("licence"))
    parents = list(dataset.derived_from.published())
    children = list(dataset.derivatives.published())
    ancestor_slugs = {layer.ancestor for result in results.values() for layer in result.layers if layer.ancestor}
    ancestor_names = dict(Dataset.objects.filter(slug__in=ancestor_slugs).values_list("slug", "name"))
    platform_names = dict(SourcePlatform.objects.values_list("slug", "name"))
    platform_names.update({f"platform:{slug}": name for slug, name in list(platform_names.items())})
    condition_names = {c.slug: c for c in Condition.objects.all()}
    names = {slug: c.name for slug, c in condition_names.items()}
    grid = [
        {
            "use": use,
            "result": results[use.key],
            "conditions": [condition_names[c] for c in results[use.key].conditions if c in condition_names],
            "condition_text": presentation.condition_phrase(results[use.key].conditions, names),
        }
        for use in USES
    ]
    presentation.dedupe_layers(grid)
    current_terms = [l for l in lines if l.is_current and l.layer == LicenceLayer.DATASET_TERMS]
    return render(
        request,
        "datasets/detail.html",
        {
            "dataset": dataset,
            "grid": grid,
            "ancestor_names": ancestor_names,
            "platform_names": platform_names,
            "condition_names": condition_names,
            "current_terms": current_terms,
            "data_licence": licensing.label(current_terms, empty="no licence recorded"),
            "headlines": presentation.headlines(results, names),
            "code_licences": [l for l in lines if l.is_current and l.layer == LicenceLayer.CODE],
            "past_terms": [l for l in lines if not l.is_current],
            "claims": check_claims(claims, lines),
            "parents": parents,
            "children": children,
            "provenance": verdict_store.provenance(dataset, catalogue),
            "trained_models": list(
                dataset.used_by_models.filter(model__publication="published").select_related("model", "model__effective")
                .order_by("model__name", "role")
            ),
            "countries": [country_name(code) for code in dataset.countries or []],
        },
    )


def dataset_history(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _published_or_404(slug)
    return render(
        request,
        "datasets/history.html",
        {"dataset": dataset, "changes": history.changes(dataset=dataset, limit=200)},
    )


def licence_list(request: HttpRequest) -> HttpResponse:
    return render(request, "licences/list.html", {"licences": stats.catalogue_stats().licences})


def licence_detail(request: HttpRequest, slug: str) -> HttpResponse:
    licence = get_object_or_404(Licence, slug=slug)
    lines = (
        DatasetLicence.objects.filter(licence=licence, dataset__publication="published")
        .select_related("dataset", "dataset__effective")
        .order_by("dataset__name")
    )
    return render(
        request,
        "licences/detail.html",
        {
            "licence": licence,
            "current": [l for l in lines if l.is_current and l.layer == LicenceLayer.DATASET_TERMS],
            "code": [l for l in lines if l.is_current and l.layer == LicenceLayer.CODE],
            "past": [l for l in lines if not l.is_current],
            "claims": licence.claims.filter(dataset__publication="published").select_related("dataset"),
        },
    )


def platform_list(request: HttpRequest) -> HttpResponse:
    rows = [
        (p, {v.use: v.value for v in p.verdicts.all() if v.layer == Layer.PLATFORM_TERMS},
         {v.use: v.value for v in p.verdicts.all() if v.layer == Layer.RIGHTS_IN_WORKS})
        for p in stats.catalogue_stats().platforms
    ]
    return render(request, "platforms/list.html", {"rows": rows, "use_keys": USE_KEYS})


def platform_detail(request: HttpRequest, slug: str) -> HttpResponse:
    platform = get_object_or_404(SourcePlatform, slug=slug)
    verdicts = {
        (v.layer, v.use): v
        for v in PlatformVerdict.objects.filter(platform=platform).prefetch_related("conditions", "evidence")
    }
    notes = list(JurisdictionNote.objects.all())
    sections = [
        {
            "layer": Layer.PLATFORM_TERMS,
            "title": "What its terms allow, per use",
            "help": LAYER_HELP[Layer.PLATFORM_TERMS] + " They count only for uses that need the videos fetched "
            "from the platform: not for sharing a URL list or annotations, nor for training on released features.",
            "applies": platform.terms_apply,
            "uses": USES,
            "missing": "No verdict recorded",
            "not_applying": "The platform's terms bind nobody who uses these videos (for example, the creators "
            "recorded them themselves): there is no platform-terms layer.",
        },
        {
            "layer": Layer.RIGHTS_IN_WORKS,
            "title": "Rights in its videos, by default",
            "help": LAYER_HELP[Layer.RIGHTS_IN_WORKS] + " These defaults hold when nothing more is known of a video "
            "than that it comes from here; a dataset whose creators say which videos they took records its own.",
            "applies": platform.rights_apply,
            "uses": [use for use in USES if use.key in MEDIA_USES],
            "missing": "No default recorded",
            "not_applying": "The rights in these videos are the creators' own: the dataset's terms cover them.",
        },
    ]
    for section in sections:
        section["grid"] = [
            {
                "use": use,
                "verdict": verdicts.get((section["layer"], use.key)),
                "notes": [n for n in notes if use.key in (n.uses or [])],
            }
            for use in section.pop("uses")
        ]
    datasets = platform.datasets.published().select_related("effective")
    return render(
        request,
        "platforms/detail.html",
        {"platform": platform, "sections": sections, "datasets": datasets, "evidence": platform.evidence.all()},
    )


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "about.html", {"uses": USES, "verdict_values": VerdictValue.choices})


def coverage(request: HttpRequest) -> HttpResponse:
    from . import coverage as coverage_module

    return render(request, "coverage.html", {"coverage": coverage_module.compute()})


def vocab(request: HttpRequest) -> HttpResponse:
    """The namespace of the terms the machine-readable exports use (see licensedb.croissant)."""
    from .croissant import vocabulary_namespace

    return render(request, "vocab.html", {
        "uses": USES, "verdict_values": VerdictValue.choices, "conditions": Condition.objects.order_by("name"),
        "namespace": vocabulary_namespace(request.build_absolute_uri("/")[:-1]),
    })


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when every configured database answers, 503 otherwise."""
    from django.db import DatabaseError, connections
    from django.http import JsonResponse

    checks = {}
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            checks[alias] = "ok"
        except DatabaseError as error:
            checks[alias] = f"error: {error.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", "databases": checks}, status=200 if healthy else 503)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (no valid CSRF token): JSON under /api/, a page that looks like the site elsewhere."""
    message = "This form could not be accepted: reload the page and send it again (your session may have expired)."
    if request.path.startswith("/api/"):
        from .api.errors import error_response

        return error_response("CSRF check failed: send an API token instead of a session cookie, or a CSRF token.", status=403)
    return render(request, "403_csrf.html", {"message": message}, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404s: JSON under /api/, the site's own page elsewhere."""
    if request.path.startswith("/api/"):
        from .api.errors import error_response

        return error_response(f"Nothing at {request.path[:200]}. See /api/v1/docs/ for the API.", status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Uncaught exceptions, wherever they were raised (views or middleware): a 503 with Retry-After
    while the database is unreachable, else the static 500 page (JSON under /api/)."""
    import sys

    from django.template.loader import render_to_string

    from . import outage

    exception = sys.exc_info()[1]
    if outage.is_outage(exception):
        return outage.unavailable(request, exception)
    if request.path.startswith("/api/"):
        from .api.errors import error_response

        return error_response("Something went wrong on our side; it has been logged.", status=500)
    return HttpResponse(render_to_string("500.html"), status=500)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico; the icon is a static file (its URL is only known at request time
    in production, where static names carry a content hash)."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("favicon.svg"))
