import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sillage.accounts.models import Membership, Unit


@pytest.mark.django_db
def test_paths_encode_the_ancestors(world):
    assert (
        world.t1.path
        == f"{world.hq.pk:010d}/{world.r1.pk:010d}/{world.b1.pk:010d}/{world.t1.pk:010d}/"
    )
    assert world.t1.depth == 4
    assert set(world.t1.ancestors()) == {world.hq, world.r1, world.b1, world.t1}


@pytest.mark.django_db
def test_subtree_query_returns_the_branch_and_its_teams(world):
    assert set(Unit.objects.subtree_of(world.r1)) == {world.r1, world.b1, world.b2, world.t1}


@pytest.mark.django_db
def test_moving_a_branch_moves_its_teams_and_keeps_its_people(world):
    world.b1.move_to(world.r2)
    world.t1.refresh_from_db()
    assert world.b1.parent == world.r2
    assert world.t1.path.startswith(world.r2.path)
    assert world.t1.depth == 4
    assert set(Unit.objects.subtree_of(world.r2)) == {world.r2, world.b1, world.b3, world.t1}
    assert Membership.objects.filter(unit=world.b1).count() == 2


@pytest.mark.django_db
def test_a_unit_cannot_move_under_its_own_team(world):
    with pytest.raises(ValidationError):
        world.b1.move_to(world.t1)


@pytest.mark.django_db
def test_archiving_keeps_members_and_hides_from_active(world):
    world.r1.archive()
    assert Unit.objects.filter(pk=world.b1.pk).active().count() == 0
    assert Membership.objects.filter(unit=world.b1).count() == 2


@pytest.mark.django_db
def test_admin_creates_a_unit_under_a_parent(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("unit_create", args=[world.org.slug]),
        {
            "code": "B4",
            "name_fr": "Succursale Rosemont",
            "name_en": "Rosemont Branch",
            "parent": world.r1.pk,
        },
    )
    unit = Unit.objects.get(organization=world.org, code="B4")
    assert response.status_code == 302
    assert unit.parent == world.r1
    assert unit.path == f"{world.r1.path}{unit.pk:010d}/"


@pytest.mark.django_db
def test_duplicate_unit_code_is_refused_with_a_message(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("unit_create", args=[world.org.slug]), {"code": "B1", "name_fr": "Doublon"}
    )
    assert response.status_code == 200
    assert "Une autre unité utilise déjà ce code." in response.content.decode()
    assert Unit.objects.filter(name_fr="Doublon").count() == 0


@pytest.mark.django_db
def test_admin_moves_a_unit_through_the_page(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("unit_move", args=[world.org.slug, world.b2.pk]), {"new_parent": world.r2.pk}
    )
    world.b2.refresh_from_db()
    assert response.status_code == 302
    assert world.b2.parent == world.r2


@pytest.mark.django_db
def test_move_form_does_not_offer_own_subtree_or_other_org(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("unit_move", args=[world.org.slug, world.r1.pk]), {"new_parent": world.t1.pk}
    )
    assert response.status_code == 200
    world.r1.refresh_from_db()
    assert world.r1.parent == world.hq
    response = client.post(
        reverse("unit_move", args=[world.org.slug, world.b1.pk]),
        {"new_parent": world.other_unit.pk},
    )
    world.b1.refresh_from_db()
    assert world.b1.parent == world.r1


@pytest.mark.django_db
def test_archive_and_restore_through_the_page(world, client):
    client.force_login(world.admin)
    url = reverse("unit_archive", args=[world.org.slug, world.b2.pk])
    assert client.get(url).status_code == 405
    client.post(url, {"action": "archive"})
    world.b2.refresh_from_db()
    assert world.b2.is_archived
    client.post(url, {"action": "restore"})
    world.b2.refresh_from_db()
    assert not world.b2.is_archived


@pytest.mark.django_db
def test_manager_cannot_archive(world, client):
    client.force_login(world.regional_manager)
    response = client.post(reverse("unit_archive", args=[world.org.slug, world.b1.pk]))
    assert response.status_code == 404
    world.b1.refresh_from_db()
    assert not world.b1.is_archived
