from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Staff join by invitation from an administrator; nobody signs up alone."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
