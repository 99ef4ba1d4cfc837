"""The feedback app's URLs: staff pages under /o/<org_slug>/, public pages at the root."""

from django.urls import include, path

from sillage.feedback import (
    urls_contacts,
    urls_distribution,
    urls_imports,
    urls_invitations,
    urls_journeys,
    urls_preview,
    urls_public,
    urls_public_email,
    urls_surveys,
)

org_patterns = [
    path("", include(urls_journeys)),
    path("", include(urls_surveys)),
    path("", include(urls_distribution)),
    path("", include(urls_invitations)),
    path("", include(urls_contacts)),
    path("", include(urls_imports)),
    path("", include(urls_preview)),
]

public_patterns = [path("", include(urls_public)), path("", include(urls_public_email))]
