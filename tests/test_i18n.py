"""French is first-class: the catalogue is complete and the main pages carry no English."""

import re
from html.parser import HTMLParser

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from sillage.accounts.management.commands.compile_translations import catalogue_paths

# Words that are English and never French: finding one in a French page means a string was
# left untranslated (or never marked for translation).
ENGLISH_ONLY = {
    "the",
    "and",
    "your",
    "you",
    "with",
    "for",
    "from",
    "this",
    "that",
    "these",
    "those",
    "are",
    "was",
    "have",
    "has",
    "not",
    "yet",
    "no",
    "all",
    "any",
    "people",
    "person",
    "units",
    "unit",
    "sign",
    "home",
    "save",
    "cancel",
    "edit",
    "move",
    "settings",
    "search",
    "name",
    "email",
    "role",
    "roles",
    "team",
    "teams",
    "add",
    "show",
    "hide",
    "import",
    "create",
    "new",
    "token",
    "tokens",
    "last",
    "used",
    "never",
    "next",
    "previous",
    "of",
    "to",
    "in",
    "on",
    "by",
    "or",
    "who",
    "what",
    "which",
    "my",
    "our",
    "password",
    "language",
    "organization",
    "switch",
    "out",
    "skip",
    "content",
    "main",
    "figures",
    "active",
    "inactive",
    "archived",
    "archive",
    "restore",
    "ambassadors",
    "facilitators",
    "lead",
    "manager",
    "employee",
    "executive",
}
ALLOWED = {
    "yes/no",
    "Sillage",
    "API",
    "CSV",
    "CX",
    "FR",
    "EN",
    "admin",
    "cx_lead",
    "executive",
    "manager",
    "employee",
    "unit_code",
    "parent_code",
    "name_fr",
    "name_en",
    "first_name",
    "last_name",
    "employee_code",
    "job_title",
    "facilitator",
    "ambassador",
}


class TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0
        self._option_value = None

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "code"}:
            self._skip += 1
        attributes = dict(attrs)
        self._option_value = attributes.get("value") if tag == "option" else None
        if attributes.get("lang") in {"en"}:
            self._skip += 1  # text explicitly marked as English (e.g. the EN switch)
        for name in ("aria-label", "placeholder", "title", "alt"):
            if attributes.get(name):
                self.parts.append(attributes[name])

    def handle_endtag(self, tag):
        if tag in {"script", "style", "code"} or (self._skip and tag in {"button", "p"}):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if self._option_value is not None and data.strip() == self._option_value:
            return  # an identifier shown as itself, such as a time zone name
        if not self._skip:
            self.parts.append(data)


def english_left_behind(html: str) -> set[str]:
    extractor = TextExtractor()
    extractor.feed(html)
    text = " ".join(extractor.parts)
    for allowed in ALLOWED:
        text = text.replace(allowed, " ")
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", text)}
    return words & ENGLISH_ONLY


FRENCH_CATALOGUES = [
    path for path in catalogue_paths() if path.parts[-3] == "fr" and path.name == "django.po"
]


def test_every_app_catalogue_is_found():
    assert settings.BASE_DIR / "locale/fr/LC_MESSAGES/django.po" in FRENCH_CATALOGUES


@pytest.mark.parametrize("po_path", FRENCH_CATALOGUES, ids=lambda p: str(p.parent.parent.parent))
def test_french_catalogue_is_complete(po_path):
    catalogue = polib.pofile(str(po_path))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert catalogue.percent_translated() == 100


def test_translations_compile_in_pure_python():
    call_command("compile_translations", "--check", verbosity=0)


MAIN_PAGES = [
    ("admin", "/o/caisse/"),
    ("admin", "/o/caisse/units/"),
    ("admin", "/o/caisse/units/{b1}/"),
    ("admin", "/o/caisse/units/{b1}/edit/"),
    ("admin", "/o/caisse/units/{b1}/move/"),
    ("admin", "/o/caisse/units/new/"),
    ("admin", "/o/caisse/people/"),
    ("admin", "/o/caisse/people/invite/"),
    ("admin", "/o/caisse/people/{membership}/"),
    ("admin", "/o/caisse/import/"),
    ("admin", "/o/caisse/settings/"),
    ("admin", "/o/caisse/api-tokens/"),
    ("admin", "/me/"),
    ("admin", "/organisations/"),
    ("branch_manager", "/o/caisse/"),
    ("employee", "/o/caisse/"),
    (None, "/accounts/login/"),
    (None, "/accounts/password/reset/"),
    (None, "/o/caisse/nowhere/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "url"), MAIN_PAGES)
def test_main_pages_in_french_leave_no_english_behind(world, client, who, url):
    if who:
        user = getattr(world, who)
        user.language = "fr"
        user.save()
        client.force_login(user)
    url = url.format(b1=world.b1.pk, membership=world.membership(world.employee).pk)
    response = client.get(url, headers={"Accept-Language": "fr-CA"})
    assert response.status_code in {200, 404}
    assert response["Content-Language"] == "fr"
    assert english_left_behind(response.content.decode()) == set(), url


@pytest.mark.django_db
def test_the_same_page_in_english_is_in_english(world, client):
    world.admin.language = "en"
    world.admin.save()
    client.force_login(world.admin)
    content = client.get("/o/caisse/").content.decode()
    assert "Hello, Alice" in content
    assert "Bonjour" not in content


@pytest.mark.django_db
def test_import_errors_are_reported_in_the_users_language(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    world.admin.language = "fr"
    world.admin.save()
    client.force_login(world.admin)
    upload = SimpleUploadedFile(
        "x.csv", b"email,first_name,last_name,unit_code,role\nzed@caisse.test,Z,E,B1,patron\n"
    )
    content = client.post("/o/caisse/import/", {"file": upload}).content.decode()
    assert "Rôle inconnu « patron »" in content
    assert "1 erreur — rien n’a été enregistré" in content
