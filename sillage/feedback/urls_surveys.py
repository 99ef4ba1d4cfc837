"""URL patterns of the survey list and builder (included by sillage/feedback/urls.py)."""

from django.urls import path

from sillage.feedback import views_surveys as views

QUESTION = "surveys/<int:survey_id>/questions/<int:question_id>/"

urlpatterns: list = [
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:survey_id>/", views.survey_edit, name="survey_edit"),
    path("surveys/<int:survey_id>/publish/", views.survey_publish, name="survey_publish"),
    path("surveys/<int:survey_id>/duplicate/", views.survey_duplicate, name="survey_duplicate"),
    path("surveys/<int:survey_id>/questions/new/", views.question_create, name="question_create"),
    path(
        "surveys/<int:survey_id>/questions/order/",
        views.question_reorder,
        name="question_reorder",
    ),
    path(QUESTION, views.question_edit, name="question_edit"),
    path(f"{QUESTION}delete/", views.question_delete, name="question_delete"),
    path(f"{QUESTION}move/", views.question_move, name="question_move"),
    path(f"{QUESTION}required/", views.question_required, name="question_required"),
]
