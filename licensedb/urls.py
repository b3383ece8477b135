from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("datasets/", views.dataset_list, name="dataset-list"),
    path("datasets/<slug:slug>/", views.dataset_detail, name="dataset-detail"),
    path("datasets/<slug:slug>/history/", views.dataset_history, name="dataset-history"),
    path("licences/", views.licence_list, name="licence-list"),
    path("licences/<str:slug>/", views.licence_detail, name="licence-detail"),
    path("platforms/", views.platform_list, name="platform-list"),
    path("platforms/<slug:slug>/", views.platform_detail, name="platform-detail"),
    path("about/", views.about, name="about"),
    path("search/", include("search.urls")),
    path("api/v1/", include("licensedb.api.urls")),
    path("admin/", admin.site.urls),
]



