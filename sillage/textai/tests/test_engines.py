"""The default (lexicon) engine, the registry and language detection. No database, fast."""

import pytest

from sillage.textai.engines import (
    DEFAULT_ENGINE,
    ENGINES,
    EngineUnavailable,
    ThemeSpec,
    detect_language,
    get_engine,
)
from sillage.textai.engines.text import split_sentences, stem, tokenize

THEMES = (
    ThemeSpec(
        code="attente",
        keywords_fr=("temps d'attente", "attente", "file"),
        keywords_en=("wait time", "wait", "queue"),
    ),
    ThemeSpec(code="accueil", keywords_fr=("accueil", "courtois"), keywords_en=("welcome",)),
    ThemeSpec(code="frais", keywords_fr=("frais", "rembours*"), keywords_en=("fee",)),
)


def analyze(text, **kwargs):
    [analysis] = get_engine("lexicon").analyze([text], **kwargs)
    return analysis


@pytest.mark.parametrize(
    "text",
    [
        "Le service était rapide et la conseillère très aimable.",
        "J'ai attendu 40 minutes au guichet, c'est inacceptable.",
        "Merci beaucoup pour votre accueil!",
        "C'était pas pire pantoute.",
    ],
)
def test_french_comments_are_detected_as_french(text):
    assert detect_language(text) == "fr"


@pytest.mark.parametrize(
    "text",
    [
        "The teller was friendly and the wait was short.",
        "I waited forty minutes and nobody helped me.",
        "Thanks for the quick service!",
        "@bank so unhelpful... https://example.com/x",
    ],
)
def test_english_comments_are_detected_as_english(text):
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "El servicio fue muy bueno, gracias por todo.",
        "Der Service war sehr gut und die Beraterin war freundlich.",
        "12345 !!!",
        "",
    ],
)
def test_other_languages_and_empty_texts_are_other(text):
    assert detect_language(text) == "other"


def test_hint_settles_a_text_without_clues():
    assert detect_language("12345", hint="fr") == "fr"
    assert analyze("👍", language_hint="en").language == "en"


@pytest.mark.parametrize(
    ("positive", "negative"),
    [
        ("Le service était bon.", "Le service n'était pas bon."),
        ("Le conseiller était aimable.", "Le conseiller n'était jamais aimable."),
        ("The staff was helpful.", "The staff was not helpful."),
        ("The staff was helpful.", "The staff wasn't helpful."),
        ("Aucun problème avec mon dossier.", "Un problème avec mon dossier."),
    ],
)
def test_negation_flips_the_sentiment(positive, negative):
    assert analyze(positive).sentiment == "positive"
    assert analyze(negative).sentiment == "negative"


def test_ne_que_is_not_a_negation():
    assert analyze("Je n'ai que des éloges pour Julie.").sentiment == "positive"


def test_negated_negative_words_turn_mildly_positive():
    assert analyze("Not bad at all.").sentiment == "positive"
    assert analyze("Le service n'était pas lent.").score > 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("C'était pas pire!", "positive"),
        ("Super service, tiguidou.", "positive"),
        ("La conseillère était ben fine.", "positive"),
        ("C'est ben plate d'attendre de même.", "negative"),
        ("Le service est lent.", "negative"),
        ("Trop de frais pour rien.", "negative"),
        ("Service poche, je me suis fait niaiser.", "negative"),
        ("C'est correct.", "positive"),
    ],
)
def test_quebec_expressions(text, expected):
    assert analyze(text, language_hint="fr").sentiment == expected


def test_intensifiers_strengthen_the_score():
    assert analyze("Le service est très rapide.").score > analyze("Le service est rapide.").score
    assert analyze("C'est vraiment trop lent.").score < analyze("C'est lent.").score


def test_what_follows_but_weighs_more():
    assert analyze("L'attente était longue mais le conseiller était excellent.").sentiment == (
        "positive"
    )
    assert analyze("The teller was nice but the wait was terrible.").sentiment == "negative"


def test_sentences_carry_offsets_into_the_comment():
    text = "Accueil chaleureux!  Attente trop longue.\nMerci."
    analysis = analyze(text)
    assert [(s.text, s.start, s.end) for s in analysis.sentences] == [
        ("Accueil chaleureux!", 0, 19),
        ("Attente trop longue.", 21, 41),
        ("Merci.", 42, 48),
    ]
    assert [s.sentiment for s in analysis.sentences] == ["positive", "negative", "positive"]
    for sentence in analysis.sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_decimals_and_urls_do_not_split_sentences():
    text = "Taux de 3.5 % sur www.caisse.ca, bien expliqué."
    assert split_sentences(text) == [(0, len(text))]


def test_themes_match_with_accents_and_case_ignored_and_return_the_words_written():
    analysis = analyze(
        "TEMPS D'ATTENTE énorme. Les frais de dossier, le rembôursement aussi.", themes=THEMES
    )
    evidence = {m.code: m.evidence for m in analysis.themes}
    assert evidence == {
        "attente": ("TEMPS D'ATTENTE",),
        "frais": ("frais", "rembôursement"),
    }


def test_themes_match_plural_and_inflected_forms_in_both_languages():
    analysis = analyze("Les attentes et la courtoisie. We waited, then paid fees.", themes=THEMES)
    evidence = {m.code: m.evidence for m in analysis.themes}
    assert evidence == {
        "attente": ("attentes", "waited"),
        "accueil": ("courtoisie",),
        "frais": ("fees",),
    }


def test_no_theme_without_keyword():
    assert analyze("Très bon service.", themes=THEMES).themes == ()


def test_results_come_in_order_with_engine_name_and_version():
    engine = get_engine(DEFAULT_ENGINE)
    assert engine.name == "lexicon" and engine.version
    analyses = engine.analyze(["Excellent!", "Horrible.", ""], language_hint="fr")
    assert [a.sentiment for a in analyses] == ["positive", "negative", "neutral"]
    assert analyses[2].sentences == ()
    assert all(-1 <= a.score <= 1 for a in analyses)


def test_registry_caches_instances_and_rejects_unknown_names():
    assert get_engine("lexicon") is get_engine("lexicon")
    assert set(ENGINES) >= {"lexicon", "e5"}
    with pytest.raises(EngineUnavailable):
        get_engine("nope")


def test_tokens_split_french_elisions_and_english_contractions():
    assert [t.norm for t in tokenize("L'accueil n'était pas là, wasn't it")] == [
        "l",
        "accueil",
        "n",
        "etait",
        "pas",
        "la",
        "was",
        "not",
        "it",
    ]
    assert stem("attentes") == stem("attente")
    assert stem("waiting") == stem("wait")
