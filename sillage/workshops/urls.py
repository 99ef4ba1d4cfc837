"""Workshop pages under /o/<org_slug>/workshops/ and team actions under /o/<org_slug>/actions/."""

from django.urls import path

from sillage.workshops import views, views_actions, views_live

W = "workshops/<int:workshop_id>/"

org_patterns: list = [
    path("workshops/", views.workshop_list, name="workshops_list"),
    path("workshops/new/", views.workshop_create, name="workshops_create"),
    path("workshops/organisation/", views.organization_overview, name="workshops_overview"),
    path(W, views.workshop_detail, name="workshops_detail"),
    path(W + "kit/", views.workshop_kit, name="workshops_kit"),
    path(W + "parking-lot.csv", views.parking_lot_export, name="workshops_parking_lot_csv"),
    path(W + "screen/", views_live.screen, name="workshops_screen"),
    path(W + "step/", views_live.set_step, name="workshops_step"),
    path(W + "ideas/<int:idea_id>/recheck/", views_live.idea_recheck, name="workshops_recheck"),
    path(W + "ideas/<int:idea_id>/commit/", views_live.commit, name="workshops_commit"),
    path(W + "live/", views_live.live, name="workshops_live"),
    path(W + "predict/", views_live.predict, name="workshops_predict"),
    path(W + "ideas/", views_live.idea_submit, name="workshops_idea_submit"),
    path(W + "ideas/<int:idea_id>/vote/", views_live.vote, name="workshops_vote"),
    path(W + "feedback/", views_live.feedback, name="workshops_feedback"),
    path("actions/", views_actions.action_board, name="workshops_actions"),
    path("actions/library/", views_actions.library, name="workshops_library"),
    path("actions/<int:action_id>/", views_actions.action_detail, name="workshops_action_detail"),
    path("actions/<int:action_id>/adopt/", views_actions.adopt, name="workshops_adopt"),
]
public_patterns: list = []
