"""Pulse pages: staff pages under /o/<org_slug>/pulse/, the employee answer page."""

from django.urls import path

from sillage.pulse import views

org_patterns = [
    path("pulse/", views.pulse_home, name="pulse_home"),
    path("pulse/campaigns/", views.campaign_list, name="pulse_campaign_list"),
    path("pulse/campaigns/new/", views.campaign_create, name="pulse_campaign_create"),
    path(
        "pulse/campaigns/<int:campaign_id>/",
        views.campaign_detail,
        name="pulse_campaign_detail",
    ),
    path(
        "pulse/campaigns/<int:campaign_id>/edit/", views.campaign_edit, name="pulse_campaign_edit"
    ),
    path(
        "pulse/campaigns/<int:campaign_id>/open/", views.campaign_open, name="pulse_campaign_open"
    ),
    path("pulse/campaigns/<int:campaign_id>/end/", views.campaign_end, name="pulse_campaign_end"),
    path("pulse/questions/", views.item_bank, name="pulse_item_bank"),
    path("pulse/waves/<int:wave_id>/", views.wave_report, name="pulse_wave_report"),
    path("pulse/waves/<int:wave_id>/comments/", views.wave_comments, name="pulse_wave_comments"),
    path("pulse/waves/<int:wave_id>/export.csv", views.wave_export, name="pulse_wave_export"),
    path(
        "pulse/waves/<int:wave_id>/participation/",
        views.wave_participation,
        name="pulse_wave_participation",
    ),
    path("pulse/waves/<int:wave_id>/close/", views.wave_close, name="pulse_wave_close"),
]

public_patterns = [
    path("p/<str:token>/", views.public_answer, name="public_pulse_answer"),
]
