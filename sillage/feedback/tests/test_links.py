"""Survey links per unit × touchpoint: the links page, bulk creation, activation, the widget
snippet page. Alice (admin) and Chloé (CX lead) manage; Rémi (regional manager, R1) and
Béatrice (branch manager, B1) only see their subtree; Émile (employee) sees nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sillage.accounts.models import Unit, UnitType
from sillage.feedback.models import Channel, Survey, SurveyLink, Touchpoint
from sillage.feedback.services_distribution import links_generate
from sillage.feedback.tests.factories import build_feedback, make_survey
from tests.test_i18n import english_left_behind

SITE = "http://127.0.0.1:8000"


def speaks(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


@pytest.fixture
def fb(world):
    feedback = build_feedback(world.org, world.b1)
    feedback.web = Touchpoint.objects.create(
        organization=world.org,
        stage=feedback.stage,
        code="web",
        channel=Channel.WEB,
        name_fr="Site web",
        name_en="Website",
        rank=1,
    )
    for user in (world.admin, world.cx_lead, world.regional_manager, world.branch_manager):
        speaks(user, "en")
    return feedback


def links_url(world, survey) -> str:
    return reverse("survey_links", kwargs={"org_slug": world.org.slug, "survey_id": survey.pk})


def unit_codes(survey) -> set[tuple[str, str]]:
    return set(
        SurveyLink.objects.filter(survey=survey).values_list("unit__code", "touchpoint__code")
    )


def test_admin_creates_links_for_a_subtree_and_keeps_existing_ones(world, fb, client_for):
    kept_token = fb.link.token
    response = client_for(world.admin).post(
        links_url(world, fb.survey),
        {"root": world.r1.pk, "touchpoints": [fb.touchpoint.pk, fb.web.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "7 links created, 1 already existed and were kept." in response.content.decode()
    assert unit_codes(fb.survey) == {
        (unit, tp) for unit in ("R1", "B1", "B2", "T1") for tp in ("comptoir", "web")
    }
    fb.link.refresh_from_db()
    assert fb.link.token == kept_token  # printed posters keep working


def test_creating_the_same_links_twice_changes_nothing(world, fb, client_for):
    client = client_for(world.cx_lead)
    data = {"root": world.hq.pk, "touchpoints": [fb.touchpoint.pk]}
    client.post(links_url(world, fb.survey), data)
    tokens = dict(SurveyLink.objects.filter(survey=fb.survey).values_list("pk", "token"))
    response = client.post(links_url(world, fb.survey), data, follow=True)
    assert "0 links created, 7 already existed and were kept." in response.content.decode()
    assert dict(SurveyLink.objects.filter(survey=fb.survey).values_list("pk", "token")) == tokens


def test_links_can_be_limited_to_one_type_of_unit(world, fb, client_for):
    branch = UnitType.objects.create(
        organization=world.org, code="branch", name_fr="Succursale", name_en="Branch"
    )
    Unit.objects.filter(code__in=["B1", "B2", "B3"]).update(unit_type=branch)
    client_for(world.admin).post(
        links_url(world, fb.survey),
        {"root": world.hq.pk, "unit_type": branch.pk, "touchpoints": [fb.web.pk]},
    )
    assert {u for u, tp in unit_codes(fb.survey) if tp == "web"} == {"B1", "B2", "B3"}


def test_archived_units_get_no_link(world, fb, client_for):
    world.b2.archive()
    client_for(world.admin).post(
        links_url(world, fb.survey), {"root": world.r1.pk, "touchpoints": [fb.web.pk]}
    )
    assert {u for u, tp in unit_codes(fb.survey) if tp == "web"} == {"R1", "B1", "T1"}


def test_links_service_refuses_a_touchpoint_of_another_organisation(world, fb):
    other = build_feedback(world.other_org, world.other_unit)
    with pytest.raises(Exception, match="another organisation"):
        links_generate(survey=fb.survey, units=[world.b1], touchpoints=[other.touchpoint])
    assert SurveyLink.objects.filter(survey=fb.survey).count() == 1


def test_the_form_needs_a_unit_and_a_touchpoint(world, fb, client_for):
    response = client_for(world.admin).post(links_url(world, fb.survey), {})
    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == 2
    assert SurveyLink.objects.filter(survey=fb.survey).count() == 1


def test_links_page_shows_each_address_with_copy_button_and_qr_code(world, fb, client_for):
    links_generate(survey=fb.survey, units=[world.b2], touchpoints=[fb.touchpoint])
    response = client_for(world.admin).get(links_url(world, fb.survey))
    assert response.status_code == 200
    html = response.content.decode()
    url = f"{SITE}/s/{fb.link.token}"
    assert f'readonly value="{url}"' in html
    assert f'data-copy="link-url-{fb.link.pk}"' in html
    assert f'src="/o/caisse/links/{fb.link.pk}/qr.svg"' in html
    assert f'href="/o/caisse/links/{fb.link.pk}/poster/"' in html
    assert "js/distribution.js" in html
    # grouped by branch, in tree order
    assert html.index("Succursale Plateau") < html.index("Succursale Verdun")
    assert "2 links" in html
    # how to credit an employee
    assert f"{url}?e=E1234" in html


def test_regional_manager_sees_only_the_links_of_his_subtree(world, fb, client_for):
    links_generate(
        survey=fb.survey, units=Unit.objects.filter(organization=world.org), touchpoints=[fb.web]
    )
    html = client_for(world.regional_manager).get(links_url(world, fb.survey)).content.decode()
    tokens = set(re.findall(r"/s/([\w-]{22})\"", html))
    visible = set(
        SurveyLink.objects.filter(
            survey=fb.survey, unit__code__in=["R1", "B1", "B2", "T1"]
        ).values_list("token", flat=True)
    )
    assert tokens == visible
    assert "Succursale Limoilou" not in html
    assert "Create the missing links" not in html  # viewing only


def test_branch_manager_sees_her_branch_and_its_teams_only(world, fb, client_for):
    links_generate(
        survey=fb.survey, units=Unit.objects.filter(organization=world.org), touchpoints=[fb.web]
    )
    html = client_for(world.branch_manager).get(links_url(world, fb.survey)).content.decode()
    assert "3 links" in html  # B1: counter and web; T1, a team of B1: web
    assert "Succursale Verdun" not in html
    assert "Équipe conseil" in html


def test_managers_cannot_create_links(world, fb, client_for):
    response = client_for(world.regional_manager).post(
        links_url(world, fb.survey), {"root": world.r1.pk, "touchpoints": [fb.web.pk]}
    )
    assert response.status_code == 404
    assert SurveyLink.objects.filter(survey=fb.survey).count() == 1


@pytest.mark.parametrize("who", ["employee", "sibling_employee"])
def test_employees_do_not_see_links(world, fb, client_for, who):
    assert client_for(getattr(world, who)).get(links_url(world, fb.survey)).status_code == 404


def test_links_page_of_another_organisations_survey_is_404(world, fb, client_for):
    other = build_feedback(world.other_org, world.other_unit)
    assert client_for(world.admin).get(links_url(world, other.survey)).status_code == 404


def test_unpublished_survey_warns_that_customers_cannot_answer_yet(world, fb, client_for):
    draft = make_survey(world.org, fb.touchpoint)
    html = client_for(world.admin).get(links_url(world, draft)).content.decode()
    assert "This survey is not published yet" in html


def test_admin_deactivates_and_reactivates_a_link(world, fb, client_for):
    client = client_for(world.admin)
    url = reverse("link_toggle", kwargs={"org_slug": "caisse", "link_id": fb.link.pk})
    response = client.post(url, {"active": "0"})
    assert response.status_code == 302
    fb.link.refresh_from_db()
    assert fb.link.is_active is False
    html = client.get(links_url(world, fb.survey)).content.decode()
    assert ">inactive<" in html
    client.post(url, {"active": "1"})
    fb.link.refresh_from_db()
    assert fb.link.is_active is True


def test_toggle_through_htmx_returns_only_the_row(world, fb, client_for):
    url = reverse("link_toggle", kwargs={"org_slug": "caisse", "link_id": fb.link.pk})
    response = client_for(world.admin).post(url, {"active": "0"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith(f'<tr id="link-{fb.link.pk}">')
    assert ">inactive<" in html and ">Activate<" in html
    assert "<html" not in html


def test_toggle_is_post_only_and_refused_to_managers(world, fb, client_for):
    url = reverse("link_toggle", kwargs={"org_slug": "caisse", "link_id": fb.link.pk})
    assert client_for(world.admin).get(url).status_code == 405
    assert client_for(world.branch_manager).post(url, {"active": "0"}).status_code == 404
    fb.link.refresh_from_db()
    assert fb.link.is_active is True


def test_links_page_query_count_does_not_grow_with_links(
    world, fb, client_for, django_assert_max_num_queries
):
    client = client_for(world.admin)
    client.get(links_url(world, fb.survey))  # warm the session and last organisation
    with django_assert_max_num_queries(14):
        client.get(links_url(world, fb.survey))
    links_generate(
        survey=fb.survey,
        units=Unit.objects.filter(organization=world.org),
        touchpoints=[fb.touchpoint, fb.web],
    )
    with django_assert_max_num_queries(14):
        response = client.get(links_url(world, fb.survey))
    assert "14 links" in response.content.decode()


# --- The widget snippet page ----------------------------------------------------------------


def widget_url(survey) -> str:
    return reverse("survey_widget", kwargs={"org_slug": "caisse", "survey_id": survey.pk})


def test_widget_page_gives_the_one_line_script_for_the_chosen_link_and_mode(world, fb, client_for):
    links_generate(survey=fb.survey, units=[world.b2], touchpoints=[fb.web])
    b2_link = SurveyLink.objects.get(survey=fb.survey, unit=world.b2)
    client = client_for(world.admin)
    html = client.get(widget_url(fb.survey)).content.decode()
    first = f"&lt;script src=&quot;{SITE}/w/{fb.link.token}.js&quot; data-mode=&quot;modal&quot;"
    assert first + " async&gt;&lt;/script&gt;</textarea>" in html
    html = client.get(widget_url(fb.survey), {"link": b2_link.pk, "mode": "inline"}).content
    assert (
        f"&lt;script src=&quot;{SITE}/w/{b2_link.token}.js&quot; data-mode=&quot;inline&quot; "
        "async&gt;&lt;/script&gt;"
    ) in html.decode()
    assert f'data-script="{SITE}/w/{b2_link.token}.js"' in html.decode()


def test_widget_page_lists_only_active_links_in_scope(world, fb, client_for):
    links_generate(survey=fb.survey, units=[world.b3, world.b2], touchpoints=[fb.web])
    SurveyLink.objects.filter(unit=world.b2).update(is_active=False)
    b3_link = SurveyLink.objects.get(survey=fb.survey, unit=world.b3)
    html = client_for(world.regional_manager).get(widget_url(fb.survey)).content.decode()
    assert f'<option value="{fb.link.pk}"' in html
    assert "Succursale Verdun" not in html  # inactive
    assert f'value="{b3_link.pk}"' not in html  # another region
    # a link id outside the scope falls back to the first visible link
    html = client_for(world.regional_manager).get(widget_url(fb.survey), {"link": b3_link.pk})
    assert b3_link.token not in html.content.decode()


def test_widget_page_without_links_says_what_to_do(world, fb, client_for):
    survey = Survey.objects.create(organization=world.org, name_fr="Vide", name_en="Empty")
    html = client_for(world.admin).get(widget_url(survey)).content.decode()
    assert "No active link for the units you can see. Create links first." in html


def test_widget_page_is_hidden_from_employees_and_other_organisations(world, fb, client_for):
    assert client_for(world.employee).get(widget_url(fb.survey)).status_code == 404
    other = build_feedback(world.other_org, world.other_unit)
    assert client_for(world.admin).get(widget_url(other.survey)).status_code == 404


# --- French ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["links", "widget", "manager_links"])
def test_distribution_pages_in_french_leave_no_english_behind(world, fb, client_for, page):
    user = world.regional_manager if page == "manager_links" else world.admin
    speaks(user, "fr")
    url = widget_url(fb.survey) if page == "widget" else links_url(world, fb.survey)
    response = client_for(user).get(url)
    assert response["Content-Language"] == "fr"
    html = response.content.decode()
    assert english_left_behind(html) == set()
    if page == "links":
        assert "Créer les liens manquants" in html


def test_links_page_shows_one_branch_when_a_unit_is_picked(world, fb, client_for):
    links_generate(survey=fb.survey, units=[world.b1, world.b2], touchpoints=[fb.touchpoint])
    client = client_for(world.admin)
    everything = client.get(links_url(world, fb.survey)).content.decode()
    assert f'id="unit-{world.b1.pk}"' in everything
    assert f'id="unit-{world.b2.pk}"' in everything
    assert f'<option value="{world.b2.pk}">' in everything

    one = client.get(links_url(world, fb.survey), {"unit": world.b2.pk}).content.decode()
    assert f'id="unit-{world.b2.pk}"' in one
    assert f'id="unit-{world.b1.pk}"' not in one
    assert "1 link · Succursale Verdun</h2>" in one


def test_links_page_ignores_a_unit_out_of_scope(world, fb, client_for):
    links_generate(survey=fb.survey, units=[world.b1, world.b2], touchpoints=[fb.touchpoint])
    page = client_for(world.branch_manager).get(links_url(world, fb.survey), {"unit": world.b2.pk})
    content = page.content.decode()
    assert page.status_code == 200
    assert f'id="unit-{world.b2.pk}"' not in content
    assert f'id="unit-{world.b1.pk}"' in content
