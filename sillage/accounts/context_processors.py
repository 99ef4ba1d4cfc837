from django.http import HttpRequest

from sillage.accounts.models import Membership
from sillage.accounts.scope import Perm


def navigation(request: HttpRequest) -> dict[str, object]:
    """The shell's navigation: the current organisation, the viewer's rights, other orgs."""
    scope = getattr(request, "scope", None)
    context: dict[str, object] = {"scope": scope, "Perm": Perm}
    if scope is not None:
        context["organization"] = scope.organization
        context["can"] = {perm.value: scope.can(perm) for perm in Perm}
        context["other_memberships"] = (
            Membership.objects.active()
            .filter(user=request.user)
            .exclude(organization=scope.organization)
            .select_related("organization")
        )
    return context
