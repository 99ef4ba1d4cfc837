"""The WSGI application: pages through the full middleware chain; the JSON API and the public
survey pages, which carry no session, through a short one.

A call to /api/v1/ authenticates with a bearer token; a customer reaches /s/<token> by its
token and the page sets no cookie and keeps no CSRF token (sillage/feedback/views_public.py).
The session, CSRF, authentication, messages, htmx and allauth middleware only cost those
requests time, about a tenth of recording one answer. `settings.STATELESS_MIDDLEWARE` lists
what they keep; `settings.STATELESS_PATH_PREFIXES` which paths they are. Both chains serve the
same URLconf.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import django
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler


class StatelessHandler(WSGIHandler):
    """Django's handler, with `settings.STATELESS_MIDDLEWARE` as its chain."""

    def load_middleware(self, is_async: bool = False) -> None:  # noqa: FBT001, FBT002
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.STATELESS_MIDDLEWARE  # read by Django's loader only
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


class RoutedHandler(WSGIHandler):
    """The full chain, except for paths under `settings.STATELESS_PATH_PREFIXES`."""

    def __init__(self) -> None:
        super().__init__()
        self.stateless = StatelessHandler()
        self.stateless_prefixes = tuple(settings.STATELESS_PATH_PREFIXES)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(self.stateless_prefixes):
            return self.stateless(environ, start_response)
        return super().__call__(environ, start_response)


def get_application() -> RoutedHandler:
    django.setup(set_prefix=False)
    return RoutedHandler()
