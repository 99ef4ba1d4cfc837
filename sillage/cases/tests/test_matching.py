"""Alert rules match words in French and English, accents and case ignored."""

import pytest

from sillage.cases.matching import fold, keywords_match, parse_keywords, words


def matches(keywords: str, comment: str) -> bool:
    return keywords_match(parse_keywords(keywords), words(comment))


def test_fold_drops_accents_and_case():
    assert fold("FRAUDÉ Été Œuvre") == "fraude ete œuvre"


@pytest.mark.parametrize(
    "comment",
    [
        "Je crois que c'est une FRAUDE.",
        "Possible fraudé sur mon compte",
        "There was fraud on my card",
        "Fraudulent charges!",
    ],
)
def test_fraud_in_both_languages(comment):
    assert matches("fraude*, fraud*", comment)


def test_whole_word_only_without_star():
    assert matches("sue", "I will sue you")
    assert not matches("sue", "Suzanne was great; no issue at all")


def test_prefix_with_star():
    assert matches("plaint*", "Je vais déposer des plaintes")
    assert not matches("plainte", "Je me plaignais")


def test_accented_keyword_matches_plain_text_and_back():
    assert matches("déçu", "tres decu du service")
    assert matches("decu", "Très DÉÇU du service")


def test_several_words_in_a_row():
    assert matches("service client", "Le service   client était absent")
    assert not matches("service client", "Le client attendait le service")


def test_keywords_separated_by_lines_commas_and_semicolons():
    assert [k[0] for k in parse_keywords("avocat*\nlawyer*; discrimination,  ")] == [
        ("avocat",),
        ("lawyer",),
        ("discrimination",),
    ]


def test_no_keywords_or_empty_comment_match_nothing():
    assert not matches("", "fraude")
    assert not matches("fraude", "")


def test_several_words_with_a_star_on_the_last():
    assert matches("service cli*", "Le service clientèle ne rappelle jamais")
    assert not matches("service cli*", "Le service était bon, la clientèle nombreuse")
    assert matches("mise en demeure", "Je vous envoie une mise en demeure")
