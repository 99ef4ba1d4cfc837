"""Email invitations: upload contacts, follow what was sent; the customer's unsubscribe page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from sillage.accounts.decorators import org_view
from sillage.accounts.scope import Perm, Scope
from sillage.feedback import services_invitations as services
from sillage.feedback.models import Contact, Invitation, InvitationStatus, Survey
from sillage.feedback.services_invitation_emails import contact_language, contact_unsubscribe

PER_PAGE = 50
DELIVERED = (InvitationStatus.SENT, InvitationStatus.REMINDED, InvitationStatus.ANSWERED)


class ContactsUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Contacts file (CSV)"),
        help_text=gettext_lazy("UTF-8 or Windows-1252, separated by commas or semicolons."),
    )


def _survey(scope: Scope, survey_id: int) -> Survey:
    return get_object_or_404(
        Survey.objects.for_scope(scope).select_related("touchpoint"), pk=survey_id
    )


def invitation_summary(invitations: QuerySet[Invitation]) -> dict[str, object]:
    """Counts per status and the response rate, in one query."""
    row = invitations.aggregate(
        total=Count("pk"),
        unsubscribed=Count(
            "pk",
            filter=Q(status=InvitationStatus.SKIPPED, error=services.SKIP_UNSUBSCRIBED),
        ),
        **{status: Count("pk", filter=Q(status=status)) for status in InvitationStatus.values},
    )
    delivered = sum(row[status] for status in DELIVERED)
    answered = row[InvitationStatus.ANSWERED]
    return {
        "total": row["total"],
        "statuses": [
            {"value": value, "label": label, "count": row[value]}
            for value, label in InvitationStatus.choices
        ],
        "skipped_unsubscribed": row["unsubscribed"],
        "skipped_recent": row[InvitationStatus.SKIPPED] - row["unsubscribed"],
        "failed": row[InvitationStatus.FAILED],
        "delivered": delivered,
        "answered": answered,
        "response_rate": (100 * answered / delivered) if delivered else None,
    }


@org_view(Perm.MANAGE_DISTRIBUTION)
def survey_invitations(request: HttpRequest, scope: Scope, survey_id: int) -> HttpResponse:
    survey = _survey(scope, survey_id)
    bound = request.method == "POST"
    form = ContactsUploadForm(request.POST if bound else None, request.FILES if bound else None)
    report = None
    can_invite = services.survey_can_invite(survey)
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            report = services.invitations_import_csv(survey=survey, raw=raw)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if report.ok and report.result is not None:
                result = report.result
                messages.success(
                    request,
                    _(
                        "%(created)s invitations created and being sent; %(skipped)s not sent "
                        "(contact rule or unsubscribed); %(existing)s already invited to this "
                        "survey."
                    )
                    % {
                        "created": result.created,
                        "skipped": result.skipped,
                        "existing": result.existing,
                    },
                )
                return redirect(
                    "survey_invitations", org_slug=scope.organization.slug, survey_id=survey.pk
                )
    invitations = Invitation.objects.for_scope(scope).filter(survey=survey)
    status = request.GET.get("status", "")
    listed = invitations.select_related("contact", "unit", "touchpoint").order_by("-pk")
    if status in InvitationStatus.values:
        listed = listed.filter(status=status)
    page = Paginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    for invitation in page:
        invitation.reason = services.SKIP_REASONS.get(invitation.error, "")  # type: ignore[attr-defined]
    return render(
        request,
        "feedback/invitations/list.html",
        {
            "survey": survey,
            "form": form,
            "report": report,
            "can_invite": can_invite,
            "summary": invitation_summary(invitations),
            "page": page,
            "status": status,
            "columns": services.CONTACT_COLUMNS,
            "frequency_days": scope.organization.contact_frequency_days,
        },
        status=400 if report is not None and not report.ok else 200,
    )


@org_view(Perm.MANAGE_DISTRIBUTION)
def survey_invitations_retry(request: HttpRequest, scope: Scope, survey_id: int) -> HttpResponse:
    survey = _survey(scope, survey_id)  # before the method check: a foreign id is a 404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    count = services.invitations_retry_failed(survey=survey)
    messages.success(
        request,
        translation.ngettext(
            "%(count)s failed invitation is being sent again.",
            "%(count)s failed invitations are being sent again.",
            count,
        )
        % {"count": count},
    )
    return redirect("survey_invitations", org_slug=scope.organization.slug, survey_id=survey.pk)


@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" with no session
def public_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every invitation: GET asks to confirm, POST unsubscribes (one click)."""
    contact = Contact.objects.select_related("organization").filter(unsubscribe_token=token).first()
    if contact is None:
        raise Http404
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    done = False
    if request.method == "POST":
        contact_unsubscribe(contact=contact)
        done = True
    organization = contact.organization
    language = contact_language(contact, organization)
    with translation.override(language):
        response = render(
            request,
            "feedback/invitations/unsubscribe.html",
            {
                "contact": contact,
                "organization": organization,
                "done": done,
                "language": language,
                "LANGUAGE_CODE": language,
            },
        )
    response["Content-Language"] = language
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to another site
    return response
