"""The fictional content of the demo organisations: places, units, people's names, job titles.

Everything here is data, so that the generator reads as a recipe. Names are common in Quebec
(French-Canadian surnames first, as in a real payroll, with the newer Quebecers and the
English-speaking minority a Montreal or Eastern Townships workforce has).
"""

from __future__ import annotations

from typing import NamedTuple

from sillage.accounts.models import Role

DEMO_PASSWORD = "sillage-demo"  # noqa: S105 - printed for anyone to use: demo data only
# ".example" is reserved (RFC 2606): these addresses can never reach a real mailbox, and
# `--reset` can safely delete every user under them.
HORIZON_DOMAIN = "horizon.example"
BOREALE_DOMAIN = "boreale.example"
HORIZON = "horizon"  # organisation slugs
BOREALE = "boreale"


class UnitTypeSpec(NamedTuple):
    code: str
    name_fr: str
    name_en: str


class Region(NamedTuple):
    code: str  # short, used in every unit code below it: R-MTL, B-MTL-PLATEAU…
    name_fr: str
    name_en: str


class Branch(NamedTuple):
    region: str
    code: str
    place_fr: str
    place_en: str
    size: str  # "L", "M" or "S": sets its number of teams and of people


class TeamSpec(NamedTuple):
    code: str
    name_fr: str
    name_en: str


# A job title as (feminine, masculine): titles are gendered in French, and a payroll gives each
# person theirs rather than an inclusive form nobody has on a business card.
Title = tuple[str, str]

HORIZON_UNIT_TYPES = [
    UnitTypeSpec("region", "Région", "Region"),
    UnitTypeSpec("branch", "Succursale", "Branch"),
    UnitTypeSpec("team", "Équipe", "Team"),
    UnitTypeSpec("service", "Service", "Department"),
]
BOREALE_UNIT_TYPES = [UnitTypeSpec("service", "Service", "Department")]

REGIONS = [
    Region("MTL", "Région de Montréal", "Montreal Region"),
    Region("CN", "Région de la Capitale-Nationale", "Capitale-Nationale Region"),
    Region("MON", "Région de la Montérégie", "Montérégie Region"),
    Region("EST", "Région de l'Estrie", "Eastern Townships Region"),
]

BRANCHES = [
    Branch("MTL", "PLATEAU", "Plateau-Mont-Royal", "Plateau-Mont-Royal", "L"),
    Branch("MTL", "ROSEMONT", "Rosemont", "Rosemont", "L"),
    Branch("MTL", "VILLERAY", "Villeray", "Villeray", "M"),
    Branch("MTL", "HOCHELAGA", "Hochelaga-Maisonneuve", "Hochelaga-Maisonneuve", "M"),
    Branch("MTL", "VERDUN", "Verdun", "Verdun", "M"),
    Branch("MTL", "STHENRI", "Saint-Henri", "Saint-Henri", "S"),
    Branch("MTL", "AHUNTSIC", "Ahuntsic", "Ahuntsic", "M"),
    Branch("MTL", "OUTREMONT", "Outremont", "Outremont", "S"),
    Branch("MTL", "CDN", "Côte-des-Neiges", "Côte-des-Neiges", "L"),
    Branch("MTL", "VIEUXMTL", "Vieux-Montréal", "Old Montreal", "M"),
    Branch("MTL", "STLAURENT", "Saint-Laurent", "Saint-Laurent", "L"),
    Branch("MTL", "ANJOU", "Anjou", "Anjou", "S"),
    Branch("MTL", "LACHINE", "Lachine", "Lachine", "S"),
    Branch("MTL", "GRIFFINTOWN", "Griffintown", "Griffintown", "S"),
    Branch("CN", "STROCH", "Saint-Roch", "Saint-Roch", "L"),
    Branch("CN", "LIMOILOU", "Limoilou", "Limoilou", "M"),
    Branch("CN", "STEFOY", "Sainte-Foy", "Sainte-Foy", "L"),
    Branch("CN", "SILLERY", "Sillery", "Sillery", "S"),
    Branch("CN", "CHARLESBOURG", "Charlesbourg", "Charlesbourg", "M"),
    Branch("CN", "BEAUPORT", "Beauport", "Beauport", "M"),
    Branch("CN", "VIEUXQC", "Vieux-Québec", "Old Quebec", "S"),
    Branch("CN", "LEBOURGNEUF", "Lebourgneuf", "Lebourgneuf", "M"),
    Branch("CN", "LORETTE", "L'Ancienne-Lorette", "L'Ancienne-Lorette", "S"),
    Branch("CN", "BSP", "Baie-Saint-Paul", "Baie-Saint-Paul", "S"),
    Branch("MON", "LONGUEUIL", "Longueuil", "Longueuil", "L"),
    Branch("MON", "BROSSARD", "Brossard", "Brossard", "L"),
    Branch("MON", "STHYACINTHE", "Saint-Hyacinthe", "Saint-Hyacinthe", "M"),
    Branch("MON", "STJEAN", "Saint-Jean-sur-Richelieu", "Saint-Jean-sur-Richelieu", "M"),
    Branch("MON", "CHAMBLY", "Chambly", "Chambly", "S"),
    Branch("MON", "BOUCHERVILLE", "Boucherville", "Boucherville", "M"),
    Branch("MON", "CHATEAUGUAY", "Châteauguay", "Châteauguay", "M"),
    Branch("MON", "VAUDREUIL", "Vaudreuil-Dorion", "Vaudreuil-Dorion", "S"),
    Branch("MON", "SOREL", "Sorel-Tracy", "Sorel-Tracy", "S"),
    Branch("EST", "SHERBROOKE", "Sherbrooke–Centre-ville", "Sherbrooke Downtown", "L"),
    Branch("EST", "FLEURIMONT", "Fleurimont", "Fleurimont", "M"),
    Branch("EST", "ROCKFOREST", "Rock Forest", "Rock Forest", "M"),
    Branch("EST", "MAGOG", "Magog", "Magog", "M"),
    Branch("EST", "GRANBY", "Granby", "Granby", "M"),
    Branch("EST", "COATICOOK", "Coaticook", "Coaticook", "S"),
    Branch("EST", "MEGANTIC", "Lac-Mégantic", "Lac-Mégantic", "S"),
]

# Every branch serves members at the counter; the larger ones also have an advice team.
TEAM_CUSTOMER = TeamSpec("CLIENTELE", "Service à la clientèle", "Customer service")
TEAM_ADVICE = TeamSpec("CONSEIL", "Conseil aux particuliers", "Personal advice")
BRANCH_TEAMS = {
    "L": [TEAM_ADVICE, TEAM_CUSTOMER],
    "M": [TEAM_ADVICE, TEAM_CUSTOMER],
    "S": [TEAM_CUSTOMER],
}
# Front-line people per team before the remainder is spread (weights below). Five or more,
# because the default anonymity threshold is 5: a smaller team's pulse results would be hidden.
BRANCH_TEAM_BASE_SIZE = {"L": 8, "M": 6, "S": 5}
BRANCH_TEAM_WEIGHT = {"L": 3, "M": 2, "S": 1}

CONTACT_CENTRE = TeamSpec("CC", "Centre de contact clientèle", "Customer contact centre")
CONTACT_CENTRE_TEAMS = [
    # (code, French, English, front-line agents)
    ("CC-T1", "Accueil téléphonique", "Phone support", 22),
    ("CC-T2", "Clavardage et courriel", "Chat and email", 16),
    ("CC-T3", "Soutien aux entreprises", "Business support", 9),
]
DIGITAL_TEAM = TeamSpec("DIG", "Équipe numérique", "Digital team")
DIGITAL_TEAM_SIZE = 10

HORIZON_HEADCOUNT = 600  # memberships in Caisse Horizon, demo logins included
ENGLISH_SHARE = 0.15  # share of people whose interface language is English
EMPLOYEE_CODE_SHARE = 0.8  # the rest were hired before codes were kept in the HR system

# --- Demo logins --------------------------------------------------------------------------------


class LoginPlace(NamedTuple):
    """One membership of a demo login."""

    org_slug: str
    unit_code: str
    role: str
    job_title: str
    is_facilitator: bool = False
    has_employee_code: bool = True


class DemoLogin(NamedTuple):
    label: str  # how a presenter introduces this person: "branch manager"
    email: str
    first_name: str
    last_name: str
    language: str
    places: tuple[LoginPlace, ...]


DEMO_LOGINS = (
    DemoLogin(
        "admin",
        "admin@horizon.example",
        "Isabelle",
        "Fortier",
        "fr",
        (LoginPlace(HORIZON, "HQ", Role.ADMIN, "Administratrice des systèmes"),),
    ),
    DemoLogin(
        "CX lead",
        "cx@horizon.example",
        "Mathieu",
        "Gravel",
        "fr",
        (LoginPlace(HORIZON, "HQ", Role.CX_LEAD, "Responsable de l'expérience membre"),),
    ),
    DemoLogin(
        "executive",
        "direction@horizon.example",
        "Sylvie",
        "Marchand",
        "fr",
        (LoginPlace(HORIZON, "HQ", Role.EXECUTIVE, "Directrice générale"),),
    ),
    DemoLogin(
        "regional manager",
        "region.montreal@horizon.example",
        "Karim",
        "Haddad",
        "fr",
        (LoginPlace(HORIZON, "R-MTL", Role.MANAGER, "Directeur régional"),),
    ),
    DemoLogin(
        "branch manager",
        "succursale.plateau@horizon.example",
        "Nathalie",
        "Bergeron",
        "fr",
        (LoginPlace(HORIZON, "B-MTL-PLATEAU", Role.MANAGER, "Directrice de succursale"),),
    ),
    DemoLogin(
        "employee",
        "employe.plateau@horizon.example",
        "Antoine",
        "Gagnon",
        "fr",
        (LoginPlace(HORIZON, "T-MTL-PLATEAU-CLIENTELE", Role.EMPLOYEE, "Caissier"),),
    ),
    DemoLogin(
        # An external consultant, English-speaking, in both organisations: shows the
        # organisation switcher and the English interface in one login.
        "facilitator, 2 organisations",
        "consultant@horizon.example",
        "Rachel",
        "Walsh",
        "en",
        (
            LoginPlace(
                HORIZON,
                "HQ",
                Role.EMPLOYEE,
                "Animatrice d'ateliers (consultante externe)",
                is_facilitator=True,
                has_employee_code=False,
            ),
            LoginPlace(
                BOREALE,
                "APPELS",
                Role.EMPLOYEE,
                "Consultante en expérience client",
                has_employee_code=False,
            ),
        ),
    ),
    DemoLogin(
        "admin (Assurances Boréale)",
        "admin@boreale.example",
        "François",
        "Paradis",
        "fr",
        (LoginPlace(BOREALE, "HQ", Role.ADMIN, "Administrateur des systèmes"),),
    ),
)


# --- Job titles (feminine, masculine) ---------------------------------------------------------
T_REGIONAL_DIRECTOR: Title = ("Directrice régionale", "Directeur régional")
T_REGIONAL_ADVISOR: Title = (
    "Conseillère en développement régional",
    "Conseiller en développement régional",
)
T_BRANCH_MANAGER: Title = ("Directrice de succursale", "Directeur de succursale")
T_ASSISTANT_MANAGER: Title = (
    "Directrice adjointe de succursale",
    "Directeur adjoint de succursale",
)
T_CC_DIRECTOR: Title = ("Directrice du centre de contact", "Directeur du centre de contact")
T_SUPERVISOR: Title = ("Superviseure", "Superviseur")
T_DIGITAL_LEAD: Title = ("Gestionnaire de produit numérique", "Gestionnaire de produit numérique")
T_CX_ADVISOR: Title = ("Conseillère en expérience membre", "Conseiller en expérience membre")

# Weighted, as in a real branch: more tellers than financial planners.
TITLES_BY_TEAM: dict[str, list[tuple[Title, int]]] = {
    "CLIENTELE": [
        (("Caissière", "Caissier"), 5),
        (("Agente de service aux membres", "Agent de service aux membres"), 3),
        (("Conseillère à l'accueil", "Conseiller à l'accueil"), 1),
    ],
    "CONSEIL": [
        (("Conseillère en finances personnelles", "Conseiller en finances personnelles"), 4),
        (("Conseillère en services financiers", "Conseiller en services financiers"), 3),
        (("Planificatrice financière", "Planificateur financier"), 1),
        (("Conseillère en prêts hypothécaires", "Conseiller en prêts hypothécaires"), 1),
    ],
    "CC-T1": [(("Agente du centre de contact", "Agent du centre de contact"), 1)],
    "CC-T2": [(("Agente de clavardage et courriel", "Agent de clavardage et courriel"), 1)],
    "CC-T3": [(("Conseillère aux entreprises", "Conseiller aux entreprises"), 1)],
    "DIG": [
        (("Conceptrice UX", "Concepteur UX"), 2),
        (("Développeuse", "Développeur"), 3),
        (("Analyste d'affaires", "Analyste d'affaires"), 2),
        (("Analyste de données", "Analyste de données"), 1),
        (("Spécialiste du contenu numérique", "Spécialiste du contenu numérique"), 1),
    ],
}

# Head office: (first name, last name, role, job title, workshop facilitator). Fixed, because
# these are the people a demo presenter talks about.
HORIZON_HEAD_OFFICE = [
    ("Pierre-Luc", "Bouchard", "executive", "Vice-président, Opérations", False),
    ("Anne-Marie", "Lévesque", "executive", "Vice-présidente, Expérience membre", False),
    ("Richard", "Cohen", "executive", "Vice-président, Finances", False),
    ("Valérie", "Ouellet", "cx_lead", "Conseillère principale, expérience membre", False),
    ("Samuel", "Diallo", "cx_lead", "Conseiller en expérience membre", True),
]

# --- Names ------------------------------------------------------------------------------------
FRENCH_FIRST_NAMES_F = [
    "Marie", "Julie", "Isabelle", "Nathalie", "Catherine", "Sophie", "Mélanie", "Valérie",
    "Stéphanie", "Geneviève", "Caroline", "Annie", "Chantal", "Josée", "Émilie", "Audrey",
    "Camille", "Léa", "Chloé", "Rosalie", "Florence", "Maude", "Marie-Ève", "Marie-Pier",
    "Karine", "Véronique", "Sylvie", "Manon", "Johanne", "Andréanne", "Noémie", "Laurence",
    "Gabrielle", "Amélie", "Anne-Sophie", "Joëlle", "Myriam", "Fatima", "Amina", "Yasmine",
    "Nadia", "Sarah", "Alexandra", "Jacinthe", "Roxanne", "Océane", "Élodie", "Mireille",
]  # fmt: skip
FRENCH_FIRST_NAMES_M = [
    "Jean", "Pierre", "Marc", "François", "Martin", "Éric", "Stéphane", "Sébastien",
    "Patrick", "Simon", "Maxime", "Mathieu", "Alexandre", "Guillaume", "Philippe", "Jonathan",
    "Vincent", "David", "Olivier", "Samuel", "Gabriel", "Félix", "William", "Thomas", "Louis",
    "Antoine", "Jérôme", "Luc", "Denis", "Michel", "Benoît", "Jean-François", "Jean-Philippe",
    "Marc-André", "Pier-Luc", "Karim", "Mohamed", "Youssef", "Émile", "Étienne", "Hugo",
    "Nicolas", "Frédéric", "Mathis", "Raphaël", "Yannick", "Réjean", "Sylvain",
]  # fmt: skip
FRENCH_LAST_NAMES = [
    "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin",
    "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette",
    "Girard", "Simard", "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier",
    "Fournier", "Lapointe", "Leclerc", "Lefebvre", "Poulin", "Thibault", "St-Pierre", "Nadeau",
    "Martin", "Landry", "Martel", "Bédard", "Grenier", "Lessard", "Bernier", "Richard",
    "Michaud", "Hébert", "Desjardins", "Couture", "Turcotte", "Lachance", "Parent", "Blais",
    "Gosselin", "Savard", "Proulx", "Beaudoin", "Demers", "Perreault", "Boudreau", "Lemieux",
    "Cyr", "Perron", "Dufour", "Dion", "Mercier", "Bolduc", "Bérubé", "Boisvert", "Langlois",
    "Ménard", "Laflamme", "Vallée", "Dupuis", "Beauchamp", "Lacroix", "Cormier", "Champagne",
    "Charbonneau", "Rousseau", "Gingras", "Lemay", "Houle", "Brassard", "Thériault", "Chabot",
]  # fmt: skip
# Quebecers whose families came more recently: about one name in eight on a Montreal payroll.
NEWER_LAST_NAMES = [
    "Nguyen", "Tran", "Pham", "Haddad", "Khoury", "Benali", "Bouzid", "Diallo",
    "Jean-Baptiste", "Saint-Louis", "Joseph", "Da Silva", "Rossi", "Morales", "Chen", "Wong",
]  # fmt: skip
NEWER_SHARE = 0.12
ENGLISH_FIRST_NAMES_F = [
    "Emily", "Sarah", "Jessica", "Jennifer", "Rachel", "Megan", "Lauren", "Amanda", "Heather",
    "Rebecca", "Katherine", "Olivia", "Hannah", "Victoria",
]  # fmt: skip
ENGLISH_FIRST_NAMES_M = [
    "Michael", "David", "Ryan", "Matthew", "Daniel", "Andrew", "Kevin", "Patrick", "Jason",
    "Christopher", "Brian", "Sean", "Adam", "Jonathan",
]  # fmt: skip
ENGLISH_LAST_NAMES = [
    "Smith", "Brown", "Wilson", "MacDonald", "Campbell", "Taylor", "Johnson", "Murphy",
    "O'Brien", "Kelly", "Stewart", "Anderson", "Thompson", "Miller", "Cohen", "Walsh", "Scott",
    "Reid", "Graham", "Fraser", "Ross", "Young", "Clarke", "Bell",
]  # fmt: skip
# English speakers in Quebec often carry French surnames too.
ENGLISH_SPEAKER_FRENCH_SURNAME_SHARE = 0.35

# --- Assurances Boréale -----------------------------------------------------------------------
BOREALE_UNITS = [
    # (code, parent code or None, French, English, type code or None)
    ("HQ", None, "Assurances Boréale", "Boréale Insurance", None),
    ("RECL", "HQ", "Service des réclamations", "Claims department", "service"),
    ("APPELS", "HQ", "Centre d'appels", "Call centre", "service"),
]
BOREALE_PEOPLE = [
    # (first, last, language, unit code, role, job title); the demo logins come on top.
    ("Hélène", "Brisson", "fr", "HQ", "executive", "Présidente"),
    ("Jean-Sébastien", "Caouette", "fr", "HQ", "cx_lead", "Responsable de l'expérience client"),
    ("Line", "Desrosiers", "fr", "RECL", "manager", "Directrice, Réclamations"),
    ("Marco", "Rinaldi", "fr", "RECL", "employee", "Expert en sinistres"),
    ("Josianne", "Beaupré", "fr", "RECL", "employee", "Experte en sinistres"),
    ("Kevin", "O'Neill", "en", "RECL", "employee", "Agent de réclamations"),
    ("Mélissa", "Fontaine", "fr", "RECL", "employee", "Agente de réclamations"),
    ("Dominic", "Pageau", "fr", "RECL", "employee", "Agent de réclamations"),
    ("Claudine", "Vachon", "fr", "APPELS", "manager", "Superviseure, Centre d'appels"),
    ("Alexis", "Labrecque", "fr", "APPELS", "employee", "Agent du centre d'appels"),
    ("Priya", "Raman", "en", "APPELS", "employee", "Agente du centre d'appels"),
    ("Maude", "Giroux", "fr", "APPELS", "employee", "Agente du centre d'appels"),
    ("Thierry", "Bouffard", "fr", "APPELS", "employee", "Agent du centre d'appels"),
]  # fmt: skip
