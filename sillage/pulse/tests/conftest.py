import tempfile
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from sillage.pulse import services
from sillage.pulse.tests.factories import add_people, answer, open_wave

# Hypothesis keeps a cache beside the tests by default: keep the project tree clean.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "sillage-hypothesis")


@pytest.fixture
def closed_wave(world):
    """A closed wave over the whole of Caisse Test:

    B1 Plateau: 6 answers (4/5, newer than a year) · T1 Conseil: 3 answers (too few)
    B2 Verdun: 7 answers (5/5, over 5 years) · B3 Limoilou: 5 answers (3/5, over 5 years)
    """
    plan = [
        (world.b1, 6, 4, "lt1"),
        (world.t1, 3, 2, "lt1"),
        (world.b2, 7, 5, "gt5"),
        (world.b3, 5, 3, "gt5"),
    ]
    people = [
        (person, value, band)
        for unit, count, value, band in plan
        for person in add_people(world.org, unit, count)
    ]
    wave = open_wave(world.org)
    for number, (person, value, band) in enumerate(people):
        answer(
            wave, person, value=value, tenure=band, enps=value * 2, comment=f"Commentaire {number}"
        )
    services.wave_close(wave=wave)
    wave.refresh_from_db()
    return wave
