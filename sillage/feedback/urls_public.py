"""URL patterns of the feedback app's public pages (included by sillage/feedback/urls.py).

Reached by an unguessable token, without signing in: names start with `public_`.
"""

from django.urls import path

from sillage.feedback import views_public

urlpatterns: list = [
    path("s/<str:token>", views_public.public_survey, name="public_survey"),
    path("s/<str:token>/merci", views_public.public_thanks, name="public_thanks"),
    path("w/<str:token>.js", views_public.public_widget_js, name="public_widget_js"),
]
