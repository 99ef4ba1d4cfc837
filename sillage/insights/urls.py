"""Insights pages under /o/<org_slug>/insights/."""

from django.urls import path

from sillage.insights import views

org_patterns = [
    path("insights/", views.dashboard, name="insights_dashboard"),
    path("insights/units/<int:unit_id>/", views.unit_page, name="insights_unit"),
    path("insights/journeys/<int:journey_id>/", views.journey_page, name="insights_journey"),
    path("insights/verbatims/", views.verbatims_page, name="insights_verbatims"),
    path("insights/verbatims/export/", views.verbatims_export, name="insights_verbatims_export"),
    path("insights/export/", views.table_export, name="insights_table_export"),
]
