"""The customer's one-question follow-up after a case is resolved: /r/<token>/.

The token is single use: the answer is recorded by a conditional UPDATE on an empty
`answered_at`, so a second submission (a double click, a forwarded email) records nothing.
Nothing about the visitor (no IP address, no user agent) is stored.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache

from sillage.cases.forms import FollowUpAnswerForm
from sillage.cases.models import FollowUp
from sillage.cases.services_work import AlreadyAnswered, follow_up_answer


@never_cache
def public_case_follow_up(request: HttpRequest, token: str) -> HttpResponse:
    follow_up = (
        FollowUp.objects.select_related("organization").filter(token=token).first()
        if len(token) <= 40
        else None
    )
    if follow_up is None or follow_up.sent_at is None:
        raise Http404
    language = follow_up.language
    with translation.override(language):
        context = {"organization": None, "org": follow_up.organization, "language": language}
        if follow_up.answered_at is not None:
            return render(request, "cases/public_done.html", {**context, "again": True}, status=409)
        form = FollowUpAnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                follow_up_answer(
                    follow_up=follow_up,
                    resolved=form.cleaned_data["resolved"],
                    nps=form.cleaned_data["nps"],
                )
            except AlreadyAnswered:
                return render(
                    request, "cases/public_done.html", {**context, "again": True}, status=409
                )
            return render(request, "cases/public_done.html", {**context, "again": False})
        return render(request, "cases/public_follow_up.html", {**context, "form": form})
