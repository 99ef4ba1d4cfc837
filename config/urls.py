from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from sillage.accounts import views as account_views
from sillage.api import api

urlpatterns = [
    path("healthz", account_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("", include("sillage.accounts.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
