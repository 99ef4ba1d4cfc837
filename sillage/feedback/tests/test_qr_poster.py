"""QR codes (SVG, PNG) and the printable poster of a survey link."""

from __future__ import annotations

import io

import pytest
import segno
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from sillage.feedback.services_distribution import QR_BORDER, links_generate
from sillage.feedback.tests.factories import build_feedback
from tests.test_i18n import english_left_behind

SITE = "http://127.0.0.1:8000"


@pytest.fixture
def fb(world):
    world.admin.language = "en"
    world.admin.save(update_fields=["language"])
    return build_feedback(world.org, world.b1)


def url_for(name: str, link) -> str:
    return reverse(name, kwargs={"org_slug": "caisse", "link_id": link.pk})


def test_svg_qr_code_encodes_the_links_exact_address(world, fb, client_for):
    response = client_for(world.admin).get(url_for("link_qr_svg", fb.link))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == 'inline; filename="qr-caisse-b1-comptoir.svg"'
    body = response.content
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<svg ')
    expected = segno.make(f"{SITE}/s/{fb.link.token}", error="q", boost_error=False, micro=False)
    path = expected.svg_inline(scale=4, border=QR_BORDER).split(' d="', 1)[1].split('"', 1)[0]
    assert f'd="{path}"'.encode() in body
    assert b"<title>Succursale Plateau \xc2\xb7 Counter</title>" in body


def test_svg_download_is_an_attachment(world, fb, client_for):
    response = client_for(world.admin).get(url_for("link_qr_svg", fb.link) + "?download=1")
    assert response["Content-Disposition"] == 'attachment; filename="qr-caisse-b1-comptoir.svg"'


def test_png_qr_code_decodes_to_the_matrix_of_the_links_address(world, fb, client_for):
    """Read the PNG's pixels back into modules and compare them with the QR symbol of the
    exact address, at error correction level Q, with a 4-module quiet zone."""
    response = client_for(world.admin).get(url_for("link_qr_png", fb.link) + "?download=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="qr-caisse-b1-comptoir.png"'
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(response.content)).convert("L")
    symbol = segno.make(f"{SITE}/s/{fb.link.token}", error="q", boost_error=False, micro=False)
    assert symbol.error == "Q"
    modules = len(symbol.matrix)
    scale = image.width // (modules + 2 * QR_BORDER)
    assert image.width == image.height == scale * (modules + 2 * QR_BORDER)
    read = [
        [
            image.getpixel(((x + QR_BORDER) * scale + scale // 2, (y + QR_BORDER) * scale + 1))
            < 128
            for x in range(modules)
        ]
        for y in range(modules)
    ]
    assert read == [[bool(v) for v in row] for row in symbol.matrix]
    # the quiet zone is white all round
    assert all(image.getpixel((x, 2)) == 255 for x in range(image.width))


def test_qr_codes_follow_the_configured_site_address(world, fb, client_for, settings):
    settings.SITE_URL = "https://avis.caisse.example"
    body = client_for(world.admin).get(url_for("link_qr_svg", fb.link)).content
    expected = segno.make(f"https://avis.caisse.example/s/{fb.link.token}", error="q")
    path = expected.svg_inline(scale=4).split(' d="', 1)[1].split('"', 1)[0]
    assert f'd="{path}"'.encode() in body


def test_qr_codes_are_scoped_like_links(world, fb, client_for):
    links_generate(survey=fb.survey, units=[world.b3], touchpoints=[fb.touchpoint])
    b3_link = fb.survey.links.get(unit=world.b3)
    manager = client_for(world.branch_manager)
    assert manager.get(url_for("link_qr_png", fb.link)).status_code == 200
    assert manager.get(url_for("link_qr_svg", b3_link)).status_code == 404
    assert manager.get(url_for("link_poster", b3_link)).status_code == 404
    employee = client_for(world.employee)
    assert employee.get(url_for("link_qr_svg", fb.link)).status_code == 404
    other = build_feedback(world.other_org, world.other_unit)
    assert client_for(world.admin).get(url_for("link_qr_png", other.link)).status_code == 404


@pytest.mark.parametrize(("size", "label"), [("letter", "Letter"), ("a4", "A4")])
def test_poster_in_each_paper_size(world, fb, client_for, size, label):
    response = client_for(world.admin).get(url_for("link_poster", fb.link), {"size": size})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<article class="poster poster--{size}"' in html
    assert f'href="?size={size}" aria-current="page">{label}' in html
    assert 'href="/static/css/poster-print.css" media="print"' in html
    # the organisation, its colour, the call to action in both languages, French first
    assert '<p class="poster__org-name">Caisse Test</p>' in html
    assert 'fill="#0B6E4F"' in html
    assert '<p class="poster__title poster__title--1" lang="fr">' in html
    assert '<p class="poster__title poster__title--2" lang="en">Your opinion matters</p>' in html
    assert '<p class="poster__cta" lang="en">Scan this code with your phone’s camera' in html
    # the code itself, inline, and the address without its scheme
    assert '<svg viewBox="0 0 ' in html and 'class="qr"' in html
    assert f'<p class="poster__url">127.0.0.1:8000/s/{fb.link.token}</p>' in html
    assert "Succursale Plateau · Counter" in html
    # the CSP allows no inline style
    assert " style=" not in html and "<style" not in html


def test_poster_defaults_to_letter_in_america_and_a4_elsewhere(world, fb, client_for):
    client = client_for(world.admin)
    assert "poster--letter" in client.get(url_for("link_poster", fb.link)).content.decode()
    world.org.time_zone = "Europe/Paris"
    world.org.save()
    assert "poster--a4" in client.get(url_for("link_poster", fb.link)).content.decode()
    assert (
        "poster--a4"
        in client.get(url_for("link_poster", fb.link) + "?size=tabloid").content.decode()
    )


def test_poster_shows_the_logo_when_the_organisation_has_one(
    world, fb, client_for, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path)
    world.org.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    html = client_for(world.admin).get(url_for("link_poster", fb.link)).content.decode()
    assert '<img class="poster__logo" src="/media/logos/logo' in html
    assert 'alt="Caisse Test"' in html


def test_print_stylesheet_sets_the_paper_size_per_class_and_hides_navigation():
    css = open(finders.find("css/poster-print.css"), encoding="utf-8").read()
    assert "@page letter { size: letter portrait;" in css
    assert "@page a4 { size: A4 portrait;" in css
    assert ".poster--letter { page: letter; }" in css
    assert ".poster--a4 { page: a4; }" in css
    assert ".topbar, .mainnav, .footer" in css


def test_poster_in_french_puts_french_first_and_leaves_no_english_outside_marked_text(
    world, fb, client_for
):
    world.admin.language = "fr"
    world.admin.save(update_fields=["language"])
    html = client_for(world.admin).get(url_for("link_poster", fb.link)).content.decode()
    assert '<p class="poster__title poster__title--1" lang="fr">Votre avis compte</p>' in html
    assert english_left_behind(html) == set()
