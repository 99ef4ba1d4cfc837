"""The report pages: who sees which group, the 'not enough answers' state, filters, comments,
export and participation. All of it through `pulse_report`."""

import csv
import io
import re

import pytest

from sillage.pulse.models import WaveNode

pytestmark = pytest.mark.django_db


def page(client, user, url):
    client.force_login(user)
    response = client.get(url, headers={"Accept-Language": "fr"})
    return response, response.content.decode()


def heatmap_rows(content: str) -> dict[str, list[str]]:
    table = content.split('class="table heatmap"')[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
        name = re.sub(r"<[^>]+>", "", re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1)).strip()
        rows[name] = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
    return rows


@pytest.mark.parametrize("who", ["admin", "cx_lead", "executive"])
def test_organisation_wide_roles_see_the_organisation_report(client, world, closed_wave, who):
    response, content = page(
        client, getattr(world, who), f"/o/caisse/pulse/waves/{closed_wave.pk}/"
    )
    assert response.status_code == 200
    rows = heatmap_rows(content)
    assert list(rows) == ["Siège", "Région de Montréal", "Région de Québec"]
    # Qi of the whole organisation: (6×4 + 3×2 + 7×5 + 5×3) / 21 = 3.81 → 70
    assert rows["Siège"][0] == "70" and rows["Siège"][-1] == "21"
    assert rows["Région de Québec"][0] == "50" and rows["Région de Québec"][-1] == "5"


def test_regional_manager_sees_their_subtree_only(client, world, closed_wave):
    url = f"/o/caisse/pulse/waves/{closed_wave.pk}/"
    response, content = page(client, world.regional_manager, url)
    assert response.status_code == 200
    rows = heatmap_rows(content)
    assert list(rows) == ["Région de Montréal", "Succursale Plateau", "Succursale Verdun"]
    assert rows["Succursale Verdun"][0] == "100"
    assert client.get(f"{url}?unit={world.b3.pk}").status_code == 404
    assert client.get(f"{url}?unit={world.hq.pk}").status_code == 404
    assert client.get(f"{url}?unit={world.other_unit.pk}").status_code == 404


def test_a_team_under_the_threshold_shows_not_enough_answers(client, world, closed_wave):
    url = f"/o/caisse/pulse/waves/{closed_wave.pk}/"
    _response, content = page(client, world.branch_manager, url)
    rows = heatmap_rows(content)
    assert rows["Équipe conseil"] == ["Masqué : trop peu de réponses pour protéger l’anonymat"]
    response, content = page(client, world.branch_manager, f"{url}?unit={world.t1.pk}")
    assert response.status_code == 200
    assert "Pas assez de réponses pour l’instant" in content
    assert "groupes d’au moins 5 personnes" in content
    assert 'class="table heatmap"' not in content
    assert not re.search(r"stat__value\">\d", content)


def test_employee_sees_their_own_team_only(client, world, closed_wave):
    url = f"/o/caisse/pulse/waves/{closed_wave.pk}/"
    response, content = page(client, world.employee, url)
    assert response.status_code == 200
    assert list(heatmap_rows(content)) == ["Succursale Plateau"]  # no sub-team: not theirs
    assert heatmap_rows(content)["Succursale Plateau"][-1] == "9"
    for unit in (world.t1, world.b2, world.r1):
        assert client.get(f"{url}?unit={unit.pk}").status_code == 404
    assert client.get(f"/o/caisse/pulse/waves/{closed_wave.pk}/export.csv").status_code == 404
    assert client.get(f"/o/caisse/pulse/waves/{closed_wave.pk}/participation/").status_code == 404


def test_another_organisation_sees_nothing(client, world, closed_wave):
    client.force_login(world.outsider)
    for suffix in ("", "comments/", "export.csv", "participation/"):
        assert client.get(f"/o/caisse/pulse/waves/{closed_wave.pk}/{suffix}").status_code == 404
        assert client.get(f"/o/autre/pulse/waves/{closed_wave.pk}/{suffix}").status_code == 404


def test_results_wait_for_the_wave_to_close(client, world):
    from sillage.pulse.tests.factories import add_people, answer, open_wave

    wave = open_wave(world.org)
    for person in add_people(world.org, world.b2, 6):
        answer(wave, person)
    response, content = page(client, world.admin, f"/o/caisse/pulse/waves/{wave.pk}/")
    assert response.status_code == 200
    assert "Les résultats seront affichés à la fermeture du sondage" in content
    assert "heatmap" not in content


def test_tenure_filter_is_offered_only_where_it_isolates_nobody(client, world, closed_wave):
    url = f"/o/caisse/pulse/waves/{closed_wave.pk}/"
    _response, content = page(client, world.admin, f"{url}?unit={world.hq.pk}&tenure=lt1")
    assert heatmap_rows(content)["Siège"][-1] == "9"
    assert "Moins d’un an" in content
    _response, content = page(client, world.admin, f"{url}?unit={world.hq.pk}&tenure=1to5")
    assert "Ce filtre n’est pas disponible ici" in content
    _response, content = page(client, world.admin, f"{url}?unit={world.b1.pk}&tenure=lt1")
    assert "Ce filtre n’est pas disponible ici" in content
    assert client.get(f"{url}?tenure=junior").status_code == 404


def test_comments_only_for_groups_of_ten_in_random_order_without_dates(client, world, closed_wave):
    url = f"/o/caisse/pulse/waves/{closed_wave.pk}/comments/"
    seen = set()
    for _attempt in range(3):
        _response, content = page(client, world.admin, url)
        comments = re.findall(r"<li>(Commentaire \d+)</li>", content)
        seen.add(tuple(comments))
    assert sorted(comments, key=lambda c: int(c.split()[-1])) == [
        f"Commentaire {n}" for n in range(21)
    ]
    assert len(seen) > 1  # shuffled on every request
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2} \w+ 20\d\d", content.split("<main")[1])
    # The region's list would differ from the whole organisation's by 5 people only.
    _response, content = page(client, world.regional_manager, url)
    assert "Pas assez de réponses pour l’instant" in content
    assert not re.search(r"Commentaire \d", content)


def test_export_is_the_same_report_as_a_csv(client, world, closed_wave):
    client.force_login(world.regional_manager)
    response = client.get(f"/o/caisse/pulse/waves/{closed_wave.pk}/export.csv?unit={world.b1.pk}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == [
        "Code d’unité",
        "Unité",
        "Ancienneté",
        "Réponses",
        "Quotient d’implication",
    ]
    assert rows[1][:5] == ["B1", "Succursale Plateau", "", "9", "58.3"]
    assert rows[2] == ["T1", "Équipe conseil", "", "masqué (moins de 5 réponses)"]
    assert (
        client.get(
            f"/o/caisse/pulse/waves/{closed_wave.pk}/export.csv?unit={world.b3.pk}"
        ).status_code
        == 404
    )


def test_participation_shows_counts_only_where_enough_people_are_invited(
    client, world, closed_wave
):
    response, content = page(
        client, world.branch_manager, f"/o/caisse/pulse/waves/{closed_wave.pk}/participation/"
    )
    assert response.status_code == 200
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", content, re.S)
    ]
    # B1: 8 invited directly (6 + Béatrice + Émile) and 3 in T1, 9 answers; T1 alone: hidden.
    assert cells == [
        "Succursale Plateau",
        "11",
        "9",
        "82\u00a0%",
        "Équipe conseil",
        "Masqué : trop peu de personnes invitées",
    ]
    assert "Émile" not in content.split("<main")[1]


def test_nothing_shows_a_hidden_group_even_to_an_administrator(client, world, closed_wave):
    node = WaveNode.objects.get(wave=closed_wave, unit=world.t1, tenure="")
    assert (node.visible, node.n, node.stats) == (False, 0, {})
    client.force_login(world.admin)
    url = f"/o/caisse/pulse/waves/{closed_wave.pk}/?unit={world.t1.pk}"
    for extra in ("", "&show=all", "&tenure=lt1", "&threshold=1"):
        content = client.get(url + extra).content.decode()
        assert "Pas assez de réponses" in content


def test_report_page_query_count_does_not_grow_with_units(
    client, world, closed_wave, django_assert_max_num_queries
):
    client.force_login(world.admin)
    with django_assert_max_num_queries(26):
        assert client.get(f"/o/caisse/pulse/waves/{closed_wave.pk}/").status_code == 200
