"""URL patterns of the feedback app's distribution pages (included by sillage/feedback/urls.py)."""

urlpatterns: list = []
