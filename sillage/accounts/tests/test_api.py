import pytest
from django.core.management import CommandError, call_command

from sillage.accounts.models import ApiToken, Role


def bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.django_db
def test_units_lists_the_org_tree_parents_first(world, client):
    response = client.get("/api/v1/units", headers=bearer(world.admin_raw_token))
    units = response.json()
    assert response.status_code == 200
    assert [u["id"] for u in units][:2] == [world.hq.pk, world.r1.pk]
    assert {u["code"] for u in units} == {"HQ", "R1", "R2", "B1", "B2", "B3", "T1"}
    assert units[0] == {
        "id": world.hq.pk,
        "code": "HQ",
        "name_fr": "Siège",
        "name_en": "Head office",
        "parent_id": None,
        "depth": 1,
        "type": None,
        "archived": False,
    }


@pytest.mark.django_db
def test_manager_token_sees_its_subtree_only(world, client):
    _token, raw = ApiToken.issue(
        organization=world.org, name="r1", role=Role.MANAGER, unit=world.r1
    )
    codes = {u["code"] for u in client.get("/api/v1/units", headers=bearer(raw)).json()}
    assert codes == {"R1", "B1", "B2", "T1"}
    assert client.get(f"/api/v1/units/{world.b3.pk}", headers=bearer(raw)).status_code == 404


@pytest.mark.django_db
def test_missing_token_is_a_json_401(client):
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.json() == {"error": "Missing or invalid bearer token."}


@pytest.mark.django_db
def test_bad_parameter_is_a_json_422_with_the_path(world, client):
    response = client.get("/api/v1/units/abc", headers=bearer(world.admin_raw_token))
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "The request is not valid."
    assert body["details"][0]["path"] == "path.unit_id"


@pytest.mark.django_db
def test_me_describes_the_token(world, client):
    body = client.get("/api/v1/me", headers=bearer(world.admin_raw_token)).json()
    assert body["organization"]["slug"] == "caisse"
    assert body["role"] == "admin"


@pytest.mark.django_db
def test_openapi_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/units" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.django_db
def test_token_is_stored_hashed(world):
    token, raw = ApiToken.issue(organization=world.org, name="x")
    assert raw.startswith("sil_") and len(raw) > 40
    assert raw not in token.token_hash
    assert token.token_hash == ApiToken.hash(raw)


@pytest.mark.django_db
def test_api_token_command_prints_a_working_token(world, client, capsys):
    call_command("api_token", "create", "--org", "caisse", "--name", "CRM")
    raw = capsys.readouterr().out.strip()
    assert client.get("/api/v1/units", headers=bearer(raw)).status_code == 200
    assert ApiToken.objects.get(name="CRM").role == Role.CX_LEAD


@pytest.mark.django_db
def test_api_token_command_rejects_unknown_org_and_unitless_manager(world):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("api_token", "create", "--org", "nope", "--name", "x")
    with pytest.raises(CommandError, match="needs a unit"):
        call_command("api_token", "create", "--org", "caisse", "--name", "x", "--role", "manager")


@pytest.mark.django_db
def test_admin_creates_token_in_ui_shown_once(world, client):
    client.force_login(world.admin)
    response = client.post("/o/caisse/api-tokens/", {"name": "Entrepôt", "role": "cx_lead"})
    token = ApiToken.objects.get(name="Entrepôt")
    content = response.content.decode()
    assert token.hint in content
    raw = content.split('id="new-token">')[1].split("<")[0]
    assert ApiToken.hash(raw) == token.token_hash
    again = client.get("/o/caisse/api-tokens/").content.decode()
    assert raw not in again


@pytest.mark.django_db
def test_admin_revokes_a_token(world, client):
    client.force_login(world.admin)
    client.post(f"/o/caisse/api-tokens/{world.admin_token.pk}/revoke/")
    world.admin_token.refresh_from_db()
    assert world.admin_token.revoked_at is not None
    assert client.get("/api/v1/units", headers=bearer(world.admin_raw_token)).status_code == 401
