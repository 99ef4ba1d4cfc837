"""URL patterns of the feedback app's public_email pages (included by sillage/feedback/urls.py)."""

urlpatterns: list = []
