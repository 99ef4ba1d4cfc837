from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from sillage.accounts.scope import Perm, Scope, scope_from_request

OrgView = Callable[..., HttpResponse]


def org_view(perm: Perm = Perm.VIEW_HOME) -> Callable[[OrgView], OrgView]:
    """Build the viewer's scope from `/o/<org_slug>/…` and pass it to the view.

    Not signed in: the login page. Not a member, or a role without `perm`: 404.
    """

    def decorator(view: OrgView) -> OrgView:
        @wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope: Scope = scope_from_request(request, org_slug)
            scope.require(perm)
            request.scope = scope  # type: ignore[attr-defined]
            if request.user.last_organization_id != scope.organization.pk:
                request.user.last_organization = scope.organization
                request.user.save(update_fields=["last_organization"])
            return view(request, scope, *args, **kwargs)

        return wrapper

    return decorator
