"""URL patterns of the feedback app's preview pages (included by sillage/feedback/urls.py)."""

urlpatterns: list = []
