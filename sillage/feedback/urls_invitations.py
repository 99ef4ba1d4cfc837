"""URL patterns of the feedback app's invitations pages (included by sillage/feedback/urls.py)."""

from django.urls import path

from sillage.feedback import views_invitations as views

urlpatterns: list = [
    path(
        "surveys/<int:survey_id>/invitations/", views.survey_invitations, name="survey_invitations"
    ),
    path(
        "surveys/<int:survey_id>/invitations/retry/",
        views.survey_invitations_retry,
        name="survey_invitations_retry",
    ),
]
