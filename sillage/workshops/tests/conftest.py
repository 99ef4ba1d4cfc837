import pytest
from django.utils import translation

from sillage.workshops.tests.factories import build_team


@pytest.fixture(autouse=True)
def english(request):
    """Tests read English messages unless they ask for French (test_french.py): the test
    organisations' default language is French."""
    if "world" in request.fixturenames:
        from sillage.accounts.models import User

        request.getfixturevalue("world")
        User.objects.update(language="en")
    with translation.override("en"):
        yield


@pytest.fixture
def team(world):
    team = build_team(world)
    team.fanny.language = team.gabriel.language = "en"
    team.fanny.save()
    team.gabriel.save()
    return team
