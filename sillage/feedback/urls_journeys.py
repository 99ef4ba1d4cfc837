"""URL patterns of the journey map and editor (included by sillage/feedback/urls.py)."""

from django.urls import path

from sillage.feedback import views_journeys as views

urlpatterns: list = [
    path("journeys/", views.journey_list, name="journey_list"),
    path("journeys/new/", views.journey_create, name="journey_create"),
    path("journeys/<int:journey_id>/", views.journey_edit, name="journey_edit"),
    path("journeys/<int:journey_id>/delete/", views.journey_delete, name="journey_delete"),
    path("journeys/<int:journey_id>/stages/new/", views.stage_create, name="stage_create"),
    path("journeys/<int:journey_id>/stages/order/", views.stage_reorder, name="stage_reorder"),
    path("journeys/stages/<int:stage_id>/", views.stage_edit, name="stage_edit"),
    path("journeys/stages/<int:stage_id>/delete/", views.stage_delete, name="stage_delete"),
    path("journeys/stages/<int:stage_id>/move/", views.stage_move, name="stage_move"),
    path(
        "journeys/stages/<int:stage_id>/touchpoints/new/",
        views.touchpoint_create,
        name="touchpoint_create",
    ),
    path(
        "journeys/stages/<int:stage_id>/touchpoints/order/",
        views.touchpoint_reorder,
        name="touchpoint_reorder",
    ),
    path(
        "journeys/touchpoints/<int:touchpoint_id>/", views.touchpoint_edit, name="touchpoint_edit"
    ),
    path(
        "journeys/touchpoints/<int:touchpoint_id>/delete/",
        views.touchpoint_delete,
        name="touchpoint_delete",
    ),
    path(
        "journeys/touchpoints/<int:touchpoint_id>/move/",
        views.touchpoint_move,
        name="touchpoint_move",
    ),
]
