"""The organisation's customer contacts: who may be invited by email, and who unsubscribed."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sillage.accounts.decorators import org_view
from sillage.accounts.scope import Perm, Scope
from sillage.feedback import services_invitation_emails as services
from sillage.feedback.models import Contact, InvitationStatus

PER_PAGE = 50
STATES = {
    "subscribed": Q(unsubscribed_at__isnull=True),
    "unsubscribed": Q(unsubscribed_at__isnull=False),
}


def _contacts(scope: Scope, query: str, state: str) -> QuerySet[Contact]:
    contacts = Contact.objects.for_scope(scope)
    if query:
        contacts = contacts.filter(
            Q(email__icontains=query) | Q(name__icontains=query) | Q(external_id=query)
        )
    if state in STATES:
        contacts = contacts.filter(STATES[state])
    return contacts.annotate(
        invited=Count("invitations"),
        answered=Count("invitations", filter=Q(invitations__status=InvitationStatus.ANSWERED)),
    ).order_by("email")


@org_view(Perm.MANAGE_DISTRIBUTION)
def contact_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    state = request.GET.get("state", "")
    page = Paginator(_contacts(scope, query, state), PER_PAGE).get_page(request.GET.get("page"))
    everyone = Contact.objects.for_scope(scope)
    return render(
        request,
        "feedback/invitations/contacts.html",
        {
            "page": page,
            "query": query,
            "state": state,
            "total": everyone.count(),
            "unsubscribed": everyone.filter(STATES["unsubscribed"]).count(),
            "frequency_days": scope.organization.contact_frequency_days,
        },
    )


@org_view(Perm.MANAGE_DISTRIBUTION)
def contact_unsubscribe(request: HttpRequest, scope: Scope, contact_id: int) -> HttpResponse:
    """Record a customer's wish not to be invited again, told to staff (phone, branch)."""
    contact = get_object_or_404(Contact.objects.for_scope(scope), pk=contact_id)
    if request.method != "POST":  # after the lookup: another organisation's id is a 404
        return HttpResponseNotAllowed(["POST"])
    if services.contact_unsubscribe(contact=contact):
        messages.success(
            request, _("%(email)s will no longer be invited.") % {"email": contact.email}
        )
    return redirect("contact_list", org_slug=scope.organization.slug)
