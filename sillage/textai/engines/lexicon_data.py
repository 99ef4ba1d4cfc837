"""The bilingual sentiment lexicon of the `lexicon` engine, written for front-line service comments.

Keys are folded (lower case, no accents). Valences go from -3 (very negative) to +3. Written by
the Sillage project for comments about branches, counters, call centres and advisors, in
Quebec and European French and in English. Phrases (several words) win over single words.
"""

from __future__ import annotations


def _parse(block: str) -> dict[str, float]:
    entries: dict[str, float] = {}
    for line in block.strip().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        value, _, words = line.partition(":")
        for word in words.split(","):
            word = word.strip()
            if word:
                entries[word] = float(value)
    return entries


# One line per valence: "valence: word, word, …". Phrases are written with spaces.
_FRENCH = """
3: excellent, excellente, excellents, excellentes, exceptionnel, exceptionnelle, parfait, parfaite,
3: parfaits, parfaites, merveilleux, merveilleuse, formidable, formidables, extraordinaire, genial,
3: geniale, geniaux, fantastique, magnifique, magnifiques, impeccable, impeccables, sublime, adore,
3: adorons, chef-d'oeuvre, hallucinant, incroyable, bravo, wow, tiguidou
2.5: super, superbe, top, extra, exemplaire, remarquable, remarquables, chaleureux, chaleureuse,
2.5: ravi, ravie, ravis, enchante, enchantee, epatant, passionnant, passionnante, captivant
2: bon, bonne, bons, bonnes, bien, tres bien, aimable, aimables, gentil, gentille, gentils,
2: gentilles, ben fin, ben fine, tres fin, tres fine, vraiment fin, vraiment fine, sympathique,
2: sympathiques, sympa, courtois, courtoise, courtoisie, souriant,
2: souriante, souriants, souriantes, sourire, accueillant, accueillante, serviable, serviables,
2: professionnel, professionnelle, professionnels, professionnalisme, efficace, efficaces,
2: efficacite, rapide, rapides, rapidement, vite, competent, competente, competents, patient,
2: patiente, patience, attentionne, attentionnee, agreable, agreables, satisfait, satisfaite,
2: satisfaits, satisfaction, content, contente, contents, heureux, heureuse, remercie,
2: aime, aimee, aimes, apprecie, appreciee, apprecies, recommande, plaisir, facile, facilement,
2: beau, belle, beaux, belles, joli, jolie, drole, droles, hilarant, excellemment, fiable,
2: pas pire, a l'ecoute, au top, hors pair, pas de probleme, aucun probleme, sans probleme,
2: sans souci, aucun souci, pas de souci, bon service, service rapide, bien servi, bien servie,
2: au rendez-vous, reussi, reussie, efficacement, chaleureusement, rigolo, touchant, touchante
1.5: utile, utiles, clair, claire, claires, clairement, pratique, simple, aide, aidant, aidante,
1.5: rassurant, rassurante, propre, propres, poli, polie, polis, ponctuel, ponctuelle, agreablement,
1.5: efficience, respectueux, respectueuse, dynamique, disponible, disponibles, souple, flexible,
1.5: interessant, interessante, original, originale, emouvant, emouvante, fun, cool, nice, merci,
1.5: merci beaucoup
1: correct, correcte, corrects, ok, okay, bof bien, convenable, acceptable, pas mal, ca va, calme,
1: mieux, amelioration, ameliore, ameliore, bienvenue, pertinent, pertinente, fidele,
1: vite fait bien fait
-1: bof, moyen, moyenne, moyens, ordinaire, long, longue, longs, longues, longtemps, attente,
-1: attendre, attendu, attendue, attente, file, lenteur, frais, cher, chere, chers, couteux,
-1: couteuse, complique, compliquee, compliques, confus, confuse, difficile, difficiles, manque,
-1: manquait, manquent, oublie, oubliee, erreur, erreurs, probleme, problemes, souci, soucis,
-1: retard, retards, retarde, plate, ennuyant, ennuyeux, ennuyeuse, lourd, lourde, repetitif,
-1: bizarre, etrange, dommage, helas, malheureusement, froid, froide, sec, seche, pressant,
-1: bruyant, bruyante, bondee, limite, chialer, chiale, pas d'allure, pas rapport
-1.5: lent, lente, lents, lentes, lentement, desagreable, impatient, impatiente, mal, pire,
-1.5: decevant, decevante, deception, decu, decue, decus, decues, insatisfait, insatisfaite,
-1.5: insatisfaction, mecontent, mecontente, mecontents, frustre, frustree, frustrant, frustration,
-1.5: fache, fachee, enerve, enervee, enervant, agace, agacee, plainte, plaindre, perdu, perdue,
-1.5: annule, annulee, annulation, refuse, refusee, refus, rate, ratee, ennui, vide, nuls,
-1.5: trop long, trop longue, trop cher, trop de frais, incomprehensible, inacceptable, niaiser,
-1.5: niaise, niaiseux, tanne, tannant, tannee, chiant, chiante, lamentable, mediocre, mediocres,
-1.5: bacle, baclee, incompetent, incompetente, incompetents, impoli, impolie, arrogant, arrogante,
-1.5: condescendant, condescendante, negligent, negligente, negligence, sale, sales
-2: mauvais, mauvaise, mauvaises, nul, nulle, nulles, poche, pourri, pourrie, minable, navet,
-2: bete, stupide, ridicule, ridicules, honteux, honteuse, honte, deplorable, inadmissible,
-2: scandaleux, scandaleuse, scandale, grossier, grossiere, rude, bete, idiot, idiote, deteste,
-2: detester, hais, decevoir, colere, furieux, furieuse, perte de temps, temps perdu, a eviter,
-2: service a la clientele nul, jamais plus, plus jamais, gaspillage, arnaque,
-2: voleurs, mepris, meprisant, meprisante, irrespectueux, irrespectueuse, insupportable
-3: horrible, horribles, affreux, affreuse, atroce, catastrophe, catastrophique, execrable,
-3: lamentables, pire experience, degueulasse, minable, degoutant, degoutante, inhumain,
-3: honteusement,
-3: a vomir, a fuir, zero, nullissime, pitoyable, pathetique
2.5: delicieux, delicieuse, savoureux, savoureuse, nickel, felicitations, meilleur, meilleure,
2.5: meilleurs, meilleures, culte, addictif, addictive, prenant, prenante, parfaitement
2: eloge, eloges, elogieux
2: bien joue, kiffe, solide, durable, fiable, fiables, conforme, reconfortant, reconfortante,
2: a recommander, je recommande, genialissime, brillant, brillante, reussite, jubilatoire
-1: mou, molle, creux, creuse, cliche, cliches, previsible, previsibles, regret, fade, fades,
-1: kitsch, lasse, repetitive, moyennement, bof bof, sans plus, sans interet, peu interessant
-1.5: lassant, lassante, incoherent, incoherente, incoherences, incoherence, regrette,
-1.5: casse, cassee, panne, bogue, bug, bugs, defaut, defauts, ennuie, ennuye, surcote,
-1.5: mal joue, mal ecrit, mal fait, mal organise, decoit, deconseille, deconseiller
-2: soporifique, gachis, degoute, degoutee, defectueux, defectueuse, immangeable, insipide,
-2: a eviter absolument, rembourser
"""

_ENGLISH = """
3: excellent, outstanding, exceptional, perfect, wonderful, amazing, awesome, fantastic, superb,
3: brilliant, incredible, phenomenal, love, loved, loves, loving, best, fabulous, stellar, flawless,
3: delighted, thrilled, kudos, bravo, wow, terrific, marvelous, marvellous, top notch, first class
2.5: great, impressive, superb, lovely, beautiful, gorgeous, ecstatic, exceeded, exceeds, rock,
2.5: rocks, rockstar, hero, heroes, gem, blessed, grateful, thankful, appreciated, appreciate
2: good, nice, friendly, helpful, kind, kindly, courteous, polite, pleasant, professional,
2: efficient,
2: quick, quickly, fast, prompt, promptly, smooth, smoothly, easy, easily, happy, glad, pleased,
2: satisfied, enjoy, enjoyed, enjoying, recommend, recommended, welcoming,
2: warm, patient, attentive, caring, cheerful, smiling, smile, fun, comfortable, reliable,
2: competent, knowledgeable, fine, worth, well done, good job, great job, no problem, no problems,
2: no issues, no issue, on time, above and beyond, got it sorted, sorted out, resolved, fixed,
2: cool, yay, liked, favorite, favourite, sweet, safe, relaxed
1: like, likes
1.5: clean, clear, clearly, useful, simple, convenient, accommodating, responsive, respectful,
1.5: interesting, better, improved, improvement, okay, ok, decent, solid, fair, calm, upgrade,
1.5: upgraded, refund, refunded, welcome, handled, helped, early, thanks, thank, thx, ty
1: correct, acceptable, adequate, alright, not bad, average
-1: long, wait, waiting, waited, queue, line, slow, slowly, expensive, costly, pricey, fee, fees,
-1: charge, charged, confusing, confused, complicated, difficult, hard, missing, mistake, mistakes,
-1: error, errors, problem, problems, issue, issues, late, lately, delay, delays, hold, busy,
-1: crowded, cold, boring, weird, odd, unfortunately, sadly, bit slow, forgot, forgotten, closed,
-1: unable, sigh, smh, ugh, wtf, sorry
-0.5: still, hours
-1.5: bad, poor, poorly, unhelpful, unfriendly, impatient, annoyed, annoying, frustrated,
-1.5: frustrating, frustration, disappointed, disappointing, disappointment, unhappy,
-1.5: dissatisfied, unsatisfied, complaint, complain, complaining, lost, cancel, cancelled,
-1.5: canceled, cancellation, delayed, stuck, stranded, missed, refused,
-1.5: denied, worse, ridiculous, unacceptable, incompetent, careless, sloppy, messy, dirty, rude,
-1.5: rudely, broken, fail, failed, fails, failure, mess, hassle, waste, wasted, overbooked,
-1.5: too long, too slow, on hold, never again, lie, lied, lies,
-1.5: useless, sucks, suck, sucked, hate, hated, hates, angry, upset, mad
-2: terrible, horrible, awful, worst, disgusting, disgraceful, pathetic, shameful, shame, appalling,
-2: atrocious, nightmare, furious, outraged, outrageous, insulting, disrespectful, abysmal, joke,
-2: scam, rip off, ripoff, hell, trash, garbage, fuming, livid, dreadful
-3: worst experience, worst service, absolutely terrible, beyond terrible
2.5: delicious, tasty, yummy, impressed, enjoyable, perfectly, beautifully, highly recommend,
2.5: must have, masterpiece, gem, superb
2: works great, works well, well worth, will be back, come back, coming back, sturdy, durable,
2: fresh, flavorful, generous, affordable, charming, cozy, attentive, worth it, pleased,
2: recommend it, five stars, 5 stars, glad, love it, loved it
-1: bland, stale, cheaply, flimsy, mediocre, overcooked, undercooked, soggy, greasy, cold food,
-1: meh, so so, lacking, lacks, nothing special, not worth, returned, return it, hardly
-1.5: overpriced, broke, broken, stopped working, died, defective, junk, disappoint,
-1.5: disappoints, avoid, tasteless, inedible, unreliable, poor quality, cheap quality,
-1.5: worthless, pointless, uncomfortable, annoyingly, waste of money, waste of time
-2: never again, one star, 1 star, zero stars, do not buy, dont buy, stay away
-1.5: no help, zero help, no answer, no response, no reply
"""

FRENCH = _parse(_FRENCH)
ENGLISH = _parse(_ENGLISH)

# French comments borrow English words ("nice", "cool", "full"), the reverse is rare and
# some French words are English words with another meaning ("sale", "plate", "file").
VALENCE_BY_LANGUAGE: dict[str, dict[str, float]] = {
    "fr": {**ENGLISH, **FRENCH},
    "en": ENGLISH,
    "other": {**FRENCH, **ENGLISH},
}

NEGATORS = frozenset(
    """
    ne n pas jamais aucun aucune rien ni sans guere nullement pantoute
    not no never nothing none nobody neither nor without hardly barely cannot
    """.split()
)
# "ne/n'" negates too: Quebec French often drops "pas" partners the other way round.
# "plus" and "personne" negate only next to "ne/n'" ("ne … plus", "personne ne").
NE_NEGATORS = frozenset({"plus", "personne"})

INTENSIFIERS: dict[str, float] = {
    # French
    "tres": 1.5,
    "vraiment": 1.4,
    "tellement": 1.5,
    "trop": 1.4,
    "super": 1.5,
    "extremement": 1.8,
    "hyper": 1.6,
    "ultra": 1.6,
    "vachement": 1.5,
    "full": 1.5,
    "assez": 1.1,
    "totalement": 1.5,
    "ben": 1.3,
    "completement": 1.5,
    "absolument": 1.6,
    "particulierement": 1.4,
    "tout": 1.2,
    "bien": 1.3,
    "toujours": 1.2,
    "franchement": 1.3,
    "carrement": 1.5,
    "archi": 1.6,
    "un peu": 0.6,
    "plutot": 0.8,
    "legerement": 0.6,
    "moins": 0.7,
    # English
    "very": 1.5,
    "really": 1.4,
    "so": 1.3,
    "too": 1.4,
    "extremely": 1.8,
    "incredibly": 1.7,
    "totally": 1.5,
    "completely": 1.5,
    "absolutely": 1.6,
    "truly": 1.4,
    "such": 1.3,
    "quite": 1.1,
    "pretty": 1.1,
    "always": 1.2,
    "beyond": 1.5,
    "highly": 1.5,
    "definitely": 1.3,
    "seriously": 1.3,
    "a bit": 0.6,
    "a little": 0.6,
    "slightly": 0.6,
    "somewhat": 0.7,
    "kind of": 0.7,
    "kinda": 0.7,
    "sort of": 0.7,
}

# Words that turn the weight of the sentence: what follows counts more than what precedes.
CONTRASTS = frozenset(
    "mais cependant pourtant toutefois neanmoins sinon but however though although yet".split()
)
CONTRAST_PHRASES = ("par contre", "en revanche", "even though", "except that")

EMOTICONS: dict[str, float] = {
    ":)": 2.0,
    ":-)": 2.0,
    ":D": 2.5,
    ":-D": 2.5,
    ";)": 1.5,
    "<3": 2.5,
    ":(": -2.0,
    ":-(": -2.0,
    ":'(": -2.5,
    ":/": -1.0,
    ":-/": -1.0,
    ">:(": -2.5,
    "🙂": 2.0,
    "😀": 2.5,
    "😃": 2.5,
    "😄": 2.5,
    "😁": 2.5,
    "😊": 2.5,
    "😍": 3.0,
    "🥰": 3.0,
    "👍": 2.0,
    "👏": 2.0,
    "🙏": 1.5,
    "❤": 2.5,
    "♥": 2.5,
    "💯": 2.0,
    "⭐": 1.5,
    "🎉": 2.0,
    "😞": -2.0,
    "😠": -2.5,
    "😡": -3.0,
    "🤬": -3.0,
    "👎": -2.0,
    "😢": -2.0,
    "😭": -2.0,
    "😤": -2.0,
    "🙄": -1.5,
    "😒": -1.5,
    "😕": -1.0,
    "😩": -2.0,
    "😫": -2.0,
    "💩": -2.5,
}
