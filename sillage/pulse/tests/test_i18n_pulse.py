"""The pulse pages in French carry no English."""

import pytest

from sillage.pulse.tests.factories import invitation_for, make_campaign, open_wave
from tests.test_i18n import english_left_behind

pytestmark = pytest.mark.django_db

PAGES = [
    ("admin", "/o/caisse/pulse/"),
    ("employee", "/o/caisse/pulse/"),
    ("admin", "/o/caisse/pulse/campaigns/"),
    ("admin", "/o/caisse/pulse/campaigns/new/"),
    ("admin", "/o/caisse/pulse/campaigns/{campaign}/"),
    ("admin", "/o/caisse/pulse/campaigns/{draft}/edit/"),
    ("admin", "/o/caisse/pulse/questions/"),
    ("admin", "/o/caisse/pulse/waves/{wave}/"),
    ("admin", "/o/caisse/pulse/waves/{wave}/?tenure=lt1"),
    ("admin", "/o/caisse/pulse/waves/{wave}/?tenure=1to5"),
    ("branch_manager", "/o/caisse/pulse/waves/{wave}/"),
    ("branch_manager", "/o/caisse/pulse/waves/{wave}/?unit={t1}"),
    ("admin", "/o/caisse/pulse/waves/{wave}/comments/"),
    ("regional_manager", "/o/caisse/pulse/waves/{wave}/comments/"),
    ("admin", "/o/caisse/pulse/waves/{wave}/participation/"),
    ("employee", "/o/caisse/pulse/waves/{wave}/"),
    (None, "/p/{token}/"),
]


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_pulse_pages_in_french_leave_no_english_behind(client, world, closed_wave, who, url):
    draft = make_campaign(world.org)
    answering = open_wave(world.org, audience=world.b2)
    token = invitation_for(answering, world.membership(world.sibling_employee)).token
    if who:
        user = getattr(world, who)
        user.language = "fr"
        user.save()
        client.force_login(user)
    url = url.format(
        wave=closed_wave.pk,
        campaign=closed_wave.campaign_id,
        draft=draft.pk,
        t1=world.t1.pk,
        token=token,
    )
    response = client.get(url, headers={"Accept-Language": "fr-CA"})
    assert response.status_code == 200, url
    assert response["Content-Language"] == "fr"
    assert english_left_behind(response.content.decode()) == set(), url
