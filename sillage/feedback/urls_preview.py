"""URL patterns of the feedback app's preview pages (included by sillage/feedback/urls.py)."""

from django.urls import path

from sillage.feedback import views_public

urlpatterns: list = [
    path(
        "surveys/<int:survey_id>/preview/",
        views_public.survey_preview,
        name="survey_preview",
    ),
    path(
        "surveys/<int:survey_id>/preview/frame/",
        views_public.survey_preview_frame,
        name="survey_preview_frame",
    ),
]
