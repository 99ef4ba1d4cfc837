from django_tasks import task


@task()
def send_invitation(*, membership_id: int, inviter_id: int | None) -> None:
    """Email an invitation. Re-reads the rows; a membership removed since is skipped."""
    from sillage.accounts.models import Membership, User
    from sillage.accounts.services import invitation_email_send

    membership = (
        Membership.objects.select_related("user", "organization")
        .filter(pk=membership_id, is_active=True)
        .first()
    )
    if membership is None:
        return
    inviter = User.objects.filter(pk=inviter_id).first() if inviter_id else None
    invitation_email_send(membership=membership, inviter=inviter)
