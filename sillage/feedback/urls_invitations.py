"""URL patterns of the feedback app's invitations pages (included by sillage/feedback/urls.py)."""

urlpatterns: list = []
