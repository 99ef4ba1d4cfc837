"""URL patterns of the feedback app's imports pages (included by sillage/feedback/urls.py)."""

from django.urls import path

from sillage.feedback import views_imports

urlpatterns: list = [
    path("imports/", views_imports.response_import_list, name="response_import_list"),
    path(
        "imports/template.csv",
        views_imports.response_import_template,
        name="response_import_template",
    ),
    path(
        "imports/<int:import_id>/",
        views_imports.response_import_detail,
        name="response_import_detail",
    ),
]
