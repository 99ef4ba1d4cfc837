"""French / English / other language detection, pure Python, tuned for short comments.

Each word votes for the languages whose frequent words (function words and the everyday
vocabulary of service comments) contain it; spelling cues (French accents, English "-ing",
"th", "w") break the ties of words that no list knows. A few other European languages are
scored too, so that a Spanish or German comment comes out as "other" instead of being forced
into French or English.
"""

from __future__ import annotations

import re

from .lexicon_data import ENGLISH, FRENCH
from .text import Token, tokenize

_WORDS = {
    "fr": """
        le la les un une des du de d l au aux ce cet cette ces mon ma mes ton ta tes son sa ses
        notre nos votre vos leur leurs je j tu il elle on nous vous ils elles me m te t se s lui
        y en qui que qu quoi dont ou est sont etait etaient ete etre avoir ai as avons avez ont
        avait avaient fait faire faut peut pouvez veux voulais ne n pas plus jamais rien aucun
        aucune personne et mais donc car ni or avec sans pour par sur sous dans chez entre vers
        tres trop peu beaucoup assez vraiment tellement toujours encore deja aussi bien mal
        tout tous toute toutes comme quand parce puis alors ici la-bas oui non merci bonjour
        c ca cela ceci celui celle quel quelle quels quelles chaque autre autres meme
        accueil attente attendre attendu service conseiller conseillere caisse guichet
        succursale rendez-vous personnel employe employes rapide rapidement lent lente
        long longue gentil gentille aimable courtois courtoise souriant souriante super genial
        excellent excellente parfait parfaite content contente satisfait satisfaite decu decue
        pire meilleur meilleure bon bonne mauvais mauvaise frais compte pret hypotheque
        heure heures minutes jour jours fois semaine mois annee telephone appel rappel
        pourtant cependant toutefois vous-meme moi toi eux hier aujourd hui demain fin
        """,
    "en": """
        the a an this that these those my your his her its our their i you he she it we they
        me him us them who whom what which where when why how is are was were be been being
        am have has had do does did done will would can could should must may might not no
        never nothing none and but or so because if then than with without for of on in at to
        from by about into over after before very too really so much many more most less
        just only also still always again already all any some every each other there here
        yes thanks thank please hello hi ok
        staff service wait waiting waited time line teller branch advisor advisors agent
        fast quick quickly slow friendly helpful rude polite great good bad poor terrible
        awful excellent amazing nice happy unhappy disappointed worst best fee fees account
        loan mortgage hour hours minutes day days week month year phone call flight flights
        plane seat seats bag bags luggage customer airline crew gate delayed cancelled
        """,
    "es": """
        el los las una unos unas del al es son fue esta estan pero muy por para con sin que
        como cuando donde mas gracias hola servicio bueno buena malo mala nada siempre tambien
        y o su sus yo usted ellos nosotros hay ser estar tengo tiene
        """,
    "de": """
        der die das ein eine einer den dem des und oder aber nicht kein keine ist sind war
        waren ich du er sie wir ihr mit ohne fur von zu auf bei nach sehr gut schlecht danke
        auch noch schon immer wie was wer wo ja nein hat haben
        """,
    "it": """
        il lo gli una uno della delle degli del che non sono era erano ma molto per con senza
        come quando dove grazie buono buona cattivo sempre anche io tu lui noi voi loro ho ha
        """,
    "pt": """
        o os as um uma uns umas do da dos das no na nos nas que nao sao foi era mas muito por
        para com sem como quando onde obrigado obrigada bom boa ruim sempre tambem eu voce ele
        ela nos eles tem
        """,
    "nl": """
        de het een en of maar niet geen is zijn was waren ik jij hij zij wij jullie met zonder
        voor van op bij na zeer heel goed slecht bedankt ook nog al altijd hoe wat wie waar ja
        nee heeft hebben
        """,
}

_LEXICON: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in _WORDS.items()
}
_LANGS = tuple(_LEXICON)
_HITS: dict[str, tuple[str, ...]] = {}
for _lang, _words in _LEXICON.items():
    for _word in _words:
        _HITS[_word] = (*_HITS.get(_word, ()), _lang)
# The sentiment vocabulary of each language is evidence too, weaker than the frequent words.
_SENTIMENT_WORDS = {
    "fr": frozenset(w for w in FRENCH if " " not in w) - frozenset(ENGLISH),
    "en": frozenset(w for w in ENGLISH if " " not in w) - frozenset(FRENCH),
}
# Addresses, mentions, hashtags and e-mails say nothing about the language.
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[@#]\w+")
_MAYBE_NOISE = re.compile(r"[@#]|www\.|://")
_FRENCH_LETTERS = frozenset("éèêàçùûôîœëï")
_OTHER_LETTERS = frozenset("ñáíóúãõßäöåø¿¡")


_EN_ENDINGS = ("ing", "ly", "ness", "ful", "less", "ous", "ght", "y", "ck", "sh", "ed", "ers")
_FR_ENDINGS = (
    "eux",
    "aux",
    "ment",
    "oire",
    "ee",
    "ees",
    "ique",
    "eur",
    "euse",
    "ette",
    "elle",
    "ez",
    "ait",
    "aient",
    "er",
    "ons",
    "oir",
)
_EN_INSIDE = ("th", "wh", "sh", "ck", "oo", "ee", "ea", "ow", "ay", "k", "w")
_FR_INSIDE = ("qu", "eau", "oi", "ou", "eu", "ai", "ç")


def _spelling_cue(word: str) -> str | None:
    if len(word) < 3 or not word.isalpha():
        return None
    if word.endswith(_EN_ENDINGS):
        return "en"
    if word.endswith(_FR_ENDINGS):
        return "fr"
    en = sum(part in word for part in _EN_INSIDE)
    fr = sum(part in word for part in _FR_INSIDE)
    if en > fr:
        return "en"
    if fr > en:
        return "fr"
    return None


def language_scores(text: str, tokens: list[Token] | None = None) -> dict[str, float]:
    """Votes per language code (fr, en, es, de, it, pt, nl) for `text`."""
    scores = dict.fromkeys(_LANGS, 0.0)
    if tokens is None:
        tokens = tokenize(text)
    for token in tokens:
        word = token.norm
        hits = _HITS.get(word)
        if hits:
            share = 1.0 / len(hits)
            for lang in hits:
                scores[lang] += share
            continue
        if word in _SENTIMENT_WORDS["fr"]:
            scores["fr"] += 0.7
            continue
        if word in _SENTIMENT_WORDS["en"]:
            scores["en"] += 0.7
            continue
        # Unknown words: spelling cues, weaker than a known word.
        cue = _spelling_cue(word)
        if cue:
            scores[cue] += 0.35
    lowered = text.lower()
    french_letters = sum(1 for c in lowered if c in _FRENCH_LETTERS)
    other_letters = sum(1 for c in lowered if c in _OTHER_LETTERS)
    if french_letters:
        scores["fr"] += min(2.0, 0.5 * french_letters)
    if other_letters:
        for lang in ("es", "de", "pt"):
            scores[lang] += min(2.0, 0.5 * other_letters)
    return scores


def detect_language(
    text: str, *, hint: str | None = None, tokens: list[Token] | None = None
) -> str:
    """ "fr", "en" or "other" ("other" also when the text gives no clue and no hint is given).

    `hint` (the organisation's or the respondent's language) settles texts without any clue
    and near ties between French and English.
    """
    text = text or ""
    if tokens is None or _MAYBE_NOISE.search(text):
        text = _NOISE.sub(lambda m: " " * len(m.group()), text)
        tokens = None
    if not any(c.isalpha() for c in text):
        return hint if hint in ("fr", "en") else "other"
    scores = language_scores(text, tokens)
    best = max(_LANGS, key=scores.__getitem__)
    top = scores[best]
    if top < 0.3:
        return hint if hint in ("fr", "en") else "other"
    if best not in ("fr", "en"):
        # Another language must clearly beat French and English to win.
        if top > 1.5 * max(scores["fr"], scores["en"]) and top >= 1.5:
            return "other"
        best = "fr" if scores["fr"] >= scores["en"] else "en"
        top = scores[best]
        if top < 0.3:
            return "other"
    other = "en" if best == "fr" else "fr"
    if hint in ("fr", "en") and abs(scores[best] - scores[other]) < 0.5:
        return hint
    return best
