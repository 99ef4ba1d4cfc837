"""Text analytics pages under /o/<org_slug>/insights/themes/."""

from django.urls import path

from sillage.textai import views, views_settings

org_patterns: list = [
    path("insights/themes/", views.themes_page, name="textai_themes"),
    path("insights/themes/progress/", views.progress_partial, name="textai_progress"),
    path(
        "insights/themes/responses/<int:response_id>/",
        views.verbatim_page,
        name="textai_verbatim",
    ),
    path(
        "insights/themes/responses/<int:response_id>/sentiment/",
        views.correct_sentiment,
        name="textai_correct_sentiment",
    ),
    path(
        "insights/themes/responses/<int:response_id>/themes/",
        views.correct_theme,
        name="textai_correct_theme",
    ),
    path("insights/themes/settings/", views_settings.settings_page, name="textai_settings"),
    path("insights/themes/settings/reanalyse/", views_settings.reanalyse, name="textai_reanalyse"),
    path("insights/themes/settings/retrain/", views_settings.retrain, name="textai_retrain"),
    path(
        "insights/themes/settings/themes/new/",
        views_settings.theme_create,
        name="textai_theme_create",
    ),
    path(
        "insights/themes/settings/themes/<int:text_theme_id>/",
        views_settings.theme_edit,
        name="textai_theme_edit",
    ),
]
public_patterns: list = []
