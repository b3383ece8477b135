from django.contrib import admin
from django.urls import include, path

from . import views, views_audit, views_changes, views_compare, views_exports, views_models
from .conditional import catalogue_conditional

urlpatterns = [
    path("", views.home, name="home"),
    path("datasets/", views.dataset_list, name="dataset-list"),
    path("datasets/<slug:slug>/", views.dataset_detail, name="dataset-detail"),
    path("datasets/<slug:slug>/history/", views.dataset_history, name="dataset-history"),
    path("datasets/<slug:slug>/cite.bib", views_exports.dataset_bibtex, name="dataset-bibtex"),
    path("datasets/<slug:slug>/croissant.json", views_exports.dataset_croissant, name="dataset-croissant"),
    path("datasets/<path:reference>/", views.dataset_by_reference, name="dataset-reference"),
    path("models/", views_models.model_list, name="model-list"),
    path("models/<slug:slug>/", views_models.model_detail, name="model-detail"),
    path("compare/", views_compare.compare, name="compare"),
    path("check/", views_compare.check_page, name="check"),
    path("audit/", views_audit.audit_page, name="audit"),
    path("audit/<slug:audit_id>/", views_audit.audit_detail, name="audit-detail"),
    path("audit/<slug:audit_id>/report.<str:fmt>", views_audit.audit_export, name="audit-export"),
    path("export/catalogue.csv", views_exports.catalogue_csv, name="export-catalogue-csv"),
    path("export/catalogue.json", views_exports.catalogue_json, name="export-catalogue-json"),
    path("export/catalogue.bib", views_exports.catalogue_bibtex, name="export-catalogue-bibtex"),
    path("export/cite.bib", views_exports.selection_bibtex, name="export-bibtex"),
    path("export/models.csv", views_exports.models_csv, name="export-models-csv"),
    path("export/models.json", views_exports.models_json, name="export-models-json"),
    path("export/provenance.md", views_exports.provenance, name="export-provenance"),
    path("changes/", views_changes.changes_page, name="changes"),
    path("changes/feed/", catalogue_conditional(views_changes.ChangesFeed()), name="changes-feed"),
    path("licences/", views.licence_list, name="licence-list"),
    path("licences/<str:slug>/", views.licence_detail, name="licence-detail"),
    path("platforms/", views.platform_list, name="platform-list"),
    path("platforms/<slug:slug>/", views.platform_detail, name="platform-detail"),
    path("about/", views.about, name="about"),
    path("about/coverage/", views.coverage, name="coverage"),
    path("vocab/", views.vocab, name="vocab"),
    path("search/", include("search.urls")),
    path("api/v1/", include("licensedb.api.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
]




handler404 = "licensedb.views.page_not_found"
handler500 = "licensedb.views.server_error"
