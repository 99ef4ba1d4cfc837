"""Campaign management pages: administrators and CX leads only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sillage.pulse.models import Campaign, CampaignStatus, Item, WaveStatus
from sillage.pulse.tests.factories import core_items, make_campaign

pytestmark = pytest.mark.django_db

FORMAT = "%Y-%m-%dT%H:%M"


def form_data(world, **extra):
    start = timezone.localtime() - timedelta(minutes=5)
    data = {
        "name_fr": "Pouls d'hiver",
        "name_en": "Winter pulse",
        "audience": world.r1.pk,
        "recurrence": "quarterly",
        "opens_at": start.strftime(FORMAT),
        "closes_at": (start + timedelta(days=10)).strftime(FORMAT),
        "reminder_after_days": 3,
        "comment_threshold": 10,
        "items": [i.pk for i in core_items(world.org)],
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("who", ["executive", "regional_manager", "employee"])
def test_only_admins_and_cx_leads_manage_campaigns(client, world, who):
    campaign = make_campaign(world.org)
    client.force_login(getattr(world, who))
    for url in (
        "/o/caisse/pulse/campaigns/",
        "/o/caisse/pulse/campaigns/new/",
        f"/o/caisse/pulse/campaigns/{campaign.pk}/",
        f"/o/caisse/pulse/campaigns/{campaign.pk}/edit/",
        "/o/caisse/pulse/questions/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/o/caisse/pulse/campaigns/{campaign.pk}/open/").status_code == 404
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_cx_lead_creates_a_campaign_from_the_bank(client, world):
    client.force_login(world.cx_lead)
    content = client.get("/o/caisse/pulse/campaigns/new/").content.decode()
    assert content.count('type="checkbox" name="items"') == 26
    assert content.count("checked") == 26  # the core bank is chosen by default
    response = client.post("/o/caisse/pulse/campaigns/new/", form_data(world))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/o/caisse/pulse/campaigns/{campaign.pk}/"
    assert (campaign.name_fr, campaign.audience, campaign.recurrence, campaign.status) == (
        "Pouls d'hiver",
        world.r1,
        "quarterly",
        CampaignStatus.DRAFT,
    )
    assert campaign.campaign_items.count() == 26


def test_the_form_refuses_a_comment_threshold_under_the_anonymity_threshold(client, world):
    client.force_login(world.admin)
    response = client.post("/o/caisse/pulse/campaigns/new/", form_data(world, comment_threshold=4))
    assert response.status_code == 200
    assert "Au moins le seuil d’anonymat (5)." in response.content.decode()
    assert not Campaign.objects.exists()


def test_opening_then_ending_a_campaign(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = make_campaign(world.org, audience=world.b2)
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/o/caisse/pulse/campaigns/{campaign.pk}/open/", follow=True)
    assert "Le sondage est ouvert; les invitations sont en route." in response.content.decode()
    wave = campaign.waves.get()
    assert wave.status == WaveStatus.OPEN and [m.to for m in mailoutbox] == [["victor@caisse.test"]]
    content = client.get(f"/o/caisse/pulse/campaigns/{campaign.pk}/").content.decode()
    assert "seuil d’anonymat, verrouillé" in content
    assert client.get(f"/o/caisse/pulse/campaigns/{campaign.pk}/open/").status_code == 405
    client.post(f"/o/caisse/pulse/campaigns/{campaign.pk}/end/")
    wave.refresh_from_db()
    campaign.refresh_from_db()
    assert (campaign.status, wave.status) == (CampaignStatus.ENDED, WaveStatus.CLOSED)


def test_a_draft_can_be_edited_an_open_campaign_cannot(client, world):
    campaign = make_campaign(world.org)
    client.force_login(world.admin)
    data = form_data(
        world, name_fr="Pouls de printemps", items=[i.pk for i in core_items(world.org)][:5]
    )
    assert client.post(f"/o/caisse/pulse/campaigns/{campaign.pk}/edit/", data).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name_fr, campaign.campaign_items.count()) == ("Pouls de printemps", 5)
    client.post(f"/o/caisse/pulse/campaigns/{campaign.pk}/open/")
    response = client.post(f"/o/caisse/pulse/campaigns/{campaign.pk}/edit/", data, follow=True)
    assert (
        "Seule une campagne à l’état de brouillon peut être modifiée." in response.content.decode()
    )


def test_question_bank_adds_and_rewords_custom_items(client, world):
    client.force_login(world.cx_lead)
    client.post(
        "/o/caisse/pulse/questions/",
        {
            "action": "create",
            "text_fr": "Je connais nos produits.",
            "text_en": "I know our products.",
        },
    )
    item = Item.objects.get(organization=world.org, is_core=False)
    response = client.post(
        "/o/caisse/pulse/questions/",
        {
            "action": "reword",
            "item": item.pk,
            "text_fr": "Je connais bien nos produits.",
            "text_en": "I know our products well.",
        },
        follow=True,
    )
    assert "La nouvelle formulation commence une nouvelle série." in response.content.decode()
    item.refresh_from_db()
    assert item.retired_at is not None
    new = Item.objects.get(organization=world.org, is_core=False, retired_at__isnull=True)
    assert (new.text_fr, new.replaces) == ("Je connais bien nos produits.", item)
    other = (
        Item.objects.filter(organization=world.other_org).first() or core_items(world.other_org)[0]
    )
    response = client.post("/o/caisse/pulse/questions/", {"action": "retire", "item": other.pk})
    assert response.status_code == 404
