"""Staff pages under /o/<org_slug>/ and public pages (if any) of this app."""

from django.urls import path  # noqa: F401

org_patterns: list = []
public_patterns: list = []
