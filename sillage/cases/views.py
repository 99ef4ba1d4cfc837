"""Case pages: the inbox (mine, my team's), bulk reassignment, a case and what is done on it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sillage.accounts.decorators import org_view
from sillage.accounts.models import Role, User
from sillage.accounts.scope import Perm, Scope
from sillage.cases import selectors, services_work
from sillage.cases.forms import AssignForm, ContactForm, NoteForm, OpenCaseForm, StatusForm
from sillage.cases.models import TRANSITIONS, Case, CaseStatus, FollowUp, Priority, RootCause
from sillage.cases.selectors import InboxFilters
from sillage.cases.services import case_open
from sillage.feedback.models import Response

PAGE_SIZE = 50


def _case(scope: Scope, case_id: int) -> Case:
    return get_object_or_404(
        selectors.cases_for(scope).select_related(
            "unit", "owner", "response__touchpoint", "root_cause", "escalated_to", "organization"
        ),
        pk=case_id,
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _filters(request: HttpRequest, scope: Scope) -> InboxFilters:
    get = request.GET
    tab = get.get("tab") or ("mine" if scope.can(Perm.WORK_CASES) else "team")
    days = _int(get.get("days"))
    return InboxFilters(
        tab=tab if tab in ("mine", "team") else "mine",
        status=get.get("status", "open" if "status" not in get else ""),
        priority=get.get("priority", ""),
        unit=_int(get.get("unit")),
        breached=get.get("breached") == "1",
        root_cause=_int(get.get("root_cause")),
        leader=get.get("leader") == "1",
        detractor=get.get("detractor") == "1",
        sla=get.get("sla", "") if get.get("sla") in ("met", "missed") else "",
        recovered=get.get("recovered") == "1",
        followed_up=get.get("followed_up") == "1",
        since=timezone.now() - timedelta(days=days) if days else None,
    )


@org_view(Perm.VIEW_CASES)
def case_inbox(request: HttpRequest, scope: Scope) -> HttpResponse:
    filters = _filters(request, scope)
    cases = selectors.inbox(scope, request.user, filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/inbox.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "statuses": CaseStatus.choices,
            "priorities": Priority.choices,
            "units": scope.units().active(),
            "owners": selectors.owners_for_scope(scope) if scope.can(Perm.WORK_CASES) else [],
            "now": timezone.now(),
            "root_causes": RootCause.objects.filter(organization=scope.organization),
        },
    )


@org_view(Perm.WORK_CASES)
@require_POST
def case_bulk_reassign(request: HttpRequest, scope: Scope) -> HttpResponse:
    owner = selectors.owners_for_scope(scope).filter(pk=_int(request.POST.get("owner"))).first()
    ids = [int(v) for v in request.POST.getlist("case") if v.isdigit()]
    cases = list(selectors.cases_for(scope).filter(pk__in=ids).select_related("unit"))
    if owner is None or not cases:
        messages.error(request, _("Choose cases and the person to give them to."))
        return redirect("case_inbox", scope.organization.slug)
    moved = refused = 0
    for case in cases:
        try:
            moved += int(services_work.case_assign(case=case, owner=owner, by=request.user))
        except ValidationError:
            refused += 1
    messages.success(
        request,
        _("%(moved)s case(s) given to %(name)s.") % {"moved": moved, "name": owner},
    )
    if refused:
        messages.warning(
            request,
            _("%(count)s case(s) are outside this person's units and were not moved.")
            % {"count": refused},
        )
    return redirect(request.POST.get("next") or "case_inbox", scope.organization.slug)


@org_view(Perm.VIEW_CASES)
def case_detail(request: HttpRequest, scope: Scope, case_id: int) -> HttpResponse:
    case = _case(scope, case_id)
    events = case.events.select_related("author", "to_user").order_by("created_at", "id")
    can_work = scope.can(Perm.WORK_CASES)
    follow_up = FollowUp.objects.filter(case=case).first()
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "response": case.response,
            "events": events,
            "watchers": case.watchers.all(),
            "contact_visible": selectors.contact_visible(scope, case, request.user),
            "can_work": can_work,
            "is_leader": selectors.is_leader(scope),
            "note_form": NoteForm(),
            "contact_form": ContactForm(),
            "status_form": StatusForm(
                organization=scope.organization,
                initial={"expected_status": case.status, "resolution": case.resolution},
            ),
            "transitions": [(s, CaseStatus(s).label) for s in TRANSITIONS[case.status]],
            "assign_form": AssignForm(
                people=selectors.assignable_people(scope.organization, case.unit),
                initial={"owner": case.owner_id},
            ),
            "follow_up": follow_up,
            "watchable": selectors.watchable_people(scope.organization, case.unit)
            if can_work
            else [],
            "now": timezone.now(),
        },
    )


def _back(case: Case) -> HttpResponse:
    return redirect("case_detail", case.organization.slug, case.pk)


@org_view(Perm.WORK_CASES)
def case_note(request: HttpRequest, scope: Scope, case_id: int) -> HttpResponse:
    case = _case(scope, case_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = NoteForm(request.POST)
    if form.is_valid():
        services_work.case_add_note(case=case, author=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("Write the note first."))
    return _back(case)


@org_view(Perm.WORK_CASES)
def case_contact(request: HttpRequest, scope: Scope, case_id: int) -> HttpResponse:
    case = _case(scope, case_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ContactForm(request.POST)
    if form.is_valid():
        services_work.case_log_contact(case=case, author=request.user, **form.cleaned_data)
        messages.success(request, _("Contact attempt recorded."))
    else:
        messages.error(request, _("Choose the channel and the outcome."))
    return _back(case)


@org_view(Perm.WORK_CASES)
def case_status(request: HttpRequest, scope: Scope, case_id: int) -> HttpResponse:
    case = _case(scope, case_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = StatusForm(request.POST, organization=scope.organization)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return _back(case)
    data = form.cleaned_data
    try:
        services_work.case_change_status(
            case=case,
            to_status=data["to_status"],
            expected_status=data["expected_status"],
            user=request.user,
            resolution=data["resolution"] if data["resolution"] else None,
            root_cause=data["root_cause"],
            send_follow_up=data["send_follow_up"],
        )
    except services_work.Conflict as conflict:
        messages.error(request, str(conflict))
        response = _back(case)
        return response
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(case)
    messages.success(request, _("Status changed."))
    return _back(case)


@org_view(Perm.WORK_CASES)
def case_assign(request: HttpRequest, scope: Scope, case_id: int) -> HttpResponse:
    case = _case(scope, case_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AssignForm(
        request.POST, people=selectors.assignable_people(scope.organization, case.unit)
    )
    if form.is_valid():
        services_work.case_assign(case=case, owner=form.cleaned_data["owner"], by=request.user)
        messages.success(request, _("Case reassigned."))
    else:
        messages.error(request, _("This person cannot work cases of this unit."))
    return _back(case)


@org_view(Perm.WORK_CASES)
def case_leader(request: HttpRequest, scope: Scope, case_id: int) -> HttpResponse:
    case = _case(scope, case_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not selectors.is_leader(scope):
        raise Http404
    take = request.POST.get("mode") == "take"
    services_work.case_leader_join(case=case, leader=request.user, take=take)
    messages.success(request, _("You took the case.") if take else _("You joined the case."))
    return _back(case)


@org_view(Perm.WORK_CASES)
def case_watch(request: HttpRequest, scope: Scope, case_id: int) -> HttpResponse:
    case = _case(scope, case_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    person_id = _int(request.POST.get("user"))
    if person_id is None:
        services_work.case_watch(case=case, user=request.user, by=request.user)
        messages.success(request, _("You follow this case."))
        return _back(case)
    person = selectors.watchable_people(scope.organization, case.unit).filter(pk=person_id).first()
    if person is None:
        messages.error(request, _("This person cannot follow cases of this unit."))
    else:
        services_work.case_watch(case=case, user=person, by=request.user)
        messages.success(request, _("%(name)s follows this case.") % {"name": person})
    return _back(case)


@org_view(Perm.WORK_CASES)
def case_open_from_response(request: HttpRequest, scope: Scope, response_id: int) -> HttpResponse:
    response = get_object_or_404(
        Response.objects.for_scope(scope).select_related("unit", "organization"), pk=response_id
    )
    existing = Case.objects.filter(response=response).first()
    if existing is not None:
        return _back(existing)
    form = OpenCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not response.contact_consent:
            messages.error(request, _("The customer did not agree to be contacted."))
        else:
            case, _created = case_open(
                response=response,
                priority=form.cleaned_data["priority"],
                opened_by=request.user,
                owner_id=_opener_owner(scope, request.user),
            )
            return _back(case)
    return render(
        request, "cases/open.html", {"form": form, "response": response, "can_open": True}
    )


def _opener_owner(scope: Scope, user: User) -> int | None:
    """A manager who opens a case by hand owns it; others leave it to routing."""
    return user.pk if scope.role == Role.MANAGER else None
