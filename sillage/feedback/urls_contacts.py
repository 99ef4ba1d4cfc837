"""URL patterns of the feedback app's contacts pages (included by sillage/feedback/urls.py)."""

from django.urls import path

from sillage.feedback import views_contacts as views

urlpatterns: list = [
    path("contacts/", views.contact_list, name="contact_list"),
    path(
        "contacts/<int:contact_id>/unsubscribe/",
        views.contact_unsubscribe,
        name="contact_unsubscribe",
    ),
]
