"""What the demo's customers write: a bilingual bank of comments, by theme and by tone.

Written the way members of a Quebec credit union write in a survey box: short, concrete, in
Quebec French ("caissière", "guichet", "clavardage", "REER", "appli") or in the English of
Montreal and the Eastern Townships. `{minutes}` is a wait and `{name}` an employee's first
name; a compliment names a real demo employee of the team that served the customer.

Tones follow the NPS bands: "neg" for detractors (0–6), "mid" for passives (7–8), "pos" for
promoters (9–10).
"""

from __future__ import annotations

Texts = dict[str, tuple[str, ...]]  # language -> comments

BANK: dict[tuple[str, str], Texts] = {
    # --- Waiting -------------------------------------------------------------------------------
    ("wait", "neg"): {
        "fr": (
            "J'ai attendu {minutes} minutes au comptoir, une seule caissière pour toute la file.",
            "Beaucoup trop d'attente. {minutes} minutes pour un simple dépôt, c'est ridicule.",
            "Il faudrait plus de personnel à l'heure du dîner: {minutes} minutes debout en file.",
            "Rendez-vous à 10 h, reçu à 10 h {minutes}. Personne ne m'a avisé du retard.",
            "La file d'attente était jusqu'à la porte. Ouvrez plus d'un guichet!",
            "Encore une longue attente. Je vais finir par tout faire en ligne.",
        ),
        "en": (
            "Waited {minutes} minutes at the counter with only one teller open.",
            "Way too long a wait: {minutes} minutes for a simple deposit.",
            "My appointment was at 10, I was seen at 10:{minutes}. Nobody told me why.",
            "The line went out the door. Please open more wickets at lunchtime.",
        ),
    },
    ("wait", "mid"): {
        "fr": (
            "Service correct, mais l'attente était un peu longue ({minutes} minutes).",
            "Bon service une fois rendu au comptoir. L'attente reste le point faible.",
            "Pas mal, mais un deuxième caissier aux heures de pointe aiderait.",
        ),
        "en": (
            "Good service once I got to the counter, but the wait was about {minutes} minutes.",
            "Fine overall. The line could move faster at lunchtime.",
        ),
    },
    ("wait", "pos"): {
        "fr": (
            "Aucune attente, service rapide et efficace.",
            "Reçu à l'heure exacte de mon rendez-vous. Bravo!",
            "Rapide, courtois, efficace: tout ce qu'on demande.",
        ),
        "en": (
            "No wait at all, quick and efficient.",
            "Seen right on time for my appointment. Great job!",
        ),
    },
    # --- Fees ----------------------------------------------------------------------------------
    ("fees", "neg"): {
        "fr": (
            "Les frais mensuels sont trop élevés pour un compte de base.",
            "Des frais de 2,50 $ pour un retrait à un autre guichet, c'est abusif.",
            "On m'a facturé des frais que personne ne m'avait expliqués.",
            "Pour une coopérative, les frais ressemblent pas mal à ceux des grandes banques.",
            "J'ai découvert des frais sur mon relevé sans jamais avoir été avisé.",
        ),
        "en": (
            "Monthly fees are far too high for a basic account.",
            "I was charged fees nobody had explained to me.",
            "For a co-op, the fees look a lot like the big banks'.",
        ),
    },
    ("fees", "mid"): {
        "fr": (
            "Bon service, mais les frais de mon forfait mériteraient d'être revus.",
            "Correct, sauf que j'aimerais mieux comprendre les frais de mon compte.",
        ),
        "en": ("Good service, but my plan's fees deserve a second look.",),
    },
    ("fees", "pos"): {
        "fr": (
            "La conseillère m'a trouvé un forfait moins cher. Merci!",
            "On a révisé mes frais bancaires et j'économise chaque mois.",
        ),
        "en": ("They moved me to a cheaper plan without me even asking. Thank you!",),
    },
    # --- Courtesy ------------------------------------------------------------------------------
    ("courtesy", "neg"): {
        "fr": (
            "Accueil froid, on ne m'a même pas dit bonjour.",
            "Le caissier semblait pressé de se débarrasser de moi.",
            "Je me suis senti jugé quand j'ai posé une question sur mon solde.",
            "Personne n'a levé les yeux de son écran pendant que j'attendais.",
        ),
        "en": (
            "Cold welcome, nobody even said hello.",
            "The teller seemed in a hurry to get rid of me.",
            "I felt talked down to when I asked a simple question.",
        ),
    },
    ("courtesy", "mid"): {
        "fr": (
            "Personnel poli, sans plus.",
            "Correct, mais un sourire de plus ne ferait pas de tort.",
        ),
        "en": ("Polite staff, nothing more.",),
    },
    ("courtesy", "pos"): {
        "fr": (
            "Accueil chaleureux, on se sent vraiment membre d'une coopérative.",
            "Toujours souriants et attentionnés à cette succursale.",
            "Personnel très courtois et patient avec ma mère de 85 ans.",
            "On m'a reconnu et appelé par mon nom. Ça fait plaisir!",
        ),
        "en": (
            "Warm welcome, you really feel like a member here.",
            "Staff were patient and kind with my elderly father.",
            "Always friendly faces at this branch.",
        ),
    },
    # --- Competence ----------------------------------------------------------------------------
    ("competence", "neg"): {
        "fr": (
            "Le conseiller ne connaissait pas bien les produits. J'ai dû revenir une 2e fois.",
            "On m'a donné deux réponses différentes à la même question.",
            "Erreur dans mon dossier qui m'a coûté des frais de retard.",
            "On m'a transféré trois fois avant de trouver quelqu'un qui savait quoi faire.",
        ),
        "en": (
            "The advisor didn't know the products well; I had to come back twice.",
            "I got two different answers to the same question.",
            "A mistake on my file cost me late fees.",
        ),
    },
    ("competence", "mid"): {
        "fr": (
            "Bonnes explications, mais il a fallu vérifier certaines choses après coup.",
            "Le conseiller a fini par trouver la réponse, après quelques appels.",
        ),
        "en": ("Good explanations, though a few things had to be checked afterwards.",),
    },
    ("competence", "pos"): {
        "fr": (
            "Conseils clairs et adaptés à ma situation. Je repars rassuré.",
            "Enfin quelqu'un qui prend le temps d'expliquer sans jargon.",
            "Excellent suivi de mon dossier, tout était prêt à mon arrivée.",
            "Des conseils judicieux pour mon CELI, exactement ce qu'il me fallait.",
        ),
        "en": (
            "Clear advice tailored to my situation. I left reassured.",
            "Finally someone who explains things without jargon.",
            "Everything was ready when I arrived. Very professional.",
        ),
    },
    # --- Follow-up -----------------------------------------------------------------------------
    ("followup", "neg"): {
        "fr": (
            "On devait me rappeler dans 48 heures. J'attends encore après deux semaines.",
            "J'ai dû relancer trois fois pour avoir des nouvelles de ma demande.",
            "Aucun suivi après ma rencontre, malgré les promesses.",
        ),
        "en": (
            "I was promised a call back within 48 hours. Still waiting two weeks later.",
            "I had to chase them three times to get an update.",
        ),
    },
    ("followup", "mid"): {
        "fr": ("Le suivi a pris un peu plus de temps que prévu, mais c'est réglé.",),
        "en": ("Follow-up took longer than expected, but it's sorted now.",),
    },
    ("followup", "pos"): {
        "fr": (
            "On m'a rappelé le lendemain comme promis. Très apprécié.",
            "Suivi impeccable du début à la fin.",
        ),
        "en": ("They called me back the next day as promised. Much appreciated.",),
    },
    # --- Mobile app ----------------------------------------------------------------------------
    ("app", "neg"): {
        "fr": (
            "L'appli plante chaque fois que j'essaie de déposer un chèque.",
            "Depuis la dernière mise à jour, impossible de me connecter avec mon empreinte.",
            "Les virements Interac prennent une éternité à apparaître dans l'appli.",
            "L'appli me déconnecte aux deux minutes. Vraiment frustrant.",
            "Impossible de trouver mes relevés dans la nouvelle version de l'appli.",
            "La photo du chèque est refusée sans explication, encore et encore.",
        ),
        "en": (
            "The app crashes every time I try to deposit a cheque.",
            "Since the last update I can't log in with my fingerprint anymore.",
            "The app logs me out every two minutes. Very frustrating.",
            "Can't find my statements in the new version of the app.",
        ),
    },
    ("app", "mid"): {
        "fr": (
            "L'appli fait le travail, mais elle est lente au démarrage.",
            "Pratique, mais il manque le paiement de factures récurrentes.",
            "Correcte, mais la navigation n'est pas toujours intuitive.",
        ),
        "en": (
            "The app does the job but is slow to start.",
            "Handy, but I'd like to schedule recurring bill payments.",
        ),
    },
    ("app", "pos"): {
        "fr": (
            "Appli simple et rapide, je fais tout de mon téléphone.",
            "Le dépôt de chèque par photo fonctionne à merveille.",
            "Très belle amélioration de l'appli, bravo à l'équipe.",
        ),
        "en": (
            "Simple, fast app. I do all my banking from my phone.",
            "Mobile cheque deposit works like a charm.",
            "Big improvement in the latest version, well done.",
        ),
    },
    # --- Phone and chat (contact centre) -------------------------------------------------------
    ("phone", "neg"): {
        "fr": (
            "{minutes} minutes d'attente au téléphone avant de parler à quelqu'un.",
            "Le menu vocal est interminable et ne propose jamais la bonne option.",
            "La ligne a coupé après {minutes} minutes d'attente. J'ai dû tout recommencer.",
            "L'agent m'a mis en attente trois fois pendant l'appel.",
        ),
        "en": (
            "{minutes} minutes on hold before talking to anyone.",
            "The phone menu goes on forever and never has the right option.",
            "The call dropped after {minutes} minutes on hold.",
        ),
    },
    ("phone", "mid"): {
        "fr": ("Bonne réponse à ma question, mais l'attente au téléphone était longue.",),
        "en": ("Got my answer, but the hold time was long.",),
    },
    ("phone", "pos"): {
        "fr": (
            "Réponse rapide et problème réglé en un seul appel.",
            "Agent très patient qui a tout réglé pendant l'appel.",
        ),
        "en": (
            "Quick answer and the problem was solved in one call.",
            "Very patient agent who fixed everything during the call.",
        ),
    },
    ("chat", "neg"): {
        "fr": (
            "Le clavardage m'a répondu avec des réponses toutes faites qui ne m'aidaient pas.",
            "Après {minutes} minutes sur le clavardage, on m'a dit d'appeler.",
        ),
        "en": (
            "The chat only gave me canned answers that didn't help.",
            "After {minutes} minutes on chat I was told to call instead.",
        ),
    },
    ("chat", "pos"): {
        "fr": ("Le clavardage est super pratique, réponse en quelques minutes.",),
        "en": ("Chat is super convenient, answered within minutes.",),
    },
    # --- Account opening, mortgage, RRSP -------------------------------------------------------
    ("opening", "neg"): {
        "fr": (
            "Ouvrir un compte a pris deux rendez-vous et une pile de papiers.",
            "On m'a demandé les mêmes documents trois fois.",
            "Ma carte de débit est arrivée deux semaines après l'ouverture du compte.",
        ),
        "en": (
            "Opening an account took two appointments and a pile of paperwork.",
            "I was asked for the same documents three times.",
        ),
    },
    ("opening", "pos"): {
        "fr": (
            "Ouverture de compte rapide, tout était réglé en 30 minutes.",
            "Très bon accueil pour mon premier compte au Québec. Merci!",
        ),
        "en": (
            "Account opened in 30 minutes, everything explained clearly.",
            "Great welcome for my first account since moving to Quebec.",
        ),
    },
    ("mortgage", "neg"): {
        "fr": (
            "Le taux offert au renouvellement était plus haut que la concurrence.",
            "Mon prêt hypothécaire a failli ne pas être prêt pour la signature chez le notaire.",
            "Personne ne m'a expliqué les pénalités de remboursement anticipé.",
            "L'approbation de mon hypothèque a pris trois semaines de plus que prévu.",
        ),
        "en": (
            "The renewal rate offered was higher than the competition.",
            "My mortgage was almost not ready for the notary signing.",
            "Mortgage approval took three weeks longer than promised.",
        ),
    },
    ("mortgage", "mid"): {
        "fr": ("Bon taux, mais le processus d'approbation est long et peu transparent.",),
        "en": ("Decent rate, but the approval process is slow and opaque.",),
    },
    ("mortgage", "pos"): {
        "fr": (
            "Accompagnement exceptionnel pour l'achat de notre première maison.",
            "Renouvellement hypothécaire réglé en une rencontre, avec un meilleur taux.",
        ),
        "en": (
            "Outstanding support buying our first home.",
            "Mortgage renewal done in one meeting, at a better rate.",
        ),
    },
    ("rrsp", "neg"): {
        "fr": (
            "Impossible d'avoir un rendez-vous pour mon REER avant la date limite.",
            "En pleine période des REER, on m'a reçu à la course.",
        ),
        "en": ("Couldn't get an RRSP appointment before the deadline.",),
    },
    ("rrsp", "pos"): {
        "fr": ("Très bons conseils pour ma cotisation REER et mon CELI.",),
        "en": ("Great advice on my RRSP and TFSA contributions.",),
    },
    # --- Complaints ----------------------------------------------------------------------------
    ("complaint", "neg"): {
        "fr": (
            "Ma plainte a été traitée comme un simple formulaire. Aucune écoute.",
            "Trois semaines sans réponse à ma plainte, puis une lettre type.",
            "On m'a renvoyé d'un service à l'autre sans jamais régler le problème.",
        ),
        "en": (
            "My complaint was handled like a form to file. Nobody listened.",
            "Three weeks without an answer, then a form letter.",
        ),
    },
    ("complaint", "mid"): {
        "fr": ("Le problème est réglé, mais il a fallu insister.",),
        "en": ("It's fixed, but I had to insist.",),
    },
    ("complaint", "pos"): {
        "fr": (
            "La directrice m'a appelé personnellement et a corrigé l'erreur. Bravo.",
            "Plainte prise au sérieux et réglée rapidement, avec un geste commercial.",
        ),
        "en": (
            "The manager called me personally and fixed the mistake. Well done.",
            "Complaint taken seriously and resolved quickly.",
        ),
    },
    # --- Insurance (Assurances Boréale) --------------------------------------------------------
    ("claim", "neg"): {
        "fr": (
            "L'expert en sinistres est venu deux semaines après le dégât d'eau.",
            "Le règlement de ma réclamation est beaucoup trop bas.",
            "Personne ne m'explique où en est ma réclamation.",
        ),
        "en": (
            "The adjuster came two weeks after the water damage.",
            "Nobody can tell me where my claim stands.",
        ),
    },
    ("claim", "mid"): {
        "fr": ("Réclamation réglée, mais les délais étaient longs.",),
        "en": ("Claim settled, but it took a while.",),
    },
    ("claim", "pos"): {
        "fr": (
            "Réclamation réglée en une semaine après l'accident. Très efficace.",
            "L'expert a été humain et rassurant dans un moment difficile.",
        ),
        "en": (
            "Claim settled within a week of the accident. Very efficient.",
            "The adjuster was kind and reassuring at a hard time.",
        ),
    },
    ("renewal", "neg"): {
        "fr": ("Ma prime a augmenté de 18 % sans aucune explication.",),
        "en": ("My premium went up 18% with no explanation.",),
    },
    ("renewal", "pos"): {
        "fr": ("On a revu ma police et trouvé des économies. Merci!",),
        "en": ("They reviewed my policy and found savings. Thanks!",),
    },
}

# A compliment naming the employee who served the customer. Worded without gender agreement
# on purpose: "{name} a été très patiente" would need each person's gender.
COMPLIMENTS: Texts = {
    "fr": (
        "Merci à {name} pour son écoute et sa patience.",
        "{name} a pris le temps de bien m'expliquer chaque option.",
        "Un grand merci à {name}, qui a réglé mon problème en quelques minutes.",
        "Service exceptionnel de la part de {name}. Vous avez une perle!",
        "{name} connaît son affaire: des conseils clairs et honnêtes.",
        "Bravo à {name}, toujours de bonne humeur et aux petits soins.",
        "{name} a dépassé mes attentes. Je le dirai à mes proches.",
        "Merci {name}! Grâce à vous, tout a été simple.",
    ),
    "en": (
        "Thanks to {name} for listening and being so patient.",
        "{name} took the time to explain every option to me.",
        "A big thank you to {name}, who fixed my problem in minutes.",
        "Exceptional service from {name}. You have a gem!",
        "{name} went above and beyond. I'll tell my friends.",
    ),
}

# Which themes a journey's customers write about, by tone: (theme, weight).
THEMES: dict[str, dict[str, tuple[tuple[str, int], ...]]] = {
    "visite": {
        "neg": (("wait", 35), ("fees", 20), ("courtesy", 15), ("competence", 15), ("rrsp", 5)),
        "mid": (("wait", 40), ("fees", 15), ("courtesy", 20), ("competence", 25)),
        "pos": (("courtesy", 40), ("competence", 35), ("wait", 20), ("rrsp", 5)),
    },
    "centre-contact": {
        "neg": (("phone", 40), ("chat", 10), ("competence", 20), ("followup", 20), ("fees", 10)),
        "mid": (("phone", 50), ("competence", 30), ("followup", 20)),
        "pos": (("phone", 45), ("chat", 15), ("competence", 25), ("followup", 15)),
    },
    "appli": {
        "neg": (("app", 90), ("fees", 10)),
        "mid": (("app", 100),),
        "pos": (("app", 100),),
    },
    "ouverture": {
        "neg": (("opening", 45), ("wait", 20), ("competence", 15), ("fees", 20)),
        "mid": (("wait", 40), ("fees", 30), ("competence", 30)),
        "pos": (("opening", 50), ("courtesy", 25), ("competence", 25)),
    },
    "hypotheque": {
        "neg": (("mortgage", 55), ("followup", 30), ("competence", 15)),
        "mid": (("mortgage", 60), ("followup", 40)),
        "pos": (("mortgage", 60), ("competence", 30), ("followup", 10)),
    },
    "plainte": {
        "neg": (("complaint", 65), ("followup", 35)),
        "mid": (("complaint", 100),),
        "pos": (("complaint", 70), ("followup", 30)),
    },
    "sinistre": {
        "neg": (("claim", 60), ("phone", 20), ("followup", 20)),
        "mid": (("claim", 70), ("phone", 30)),
        "pos": (("claim", 60), ("courtesy", 25), ("phone", 15)),
    },
    "renouvellement-police": {
        "neg": (("renewal", 60), ("phone", 40)),
        "mid": (("phone", 60), ("competence", 40)),
        "pos": (("renewal", 60), ("courtesy", 40)),
    },
}


def texts(theme: str, tone: str, language: str) -> tuple[str, ...]:
    return BANK[(theme, tone)][language]
