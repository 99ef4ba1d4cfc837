"""URL patterns of the feedback app's surveys pages (included by sillage/feedback/urls.py)."""

urlpatterns: list = []
