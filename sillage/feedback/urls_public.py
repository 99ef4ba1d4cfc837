"""URL patterns of the feedback app's public pages (included by sillage/feedback/urls.py)."""

urlpatterns: list = []
