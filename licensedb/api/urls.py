from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from search.api import SearchView

from . import audit, models_api, views
from .root import ApiRootView

# the entry point is our own view: it lists every endpoint, not only the router's, and has a page for browsers
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("datasets", views.DatasetViewSet, basename="api-dataset")
router.register("licences", views.LicenceViewSet, basename="api-licence")
router.register("platforms", views.PlatformViewSet, basename="api-platform")
router.register("models", models_api.ModelViewSet, basename="api-model")

urlpatterns = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves its start-up script as a file, so the docs obey the content security policy
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"), name="api-docs"),
    path("search/", SearchView.as_view(), name="api-search"),
    path("uses/", views.UsesView.as_view(), name="api-uses"),
    path("check/", views.CheckView.as_view(), name="api-check"),
    path("changes/", views.ChangesView.as_view(), name="api-changes"),
    path("resolve/", audit.ResolveView.as_view(), name="api-resolve"),
    path("audit/", audit.AuditView.as_view(), name="api-audit"),
    path("audit/<slug:audit_id>/", audit.AuditDetailView.as_view(), name="api-audit-detail"),
    *router.urls,
    # any other reference in a dataset URL (a Hugging Face id has a slash): resolved, then redirected
    path("datasets/<path:reference>/", views.DatasetReferenceView.as_view(), name="api-dataset-reference"),
]
