"""URL patterns of the feedback app's journeys pages (included by sillage/feedback/urls.py)."""

urlpatterns: list = []
