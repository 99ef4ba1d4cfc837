"""URL patterns of the feedback app's public_email pages (included by sillage/feedback/urls.py)."""

from django.urls import path

from sillage.feedback import views_invitations

urlpatterns: list = [
    path("u/<str:token>", views_invitations.public_unsubscribe, name="public_unsubscribe"),
]
