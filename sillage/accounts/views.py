from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sillage.accounts import hooks, services
from sillage.accounts.decorators import org_view
from sillage.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    ImportForm,
    InviteForm,
    MembershipForm,
    OrganizationForm,
    ProfileForm,
    UnitForm,
    UnitMoveForm,
)
from sillage.accounts.imports import STAFF_COLUMNS, UNIT_COLUMNS, import_csv
from sillage.accounts.models import ApiToken, Membership, Role, Unit
from sillage.accounts.scope import Perm, Scope
from sillage.accounts.selectors import home_summary, unit_tree

PEOPLE_PER_PAGE = 50


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the person to their last organisation, or let them pick one."""
    memberships = Membership.objects.active().filter(user=request.user)
    last = memberships.filter(organization_id=request.user.last_organization_id).first()
    if last is None and memberships.count() == 1:
        last = memberships.first()
    if last is not None:
        return redirect("org_home", org_slug=last.organization.slug)
    return redirect("organization_switch")


@login_required
def organization_switch(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.active()
        .filter(user=request.user)
        .select_related("organization", "unit")
        .order_by("organization__name")
    )
    if request.method == "POST":
        membership = get_object_or_404(memberships, organization__slug=request.POST.get("org"))
        services.organization_switch(user=request.user, organization=membership.organization)
        return redirect("org_home", org_slug=membership.organization.slug)
    return render(request, "accounts/organization_switch.html", {"memberships": memberships})


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch French/English: saved on the person's account and in a cookie."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = redirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences are saved."))
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


def invite_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link in an invitation: choose a password, then sign in."""
    user_model = get_user_model()
    try:
        user = user_model.objects.get(pk=urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, user_model.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/invite_invalid.html", status=400)
    form = AcceptInvitationForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to Sillage! Your password is set."))
        return redirect("home")
    return render(request, "accounts/invite_accept.html", {"form": form, "invitee": user})


@org_view()
def org_home(request: HttpRequest, scope: Scope) -> HttpResponse:
    return render(request, "accounts/org_home.html", home_summary(scope))


@org_view()
def brand_css(request: HttpRequest, scope: Scope) -> HttpResponse:
    """The organisation's brand colour as a CSS variable (the CSP forbids inline styles)."""
    colour = scope.organization.brand_colour  # validated as #RRGGBB by the model
    response = HttpResponse(f":root {{ --brand: {colour}; }}\n", content_type="text/css")
    response["Cache-Control"] = "private, max-age=300"
    return response


@org_view(Perm.VIEW_UNITS)
def unit_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"
    return render(
        request,
        "accounts/unit_list.html",
        {"tree": unit_tree(scope, include_archived=show_archived), "show_archived": show_archived},
    )


@org_view(Perm.VIEW_UNITS)
def unit_detail(request: HttpRequest, scope: Scope, unit_id: int) -> HttpResponse:
    unit = scope.get_unit(unit_id)
    children = (
        scope.units()
        .filter(parent=unit)
        .select_related("unit_type")
        .annotate(members=Count("memberships", filter=Q(memberships__is_active=True)))
    )
    members = Membership.objects.for_scope(scope).active().filter(unit=unit).select_related("user")
    ancestors = [a for a in unit.ancestors().exclude(pk=unit.pk) if scope.covers(a)]
    return render(
        request,
        "accounts/unit_detail.html",
        {
            "unit": unit,
            "children": children,
            "members": members,
            "ancestors": ancestors,
            "subtree_size": Unit.objects.subtree_of(unit).count(),
        },
    )


@org_view(Perm.MANAGE_UNITS)
def unit_create(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = UnitForm(
        request.POST or None,
        organization=scope.organization,
        initial={"parent": request.GET.get("parent")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = services.unit_create(
            organization=scope.organization,
            parent=data.get("parent"),
            code=data["code"],
            name_fr=data["name_fr"],
            name_en=data["name_en"],
            unit_type_id=data["unit_type"].pk if data["unit_type"] else None,
        )
        messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
        return redirect("unit_detail", org_slug=scope.organization.slug, unit_id=unit.pk)
    return render(request, "accounts/unit_form.html", {"form": form, "unit": None})


@org_view(Perm.MANAGE_UNITS)
def unit_edit(request: HttpRequest, scope: Scope, unit_id: int) -> HttpResponse:
    unit = scope.get_unit(unit_id)
    form = UnitForm(request.POST or None, instance=unit, organization=scope.organization)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Unit “%(name)s” saved.") % {"name": unit.name})
        return redirect("unit_detail", org_slug=scope.organization.slug, unit_id=unit.pk)
    return render(request, "accounts/unit_form.html", {"form": form, "unit": unit})


@org_view(Perm.MANAGE_UNITS)
def unit_move(request: HttpRequest, scope: Scope, unit_id: int) -> HttpResponse:
    unit = scope.get_unit(unit_id)
    form = UnitMoveForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_move(unit=unit, new_parent=form.cleaned_data["new_parent"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("“%(name)s” and its subtree now sit under “%(parent)s”.")
                % {"name": unit.name, "parent": form.cleaned_data["new_parent"].name},
            )
            return redirect("unit_detail", org_slug=scope.organization.slug, unit_id=unit.pk)
    return render(request, "accounts/unit_move.html", {"form": form, "unit": unit})


@org_view(Perm.MANAGE_UNITS)
def unit_archive(request: HttpRequest, scope: Scope, unit_id: int) -> HttpResponse:
    unit = scope.get_unit(unit_id)  # before the method check: a foreign id is always a 404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.POST.get("action") == "restore":
        unit.restore()
        messages.success(request, _("“%(name)s” is active again.") % {"name": unit.name})
    else:
        try:
            services.unit_archive(unit=unit)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("“%(name)s” and its subtree are archived; their history is kept.")
                % {"name": unit.name},
            )
    return redirect("unit_detail", org_slug=scope.organization.slug, unit_id=unit.pk)


@org_view(Perm.VIEW_PEOPLE)
def people(request: HttpRequest, scope: Scope) -> HttpResponse:
    memberships = Membership.objects.for_scope(scope).select_related("user", "unit")
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if not scope.can(Perm.MANAGE_PEOPLE):
        memberships = memberships.active()
    if query:
        memberships = memberships.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(employee_code__iexact=query)
        )
    if role in Role.values:
        memberships = memberships.filter(role=role)
    unit_id = request.GET.get("unit", "")
    if unit_id.isdigit():
        unit = scope.get_unit(unit_id)
        memberships = memberships.filter(unit__path__startswith=unit.path)
    page = Paginator(memberships, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "role": role, "roles": Role.choices}
    template = "accounts/people.html#people-table" if request.htmx else "accounts/people.html"
    return render(request, template, context)


@org_view(Perm.MANAGE_PEOPLE)
def membership_edit(request: HttpRequest, scope: Scope, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.for_scope(scope).select_related("user", "unit"), pk=membership_id
    )
    form = MembershipForm(
        request.POST or None, instance=membership, organization=scope.organization
    )
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        membership.refresh_from_db()
        try:
            services.membership_update(membership=membership, **changed)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(person)s is saved.") % {"person": membership.user})
            return redirect("people", org_slug=scope.organization.slug)
    return render(
        request, "accounts/membership_form.html", {"form": form, "membership": membership}
    )


@org_view(Perm.MANAGE_PEOPLE)
def invite(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = InviteForm(request.POST or None, organization=scope.organization)
    if request.method == "POST" and form.is_valid():
        membership = services.membership_invite(
            organization=scope.organization, invited_by=request.user, **form.cleaned_data
        )
        messages.success(
            request,
            _("Invitation sent to %(email)s.") % {"email": membership.user.email},
        )
        return redirect("people", org_slug=scope.organization.slug)
    return render(request, "accounts/invite.html", {"form": form})


@org_view(Perm.IMPORT_STAFF)
def staff_import(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = import_csv(
            organization=scope.organization,
            raw=form.cleaned_data["file"].read(),
            dry_run=form.cleaned_data["dry_run"],
            invited_by=request.user,
            send_invitations=form.cleaned_data["send_invitations"],
        )
    return render(
        request,
        "accounts/import.html",
        {
            "form": form,
            "report": report,
            "unit_columns": UNIT_COLUMNS,
            "staff_columns": STAFF_COLUMNS,
            "status": 422 if report and not report.ok else 200,
        },
        status=422 if report and not report.ok else 200,
    )


@org_view(Perm.MANAGE_ORGANIZATION)
def organization_settings(request: HttpRequest, scope: Scope) -> HttpResponse:
    previous_time_zone = scope.organization.time_zone
    form = OrganizationForm(
        request.POST or None, request.FILES or None, instance=scope.organization
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            organization = form.save()
            moved = organization.time_zone != previous_time_zone
            if moved:
                hooks.time_zone_changed(organization.pk)
        messages.success(request, _("The organisation's settings are saved."))
        if moved:
            messages.info(
                request,
                _(
                    "The figures are being recomputed for the new time zone: days now end at "
                    "midnight in %(zone)s."
                )
                % {"zone": organization.time_zone},
            )
        return redirect("organization_settings", org_slug=scope.organization.slug)
    return render(request, "accounts/organization_settings.html", {"form": form})


@org_view(Perm.MANAGE_API_TOKENS)
def api_tokens(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = ApiTokenForm(request.POST or None, organization=scope.organization)
    raw_token = None
    if request.method == "POST" and form.is_valid():
        _token, raw_token = services.api_token_create(
            organization=scope.organization, created_by=request.user, **form.cleaned_data
        )
        form = ApiTokenForm(organization=scope.organization)
    tokens = ApiToken.objects.for_scope(scope).select_related("unit", "created_by")
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "raw_token": raw_token},
    )


@org_view(Perm.MANAGE_API_TOKENS)
def api_token_revoke(request: HttpRequest, scope: Scope, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.for_scope(scope), pk=token_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect(reverse("api_tokens", kwargs={"org_slug": scope.organization.slug}))
