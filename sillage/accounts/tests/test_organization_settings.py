import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from PIL import Image

from sillage.accounts.models import Organization


def form_data(**overrides):
    data = {
        "name": "Caisse Test",
        "default_language": "fr",
        "time_zone": "America/Toronto",
        "anonymity_threshold": 5,
        "brand_colour": "#123456",
        "contact_frequency_days": 30,
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_admin_saves_settings_with_a_logo(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#0B6E4F").save(buffer, "PNG")
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    client.force_login(world.admin)
    response = client.post(
        reverse("organization_settings", args=[world.org.slug]),
        form_data(anonymity_threshold=7, time_zone="Europe/Paris", logo=logo),
    )
    world.org.refresh_from_db()
    assert response.status_code == 302
    assert (world.org.anonymity_threshold, world.org.time_zone, world.org.brand_colour) == (
        7,
        "Europe/Paris",
        "#123456",
    )
    assert world.org.logo.name.startswith("logos/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("anonymity_threshold", 2), ("brand_colour", "green"), ("time_zone", "Mars/Olympus")],
)
def test_bad_settings_are_refused(world, client, field, value):
    client.force_login(world.admin)
    response = client.post(
        reverse("organization_settings", args=[world.org.slug]), form_data(**{field: value})
    )
    assert response.status_code == 200
    assert 'class="field__error"' in response.content.decode()
    world.org.refresh_from_db()
    assert world.org.brand_colour == "#0B6E4F"


@pytest.mark.django_db
def test_a_non_image_logo_is_refused(world, client):
    client.force_login(world.admin)
    fake = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = client.post(
        reverse("organization_settings", args=[world.org.slug]), form_data(logo=fake)
    )
    assert response.status_code == 200
    assert not Organization.objects.get(pk=world.org.pk).logo


@pytest.mark.django_db
def test_database_refuses_a_threshold_under_three(world):
    with pytest.raises(IntegrityError):
        Organization.objects.filter(pk=world.org.pk).update(anonymity_threshold=2)


@pytest.mark.django_db
def test_brand_colour_is_served_as_css_to_members_only(world, client):
    client.force_login(world.employee)
    response = client.get(reverse("brand_css", args=[world.org.slug]))
    assert response["Content-Type"] == "text/css"
    assert response.content.decode() == ":root { --brand: #0B6E4F; }\n"
    page = client.get(reverse("org_home", args=[world.org.slug])).content.decode()
    assert '<link rel="stylesheet" href="/o/caisse/brand.css">' in page
    assert client.get(reverse("brand_css", args=[world.other_org.slug])).status_code == 404
