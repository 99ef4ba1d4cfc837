"""The WSGI application: pages through the full middleware chain, the JSON API through a short one.

A call to /api/v1/ authenticates with a bearer token and reads or writes JSON: the session,
CSRF, authentication, messages, htmx and allauth middleware only cost it time (about a tenth
of recording one response). `settings.API_MIDDLEWARE` lists what it keeps. Both chains serve
the same URLconf; a path outside `settings.API_PATH_PREFIX` never meets the short chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import django
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler


class ApiHandler(WSGIHandler):
    """Django's handler, with `settings.API_MIDDLEWARE` as its chain."""

    def load_middleware(self, is_async: bool = False) -> None:  # noqa: FBT001, FBT002
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.API_MIDDLEWARE  # read by Django's loader only
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


class RoutedHandler(WSGIHandler):
    """The full chain, except for paths under `settings.API_PATH_PREFIX`."""

    def __init__(self) -> None:
        super().__init__()
        self.api = ApiHandler()
        self.api_prefix = settings.API_PATH_PREFIX

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(self.api_prefix):
            return self.api(environ, start_response)
        return super().__call__(environ, start_response)


def get_application() -> RoutedHandler:
    django.setup(set_prefix=False)
    return RoutedHandler()
