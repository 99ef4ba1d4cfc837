"""The journey map and its editor: journeys, ordered stages, ordered touchpoints.

People: Alice (admin) and Chloé (CX lead) edit; Édouard (executive) and Rémi (regional
manager) only read the map; Émile (employee) sees nothing; Oscar belongs to another
organisation, which has its own journey with the same touchpoint code.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sillage.feedback.models import Channel, Journey, Stage, Touchpoint
from sillage.feedback.services_builder import journey_create, stage_create, touchpoint_create
from sillage.feedback.tests.factories import build_feedback
from tests.test_i18n import english_left_behind

HTMX = {"HX-Request": "true"}


@pytest.fixture
def journey(world):
    """Caisse Test's "Ouverture de compte": three stages, the first with two touchpoints."""
    journey = journey_create(
        organization=world.org, code="ouverture", name_fr="Ouverture de compte", name_en=""
    )
    for name_fr, name_en in (
        ("Découverte", "Discovery"),
        ("Rendez-vous", "Meeting"),
        ("Suivi", ""),
    ):
        stage_create(journey=journey, name_fr=name_fr, name_en=name_en)
    first = journey.stages.first()
    touchpoint_create(
        stage=first, code="site-web", channel=Channel.WEB, name_fr="Site Web", name_en="Website"
    )
    touchpoint_create(
        stage=first, code="clavardage", channel=Channel.CHAT, name_fr="Clavardage", name_en=""
    )
    return journey


@pytest.fixture
def history(world):
    """A journey whose touchpoint has a response, a link and an invitation (in both orgs)."""
    build_feedback(world.other_org, world.other_unit)
    return build_feedback(world.org, world.b1)


def url(name, world, *args):
    return reverse(name, args=[world.org.slug, *args])


def stage_names(journey):
    return list(Stage.objects.filter(journey=journey).values_list("name_fr", flat=True))


def touchpoint_codes(stage):
    return list(Touchpoint.objects.filter(stage=stage).values_list("code", flat=True))


def french(user):
    user.language = "fr"
    user.save()
    return user


# The map ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_journey_map_shows_stages_touchpoints_channels_and_missing_english(world, client, journey):
    client.force_login(french(world.cx_lead))
    response = client.get(url("journey_list", world))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ouverture de compte" in content
    assert content.index("Découverte") < content.index("Rendez-vous") < content.index("Suivi")
    assert "Site Web" in content
    assert "Clavardage</span>" in content  # the channel badge, in French
    # journey, stage "Suivi" and touchpoint "Clavardage" have no English name
    assert content.count("Nom anglais manquant") == 3
    assert url("journey_edit", world, journey.pk) in content


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["executive", "regional_manager", "branch_manager"])
def test_executives_and_managers_read_the_map_without_edit_links(world, client, journey, who):
    client.force_login(getattr(world, who))
    response = client.get(url("journey_list", world))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ouverture de compte" in content
    assert url("journey_edit", world, journey.pk) not in content
    assert url("journey_create", world) not in content
    assert client.get(url("journey_edit", world, journey.pk)).status_code == 404
    assert client.get(url("journey_create", world)).status_code == 404
    response = client.post(url("journey_create", world), {"code": "x", "name_fr": "X"})
    assert response.status_code == 404
    assert not Journey.objects.filter(code="x").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["employee", "sibling_employee"])
def test_employees_do_not_see_journeys(world, client, journey, who):
    client.force_login(getattr(world, who))
    assert client.get(url("journey_list", world)).status_code == 404


@pytest.mark.django_db
def test_journey_map_query_count_does_not_grow_with_journeys(
    world, client, django_assert_max_num_queries
):
    for j in range(6):
        journey = journey_create(organization=world.org, code=f"j{j}", name_fr=f"Parcours {j}")
        for s in range(4):
            stage = stage_create(journey=journey, name_fr=f"Étape {j}.{s}")
            for t in range(3):
                touchpoint_create(
                    stage=stage, code=f"t{j}-{s}-{t}", channel=Channel.BRANCH, name_fr="Comptoir"
                )
    client.force_login(world.cx_lead)
    with django_assert_max_num_queries(8):
        response = client.get(url("journey_list", world))
    assert response.content.decode().count("journey-map__stage") == 24


# Journeys -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cx_lead_creates_a_journey_then_lands_on_its_editor(world, client):
    client.force_login(world.cx_lead)
    response = client.post(
        url("journey_create", world),
        {
            "name_fr": "Réclamation",
            "name_en": "Claim",
            "code": "Reclamation",
            "description_fr": "Du premier appel au règlement.",
            "is_active": "on",
        },
    )
    journey = Journey.objects.get(organization=world.org, code="reclamation")
    assert response.status_code == 302
    assert response["Location"] == url("journey_edit", world, journey.pk)
    assert (journey.name_fr, journey.name_en, journey.is_active) == ("Réclamation", "Claim", True)
    page = client.get(response["Location"]).content.decode()
    assert "Parcours « Réclamation » créé. Ajoutez ses étapes et ses points de contact." in page


@pytest.mark.django_db
def test_duplicate_journey_code_is_refused_with_a_message(world, client, journey):
    client.force_login(french(world.cx_lead))
    response = client.post(
        url("journey_create", world), {"name_fr": "Doublon", "code": "ouverture"}
    )
    assert response.status_code == 200
    assert "Un autre parcours utilise déjà ce code." in response.content.decode()
    assert not Journey.objects.filter(name_fr="Doublon").exists()


@pytest.mark.django_db
def test_journey_details_are_saved_in_place_with_htmx(world, client, journey):
    client.force_login(world.cx_lead)
    response = client.post(
        url("journey_edit", world, journey.pk),
        {"name_fr": "Ouverture de compte", "name_en": "Account opening", "code": "ouverture"},
        headers=HTMX,
    )
    content = response.content.decode()
    journey.refresh_from_db()
    assert response.status_code == 200
    assert content.lstrip().startswith('<form id="journey-form"')
    assert "<html" not in content
    assert 'id="journey-title" hx-swap-oob="true"' in content
    assert (journey.name_en, journey.is_active) == ("Account opening", False)


@pytest.mark.django_db
def test_journey_without_history_is_deleted(world, client, journey):
    client.force_login(world.cx_lead)
    response = client.post(url("journey_delete", world, journey.pk))
    assert response.status_code == 302
    assert response["Location"] == url("journey_list", world)
    assert not Journey.objects.filter(pk=journey.pk).exists()
    assert not Touchpoint.objects.filter(code="site-web").exists()


@pytest.mark.django_db
def test_journey_with_responses_is_not_deleted(world, client, history):
    client.force_login(french(world.cx_lead))
    response = client.post(url("journey_delete", world, history.journey.pk), follow=True)
    assert Journey.objects.filter(pk=history.journey.pk).exists()
    assert (
        "Ce parcours ne peut pas être supprimé : 3 réponses, liens de sondage ou invitations "
        "renvoient à ses points de contact, et cet historique doit être conservé."
    ) in response.content.decode()


# Stages ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_stage_is_added_with_htmx_and_the_list_is_swapped(world, client, journey):
    client.force_login(french(world.cx_lead))
    response = client.post(
        url("stage_create", world, journey.pk),
        {"name_fr": "Signature", "name_en": "Signing"},
        headers=HTMX,
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#stage-list"
    assert response["HX-Reswap"] == "outerHTML settle:0ms"
    assert content.lstrip().startswith('<ol id="stage-list"')
    assert "Étape « Signature » ajoutée." in content
    assert stage_names(journey) == ["Découverte", "Rendez-vous", "Suivi", "Signature"]
    assert list(journey.stages.values_list("rank", flat=True)) == [0, 1, 2, 3]


@pytest.mark.django_db
def test_stage_without_a_french_name_is_refused_and_the_form_keeps_what_was_typed(
    world, client, journey
):
    client.force_login(french(world.cx_lead))
    response = client.post(
        url("stage_create", world, journey.pk), {"name_fr": " ", "name_en": "Signing"}, headers=HTMX
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    assert content.lstrip().startswith('<form id="stage-add-form"')
    assert "Ce champ est obligatoire." in content
    assert 'value="Signing"' in content
    assert journey.stages.count() == 3


@pytest.mark.django_db
def test_stage_errors_without_javascript_show_the_editor_page(world, client, journey):
    client.force_login(french(world.cx_lead))
    response = client.post(url("stage_create", world, journey.pk), {"name_en": "Signing"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" in content and "Ce champ est obligatoire." in content
    assert re.search(r'<input[^>]*value="Signing"[^>]*id="id_new_stage_name_en"', content)
    assert journey.stages.count() == 3


@pytest.mark.django_db
def test_a_new_stage_resets_the_add_form_out_of_band(world, client, journey):
    client.force_login(world.cx_lead)
    content = client.post(
        url("stage_create", world, journey.pk), {"name_fr": "Signature"}, headers=HTMX
    ).content.decode()
    assert '<form id="stage-add-form" class="form" hx-swap-oob="true"' in content
    assert 'value="Signature"' not in content[content.index('id="stage-add-form"') :]


@pytest.mark.django_db
def test_stage_is_edited_inline(world, client, journey):
    stage = journey.stages.get(name_fr="Suivi")
    client.force_login(world.cx_lead)
    form = client.get(url("stage_edit", world, stage.pk), headers=HTMX).content.decode()
    assert form.lstrip().startswith(f'<form id="stage-{stage.pk}-form"')
    assert "<html" not in form
    response = client.post(
        url("stage_edit", world, stage.pk),
        {"name_fr": "Suivi", "name_en": "Follow-up"},
        headers=HTMX,
    )
    stage.refresh_from_db()
    content = response.content.decode()
    assert response.status_code == 200
    assert stage.name_en == "Follow-up"
    assert "Follow-up" in content
    # focus goes back to the stage's "edit" button, where the person was
    assert f'id="stage-{stage.pk}-edit" autofocus' in content


@pytest.mark.django_db
def test_stage_edit_works_without_javascript(world, client, journey):
    stage = journey.stages.get(name_fr="Suivi")
    client.force_login(world.cx_lead)
    page = client.get(url("stage_edit", world, stage.pk))
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    response = client.post(url("stage_edit", world, stage.pk), {"name_fr": "Suivi après"})
    assert response.status_code == 302
    assert response["Location"] == (
        url("journey_edit", world, journey.pk) + f"?focus=stage-{stage.pk}-edit"
    )
    assert journey.stages.filter(name_fr="Suivi après").exists()


@pytest.mark.django_db
def test_stage_without_history_is_deleted_and_ranks_close_up(world, client, journey):
    stage = journey.stages.get(name_fr="Découverte")
    client.force_login(world.cx_lead)
    response = client.post(url("stage_delete", world, stage.pk), headers=HTMX)
    assert response.status_code == 200
    assert stage_names(journey) == ["Rendez-vous", "Suivi"]
    assert list(journey.stages.values_list("rank", flat=True)) == [0, 1]
    assert not Touchpoint.objects.filter(code="site-web").exists()


@pytest.mark.django_db
def test_stage_whose_touchpoint_has_responses_is_not_deleted(world, client, history):
    client.force_login(french(world.cx_lead))
    response = client.post(url("stage_delete", world, history.stage.pk), headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert Stage.objects.filter(pk=history.stage.pk).exists()
    # said in the live region and next to the stage itself
    assert content.count("Cette étape ne peut pas être supprimée") == 2
    assert 'class="notice notice--error stage__error"' in content


# Touchpoints ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_touchpoint_is_added_to_a_stage(world, client, journey):
    stage = journey.stages.get(name_fr="Rendez-vous")
    client.force_login(world.cx_lead)
    response = client.post(
        url("touchpoint_create", world, stage.pk),
        {
            "name_fr": "Bureau du conseiller",
            "name_en": "Advisor's office",
            "code": "bureau",
            "channel": Channel.BRANCH,
        },
        headers=HTMX,
    )
    touchpoint = Touchpoint.objects.get(code="bureau")
    assert response.status_code == 200
    assert (touchpoint.stage, touchpoint.organization, touchpoint.rank) == (stage, world.org, 0)
    assert "Bureau du conseiller" in response.content.decode()


@pytest.mark.django_db
def test_touchpoint_code_is_unique_within_the_organisation_only(world, client, history):
    """ "comptoir" exists in both organisations; a second one in Caisse Test is refused."""
    client.force_login(french(world.cx_lead))
    data = {"name_fr": "Autre comptoir", "code": "comptoir", "channel": Channel.BRANCH}
    response = client.post(url("touchpoint_create", world, history.stage.pk), data, headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Un autre point de contact utilise déjà ce code." in content
    assert content.lstrip().startswith(f'<form id="touchpoint-add-{history.stage.pk}"')
    assert Touchpoint.objects.filter(code="comptoir").count() == 2  # one per organisation
    # editing another touchpoint to take the code is refused too
    other = touchpoint_create(
        stage=history.stage, code="guichet", channel=Channel.BRANCH, name_fr="Guichet"
    )
    response = client.post(url("touchpoint_edit", world, other.pk), {**data, "name_fr": "Guichet"})
    assert response.status_code == 200
    assert "Un autre point de contact utilise déjà ce code." in response.content.decode()
    other.refresh_from_db()
    assert other.code == "guichet"


@pytest.mark.django_db
def test_touchpoint_with_an_unknown_channel_is_refused(world, client, journey):
    stage = journey.stages.first()
    client.force_login(french(world.cx_lead))
    response = client.post(
        url("touchpoint_create", world, stage.pk),
        {"name_fr": "Pigeon", "code": "pigeon", "channel": "pigeon"},
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide." in response.content.decode()
    assert not Touchpoint.objects.filter(code="pigeon").exists()


@pytest.mark.django_db
def test_touchpoint_is_edited(world, client, journey):
    touchpoint = Touchpoint.objects.get(code="clavardage")
    client.force_login(world.cx_lead)
    fragment = client.get(url("touchpoint_edit", world, touchpoint.pk), headers=HTMX)
    assert 'value="Clavardage"' in fragment.content.decode()
    response = client.post(
        url("touchpoint_edit", world, touchpoint.pk),
        {"name_fr": "Clavardage", "name_en": "Chat", "code": "clavardage", "channel": Channel.CHAT},
    )
    touchpoint.refresh_from_db()
    assert response.status_code == 302
    assert touchpoint.name_en == "Chat"


@pytest.mark.django_db
def test_touchpoint_with_responses_links_and_invitations_is_not_deleted(world, client, history):
    """Touchpoints are PROTECTed by their history: deleting is refused in words (we chose to
    refuse rather than hide: the model has no "active" flag for touchpoints)."""
    client.force_login(french(world.cx_lead))
    response = client.post(url("touchpoint_delete", world, history.touchpoint.pk), follow=True)
    assert response.status_code == 200
    assert Touchpoint.objects.filter(pk=history.touchpoint.pk).exists()
    assert (
        "« Comptoir » ne peut pas être supprimé : 3 réponses, liens de sondage ou invitations y "
        "renvoient, et cet historique doit être conservé. Renommez-le plutôt s’il a changé."
    ) in response.content.decode()


@pytest.mark.django_db
def test_touchpoint_without_history_is_deleted(world, client, journey):
    touchpoint = Touchpoint.objects.get(code="site-web")
    client.force_login(world.cx_lead)
    response = client.post(url("touchpoint_delete", world, touchpoint.pk), headers=HTMX)
    assert response.status_code == 200
    assert touchpoint_codes(touchpoint.stage) == ["clavardage"]
    assert Touchpoint.objects.get(code="clavardage").rank == 0


# Reordering -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_move_down_button_reorders_stages_and_keeps_focus_on_the_moved_stage(
    world, client, journey
):
    first = journey.stages.get(name_fr="Découverte")
    client.force_login(french(world.cx_lead))
    response = client.post(url("stage_move", world, first.pk), {"direction": "down"}, headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert stage_names(journey) == ["Rendez-vous", "Découverte", "Suivi"]
    assert f'id="stage-{first.pk}-down" autofocus' in content
    assert content.count("autofocus") == 1
    assert "« Découverte » est maintenant l’étape 2 sur 3." in content


@pytest.mark.django_db
def test_moving_to_the_top_keeps_focus_on_the_button_now_inactive(world, client, journey):
    """At the top, "move up" is aria-disabled rather than disabled, so that it keeps focus."""
    second = journey.stages.get(name_fr="Rendez-vous")
    client.force_login(world.cx_lead)
    content = client.post(
        url("stage_move", world, second.pk), {"direction": "up"}, headers=HTMX
    ).content.decode()
    assert stage_names(journey) == ["Rendez-vous", "Découverte", "Suivi"]
    assert f'id="stage-{second.pk}-up" aria-disabled="true" autofocus' in content
    assert " disabled" not in content.replace('aria-disabled="true"', "")
    # pressing it again changes nothing
    client.post(url("stage_move", world, second.pk), {"direction": "up"}, headers=HTMX)
    assert stage_names(journey) == ["Rendez-vous", "Découverte", "Suivi"]


@pytest.mark.django_db
def test_move_buttons_work_without_javascript(world, client, journey):
    touchpoint = Touchpoint.objects.get(code="clavardage")
    client.force_login(world.cx_lead)
    response = client.post(url("touchpoint_move", world, touchpoint.pk), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"] == (
        url("journey_edit", world, journey.pk) + f"?focus=touchpoint-{touchpoint.pk}-up"
    )
    assert touchpoint_codes(touchpoint.stage) == ["clavardage", "site-web"]
    page = client.get(response["Location"]).content.decode()
    assert f'id="touchpoint-{touchpoint.pk}-up" aria-disabled="true" autofocus' in page


@pytest.mark.django_db
def test_moving_the_last_stage_down_changes_nothing(world, client, journey):
    last = journey.stages.get(name_fr="Suivi")
    client.force_login(world.cx_lead)
    client.post(url("stage_move", world, last.pk), {"direction": "down"}, headers=HTMX)
    client.post(url("stage_move", world, last.pk), {"direction": "sideways"}, headers=HTMX)
    assert stage_names(journey) == ["Découverte", "Rendez-vous", "Suivi"]


@pytest.mark.django_db
def test_reorder_endpoint_saves_the_order_dragged_with_the_mouse(world, client, journey):
    ids = list(journey.stages.values_list("pk", flat=True))
    client.force_login(world.cx_lead)
    response = client.post(
        url("stage_reorder", world, journey.pk), {"order": [ids[2], ids[0], ids[1]]}, headers=HTMX
    )
    assert response.status_code == 200
    assert stage_names(journey) == ["Suivi", "Découverte", "Rendez-vous"]
    assert list(journey.stages.values_list("rank", flat=True)) == [0, 1, 2]
    stage = journey.stages.get(name_fr="Découverte")
    tp_ids = list(stage.touchpoints.values_list("pk", flat=True))
    response = client.post(
        url("touchpoint_reorder", world, stage.pk), {"order": tp_ids[::-1]}, headers=HTMX
    )
    assert response.status_code == 200
    assert touchpoint_codes(stage) == ["clavardage", "site-web"]


@pytest.mark.django_db
def test_reorder_endpoint_refuses_ids_of_another_journey_or_organisation(
    world, client, journey, history
):
    ids = list(journey.stages.values_list("pk", flat=True))
    other_org_stage = Stage.objects.exclude(organization=world.org).get()
    client.force_login(french(world.cx_lead))
    for order in (
        [ids[1], ids[0], history.stage.pk],  # a stage of another journey instead of one of ours
        [ids[1], ids[0], other_org_stage.pk],  # a stage of another organisation
        [*ids, history.stage.pk],  # an extra one
        [ids[1], ids[0]],  # one missing
        [ids[1], ids[0], ids[0]],  # a duplicate
        ["x", "y", "z"],
    ):
        response = client.post(url("stage_reorder", world, journey.pk), {"order": order})
        assert response.status_code == 400, order
        assert response.content.decode() == (
            "Le nouvel ordre doit nommer chaque élément de cette liste une seule fois. "
            "Rechargez la page."
        )
    assert stage_names(journey) == ["Découverte", "Rendez-vous", "Suivi"]
    stage = journey.stages.first()
    response = client.post(
        url("touchpoint_reorder", world, stage.pk),
        {"order": [history.touchpoint.pk, *stage.touchpoints.values_list("pk", flat=True)][:2]},
    )
    assert response.status_code == 400
    assert touchpoint_codes(stage) == ["site-web", "clavardage"]


@pytest.mark.django_db
def test_another_organisations_journey_is_404_for_every_editor_route(world, client, history):
    other = Journey.objects.exclude(organization=world.org).get()
    other_stage, other_tp = other.stages.get(), Touchpoint.objects.get(stage__journey=other)
    client.force_login(world.admin)
    routes = [
        ("journey_edit", other.pk),
        ("journey_delete", other.pk),
        ("stage_create", other.pk),
        ("stage_reorder", other.pk),
        ("stage_edit", other_stage.pk),
        ("stage_move", other_stage.pk),
        ("stage_delete", other_stage.pk),
        ("touchpoint_create", other_stage.pk),
        ("touchpoint_reorder", other_stage.pk),
        ("touchpoint_edit", other_tp.pk),
        ("touchpoint_move", other_tp.pk),
        ("touchpoint_delete", other_tp.pk),
    ]
    for name, pk in routes:
        for method in (client.get, client.post):
            assert method(url(name, world, pk), {"direction": "up"}).status_code == 404, name
    assert Stage.objects.filter(pk=other_stage.pk).exists()
    assert Touchpoint.objects.filter(pk=other_tp.pk).exists()


# French ---------------------------------------------------------------------------------------


def _without_english_content(html: str) -> str:
    """Drop the organisation's own English texts (marked lang="en"), keep the interface."""
    return re.sub(r'<(\w+)[^>]*\slang="en"[^>]*>.*?</\1>', " ", html, flags=re.S)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["journey_list", "journey_create", "journey_edit", "stage_edit"])
def test_journey_pages_in_french_leave_no_english_behind(world, client, journey, page):
    client.force_login(french(world.cx_lead))
    args = {"journey_edit": [journey.pk], "stage_edit": [journey.stages.first().pk]}.get(page, [])
    response = client.get(url(page, world, *args), headers={"Accept-Language": "fr-CA"})
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert english_left_behind(_without_english_content(response.content.decode())) == set()
