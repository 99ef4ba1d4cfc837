import re

import pytest
from django.urls import reverse

from sillage.accounts.models import Membership, Role, User


def body_of(message, subtype="plain"):
    return message.get_body(preferencelist=(subtype,)).get_content()


@pytest.mark.django_db(transaction=True)
def test_admin_invites_staff_who_sets_a_password_through_the_emailed_link(
    world, client, smtp_server
):
    client.force_login(world.admin)
    response = client.post(
        reverse("invite", args=[world.org.slug]),
        {
            "email": "Nadia.Roy@Caisse.test",
            "first_name": "Nadia",
            "last_name": "Roy",
            "unit": world.b1.pk,
            "role": Role.EMPLOYEE,
            "language": "fr",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nadia.roy@caisse.test")
    assert membership.unit == world.b1
    assert not membership.user.has_usable_password()
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["X-Envelope-To"] == "nadia.roy@caisse.test"
    assert message["Subject"] == "Invitation à rejoindre Caisse Test sur Sillage"
    text = body_of(message)
    assert "Bonjour Nadia," in text
    assert "#0B6E4F" in body_of(message, "html")  # the organisation's colour
    link = re.search(r"http://\S+/invite/\S+/", text).group(0)
    path = link.split("8000", 1)[1]

    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(
        path, {"new_password1": "Plage-Sable-42!", "new_password2": "Plage-Sable-42!"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="nadia.roy@caisse.test")
    assert user.check_password("Plage-Sable-42!")
    # the link works once: the token is bound to the password hash
    assert client.get(path).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_invitation_follows_the_invitees_language(world, client, smtp_server):
    client.force_login(world.admin)
    client.post(
        reverse("invite", args=[world.org.slug]),
        {
            "email": "sam@caisse.test",
            "first_name": "Sam",
            "last_name": "Lee",
            "unit": world.b2.pk,
            "role": Role.EMPLOYEE,
            "language": "en",
        },
    )
    assert smtp_server[0]["Subject"] == "You are invited to Caisse Test on Sillage"
    assert "Hello Sam," in body_of(smtp_server[0])


@pytest.mark.django_db
def test_inviting_an_existing_member_is_refused(world, client, mailoutbox):
    client.force_login(world.admin)
    response = client.post(
        reverse("invite", args=[world.org.slug]),
        {
            "email": "emile@caisse.test",
            "first_name": "É",
            "last_name": "G",
            "unit": world.b1.pk,
            "role": Role.EMPLOYEE,
        },
    )
    assert response.status_code == 200
    assert "Cette personne est déjà membre de l’organisation." in response.content.decode()
    assert mailoutbox == []


@pytest.mark.django_db
def test_invite_into_another_organisations_unit_is_refused(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("invite", args=[world.org.slug]),
        {
            "email": "x@caisse.test",
            "first_name": "X",
            "last_name": "Y",
            "unit": world.other_unit.pk,
            "role": Role.EMPLOYEE,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x@caisse.test").exists()


@pytest.mark.django_db
def test_tampered_invitation_link_is_refused(world, client):
    response = client.get("/invite/MQ/bad-token/")
    assert response.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_password_reset_by_email_through_smtp(world, client, smtp_server):
    response = client.post(reverse("account_reset_password"), {"email": "emile@caisse.test"})
    assert response.status_code == 302
    assert len(smtp_server) == 1
    text = body_of(smtp_server[0])
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", text).group(0)
    path = "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "Nouveau-Mot-2026!", "password2": "Nouveau-Mot-2026!"},
    )
    assert response.status_code == 302
    world.employee.refresh_from_db()
    assert world.employee.check_password("Nouveau-Mot-2026!")


@pytest.mark.django_db
def test_login_by_email(world, client):
    from sillage.accounts.tests.factories import PASSWORD

    response = client.post(
        reverse("account_login"), {"login": "EMILE@caisse.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == "/o/caisse/"


@pytest.mark.django_db
def test_signup_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "stranger@example.com", "password1": "Xy-12345678!", "password2": "Xy-12345678!"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="stranger@example.com").exists()
