"""Staff pages under /o/<org_slug>/cases/ and the customer's follow-up page at /r/<token>/."""

from django.urls import path

from sillage.cases import views, views_admin, views_public

org_patterns = [
    path("cases/", views.case_inbox, name="case_inbox"),
    path("cases/reassign/", views.case_bulk_reassign, name="case_bulk_reassign"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/note/", views.case_note, name="case_note"),
    path("cases/<int:case_id>/contact/", views.case_contact, name="case_contact"),
    path("cases/<int:case_id>/status/", views.case_status, name="case_status"),
    path("cases/<int:case_id>/assign/", views.case_assign, name="case_assign"),
    path("cases/<int:case_id>/leader/", views.case_leader, name="case_leader"),
    path("cases/<int:case_id>/watch/", views.case_watch, name="case_watch"),
    path(
        "cases/open/<int:response_id>/",
        views.case_open_from_response,
        name="case_open_from_response",
    ),
    path("cases/metrics/", views_admin.loop_metrics_page, name="case_metrics"),
    path("cases/metrics/panel/", views_admin.loop_panel, name="case_loop_panel"),
    path("cases/flags/", views_admin.flag_list, name="case_flags"),
    path("cases/preferences/", views_admin.preferences, name="case_preferences"),
    path("cases/rules/", views_admin.rule_list, name="case_rule_list"),
    path("cases/rules/new/", views_admin.rule_edit, name="case_rule_create"),
    path("cases/rules/preview/", views_admin.rule_preview_view, name="case_rule_preview"),
    path("cases/rules/<int:rule_id>/", views_admin.rule_edit, name="case_rule_edit"),
    path("cases/settings/", views_admin.policy_edit, name="case_policy"),
    path("cases/settings/holidays/", views_admin.holiday_add, name="case_holiday_add"),
    path(
        "cases/settings/holidays/<int:holiday_id>/delete/",
        views_admin.holiday_delete,
        name="case_holiday_delete",
    ),
    path("cases/root-causes/", views_admin.root_cause_list, name="case_root_causes"),
    path(
        "cases/root-causes/<int:root_cause_id>/",
        views_admin.root_cause_edit,
        name="case_root_cause_edit",
    ),
]

public_patterns = [
    path("r/<str:token>/", views_public.public_case_follow_up, name="public_case_follow_up"),
]
