"""URL patterns of the feedback app's imports pages (included by sillage/feedback/urls.py)."""

urlpatterns: list = []
