"""URL patterns of the feedback app's distribution pages (included by sillage/feedback/urls.py)."""

from django.urls import path

from sillage.feedback import views_distribution as views

urlpatterns: list = [
    path("surveys/<int:survey_id>/links/", views.survey_links, name="survey_links"),
    path("surveys/<int:survey_id>/widget/", views.survey_widget, name="survey_widget"),
    path("links/<int:link_id>/toggle/", views.link_toggle, name="link_toggle"),
    path("links/<int:link_id>/qr.svg", views.link_qr_svg, name="link_qr_svg"),
    path("links/<int:link_id>/qr.png", views.link_qr_png, name="link_qr_png"),
    path("links/<int:link_id>/poster/", views.link_poster, name="link_poster"),
]
