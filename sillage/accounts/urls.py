from django.urls import include, path

from sillage.accounts import views
from sillage.cases import urls as cases_urls
from sillage.feedback import urls as feedback_urls
from sillage.insights import urls as insights_urls
from sillage.pulse import urls as pulse_urls
from sillage.textai import urls as textai_urls
from sillage.workshops import urls as workshops_urls

org_patterns = [
    path("", views.org_home, name="org_home"),
    path("brand.css", views.brand_css, name="brand_css"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:unit_id>/move/", views.unit_move, name="unit_move"),
    path("units/<int:unit_id>/archive/", views.unit_archive, name="unit_archive"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/<int:membership_id>/", views.membership_edit, name="membership_edit"),
    path("import/", views.staff_import, name="staff_import"),
    path("settings/", views.organization_settings, name="organization_settings"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.organization_switch, name="organization_switch"),
    path("language/", views.language_switch, name="language_switch"),
    path("me/", views.profile, name="profile"),
    path("invite/<str:uidb64>/<str:token>/", views.invite_accept, name="invite_accept"),
    path("o/<slug:org_slug>/", include(org_patterns)),
    path("o/<slug:org_slug>/", include(feedback_urls.org_patterns)),
    path("", include(feedback_urls.public_patterns)),
    path("o/<slug:org_slug>/", include(pulse_urls.org_patterns)),
    path("o/<slug:org_slug>/", include(insights_urls.org_patterns)),
    path("", include(pulse_urls.public_patterns)),
    path("o/<slug:org_slug>/", include(textai_urls.org_patterns)),
    path("o/<slug:org_slug>/", include(cases_urls.org_patterns)),
    path("", include(cases_urls.public_patterns)),
    path("o/<slug:org_slug>/", include(workshops_urls.org_patterns)),
    path("", include(workshops_urls.public_patterns)),
]
