"""Remove personal details from free text before anyone outside the engagement team sees it.

What it removes, each replaced by a bracketed word so the sentence still reads:
emails; UK phone numbers in the common written forms (including the Ofcom drama ranges such as
07700 900123 and 01632 960001); NHS numbers that pass the modulus 11 check; National Insurance
numbers; full postcodes; house numbers with their street; dates of birth; and people's names.

Names are found offline, in layers:
- after a title or a role ("Dr Patel", "my CPN darren", "nurse Sarah Jones", "my son Liam"), in any case;
- after "called", "named" or "my name is";
- a first name from the UK's communities, with the surname or initial that follows it ("Sarah Jones",
  "Aisha Begum"), and a known surname on its own ("Okonkwo was kind"); in lower case too, unless the word is
  also an ordinary English word ("grace", "will"), which then needs a title, a role or a surname beside it.
The name lists are Faker's (maintained; public name statistics for Britain, Ireland, India, Pakistan,
Nigeria, Ghana, Kenya, Poland, Romania, Turkey and more) and the US Census 1990 lists (the `names`
package); ordinary words are the lower-case entries of the Brill tagger's lexicon that TextBlob ships.
Service names stay: a name followed by Ward, Unit, Team, Hospital, Centre and the like ("Rose Ward",
"Florence Nightingale Ward", "the Maudsley Hospital") is a place. Helpline numbers (111, 999, 116 123) stay.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from functools import cache
from importlib import resources
from pathlib import Path

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# 10 digits as 3-3-4, or run together; checked with the modulus 11 algorithm before removal.
NHS_NUMBER = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)44[\s.-]?(?:\(0\)[\s.-]?)?|\(?0)\d(?:[\s.)-]{0,2}\d){8,9}(?![\d])")
# Any two letters, not only the prefixes HMRC issues: people copy example numbers such as QQ 12 34 56 C.
NI_NUMBER = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE)
POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-HJKMNPR-Y\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)

STREETS = (
    "road|street|avenue|lane|close|drive|way|court|crescent|place|gardens|terrace|grove|hill|park|square|mews|"
    "rise|view|walk|row|parade|green|vale|gate|hollow|estate|mansions|buildings|villas|yard|wharf|broadway|"
    "boulevard|circus|embankment|quay"
)
# Written short, these count only capitalised, after capitalised words: "14 Acacia Ave", "3 Kings Rd".
SHORT_STREETS = "Rd|St|Ave|Ln|Cl|Ct|Pl|Gdns|Terr|Cres|Sq|Dr"
# A number of these is an amount, not a house: "45 minutes drive", "3 x appointments with Dr Rita".
UNITS = (
    "x|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|times?|miles?|yards?|metres?|meters?|people|"
    "calls?|appointments?|sessions?|visits?|or|and|to|of|in|on|at|for|the|a|more|other|different"
)
# "12 Acacia Avenue", "flat 3, 14b high street", "Flat 2 Rose Court": the number and what follows it.
ADDRESS = re.compile(
    rf"\b(?:(?:[Ff]lat|FLAT|[Aa]partment|[Aa]pt|[Uu]nit|[Rr]oom)\.?\s*\d+[a-zA-Z]?,?\s+)?\d{{1,4}}[a-zA-Z]?,?\s+"
    rf"(?!(?i:{UNITS})\b)(?:(?:[A-Za-z][\w'’-]*\s+){{1,3}}(?i:{STREETS})\b|(?:[A-Z][\w'’-]*\s+){{1,3}}(?:{SHORT_STREETS})\b\.?)"
)
MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:19|20)?\d{{2}}|(?:19|20)\d{{2}}-\d{{1,2}}-\d{{1,2}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{MONTHS})\.?,?\s+(?:19|20)\d{{2}}|"
    rf"(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}})"
)
BIRTH = re.compile(
    rf"\b(?P<cue>d\.?\s?o\.?\s?b\.?|date of birth|birth ?date|born(?:\s+on)?|birthday(?:\s+is)?)"
    rf"(?P<gap>\s*(?:is|was|:|-)?\s*)(?P<date>{DATE})",
    re.IGNORECASE,
)

TITLES = "mr|mrs|ms|miss|mx|dr|doctor|prof|professor|sister|matron|father|rev|sir|dame|lord|lady"
ROLES = (
    "nurse|cpn|gp|consultant|psychiatrist|psychologist|therapist|counsellor|counselor|worker|coordinator|"
    "co-ordinator|key worker|keyworker|social worker|support worker|care coordinator|ot|manager|receptionist|"
    "advocate|mentor|midwife|pharmacist|paramedic|officer|dietitian|physio|healthcare assistant|hca|"
    "mum|mother|dad|father|son|daughter|husband|wife|partner|boyfriend|girlfriend|brother|sister|friend|"
    "neighbour|neighbor|carer|aunt|uncle|cousin|nan|gran|grandma|grandad|grandson|granddaughter|niece|nephew|child"
)
CALLED = re.compile(r"\b(?:called|named|name is|name was|name's|known as)\s+$", re.IGNORECASE)
# After a title: "Dr ", "Mrs. ", "sister ". A full stop after a whole word ends a sentence instead.
TITLE = re.compile(rf"(?:\b(?:Mr|Mrs|Ms|Mx|Dr|Prof|Rev)\.|\b(?:{TITLES}))[ \t]+$", re.IGNORECASE)
ROLE_BEFORE = re.compile(rf"\b(?:{ROLES})[,:]?\s+$", re.IGNORECASE)
ROLE = re.compile(ROLES)
# Words that make the name before them a place or a service.
SERVICE_WORDS = {
    "ward", "wards", "unit", "team", "hospital", "centre", "center", "clinic", "house", "hub", "service", "services",
    "trust", "lodge", "suite", "surgery", "practice", "court", "road", "street", "avenue", "lane", "building",
    "wing", "school", "college", "university", "library", "park", "station", "hall", "church", "mosque", "temple",
    "gurdwara", "foundation", "partnership", "project", "network", "group", "community", "recovery", "crisis",
    "place", "villas", "gardens", "mind", "health", "care", "line", "day", "dept", "department", "hosp", "rehab",
    "obs", "ambulance", "paramedics", "meds",
}  # fmt: skip
# Job words that follow a title or role without being a name: "Nurse Practitioner", "GP Registrar".
JOB_WORDS = {
    "practitioner", "specialist", "assistant", "lead", "registrar", "associate", "senior", "junior", "student",
    "duty", "named", "liaison", "prescriber", "navigator", "partner", "consultant", "nurse", "doctor",
}  # fmt: skip
# Words that introduce a person just before or after their name: "ask for rahim", "harpreet my cpn".
NAME_BEFORE = re.compile(
    r"\b(?:ask(?:ed)? for|thank(?:s| you)?(?: to)?|spoke (?:to|with)|speak (?:to|with)|seen by|saw|met|"
    r"praise|recommend)\s+$",
    re.IGNORECASE,
)
NAME_AFTER = re.compile(
    rf"\s*,?\s+(?:(?:is|was|who is|who was|as)\s+)?(?:my|our|his|her|their)\s+(?:{ROLES})\b|"
    r"\s+from the (?:\w+ )?(?:team|ward|hub|clinic|service|unit)\b|\s+and the team\b",
    re.IGNORECASE,
)
# After a title, any capitalised word is a name but these.
FUNCTION_WORDS = {
    "the", "and", "of", "a", "an", "to", "in", "on", "at", "for", "is", "was", "i", "my", "we", "he", "she",
    "they", "it", "this", "that", "who", "which", "but", "or", "not", "no", "as", "with", "from", "by",
}  # fmt: skip
SAINT_BEFORE = re.compile(r"\b(?:St|Saint)\.?\s+$")
# Words before a name that make it a place: "the Maudsley", "at Springfield", "in Lewisham".
PLACE_BEFORE = re.compile(r"\b(?:the|at|in|from|near|into|outside|inside|of)\s+$", re.IGNORECASE)

# Words that are also first names or surnames but here almost never are one, whatever the lexicon says.
NOT_NAMES = {
    "will", "may", "june", "april", "august", "hope", "grace", "faith", "joy", "mark", "bill", "rose", "dawn",
    "sue", "pat", "art", "ray", "sky", "summer", "autumn", "winter", "spring", "amber", "ruby", "iris", "holly",
    "ivy", "violet", "page", "rich", "guy", "major", "sunday", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "christian", "nurse", "doctor", "sister", "care", "support", "see", "can", "long", "young",
    "king", "love", "star", "an", "in", "else", "les", "le", "ed", "al", "so", "do", "lean", "said", "son",
    "happy", "merry", "precious", "patience", "charity", "mercy", "honey", "sunny", "lane", "green", "brown",
    "white", "black", "trust", "gp", "ward", "center", "centre", "hospital", "team", "staff", "nhs", "cpn", "ot",
    "bell", "carry", "chance", "chase", "don", "hang", "hung", "lady", "man", "many", "miles", "min", "miss", "my",
    "numbers", "ok", "soon", "van", "walker", "english", "british", "irish", "scottish", "welsh", "asian",
    "african", "caribbean", "muslim", "hindu", "sikh", "jewish", "god", "allah", "jesus", "christmas", "easter",
    "eid", "ramadan", "diwali", "covid", "mind", "samaritans", "shout", "london", "england", "britain",
    "a", "i", "is", "it", "to", "be", "me", "we", "us", "he", "she", "they", "them", "you", "not", "no", "yes",
    "the", "and", "or", "but", "if", "then", "than", "that", "this", "there", "here", "what", "when", "who", "why",
    "how", "all", "any", "each", "few", "more", "most", "other", "some", "such", "only", "own", "same", "very",
    "just", "now", "also", "again", "once", "still", "even", "ever", "never", "always", "often", "well", "back",
    "good", "great", "best", "bad", "worse", "poor", "nice", "kind", "rude", "fine", "hi", "dear", "thanks",
    "mental", "health", "help", "call", "text", "phone", "email", "crisis", "access", "point", "january",
    "february", "march", "july", "september", "october", "november", "december",
}  # fmt: skip

# Places that are also surnames: a borough or a town on its own is not a person.
PLACES = {
    "barking", "dagenham", "barnet", "bexley", "brent", "bromley", "camden", "croydon", "ealing", "enfield",
    "greenwich", "hackney", "hammersmith", "fulham", "haringey", "harrow", "havering", "hillingdon", "hounslow",
    "islington", "kensington", "chelsea", "kingston", "lambeth", "lewisham", "merton", "newham", "redbridge",
    "richmond", "southwark", "sutton", "hamlets", "waltham", "wandsworth", "westminster", "peckham", "brixton",
    "tooting", "streatham", "stratford", "walthamstow", "tottenham", "woolwich", "deptford", "catford", "sydenham",
    "manchester", "birmingham", "leeds", "liverpool", "bristol", "sheffield", "nottingham", "leicester",
    "coventry", "bradford", "newcastle", "sunderland", "oxford", "cambridge", "york", "derby", "preston", "bolton",
    "wigan", "luton", "reading", "brighton", "hull", "stoke", "exeter", "plymouth", "norwich", "ipswich",
    "southampton", "portsmouth", "bath", "chester", "lancaster", "durham", "lincoln", "worcester", "gloucester",
}  # fmt: skip

TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*")
INITIAL = re.compile(r"[A-Z]\.?$")
# Characters either side of a word that the patterns around names read (each looks at a few words).
CONTEXT = 200

# Faker's locales whose names are written in the Latin alphabet: the UK's larger communities among them.
FAKER_LOCALES = (
    "en_GB", "en_IE", "ga_IE", "en_IN", "en_PK", "en_NG", "yo_NG", "ig_NG", "ha_NG", "tw_GH", "en_KE", "sw",
    "zu_ZA", "pl_PL", "ro_RO", "lt_LT", "lv_LV", "tr_TR", "pt_PT", "pt_BR", "es_ES", "it_IT", "fr_FR", "de_DE",
    "id_ID", "vi_VN", "en_US",
)  # fmt: skip
CENSUS_SURNAMES = 20_000  # the most common; rarer ones are mostly ordinary words or places


def _faker_names(attribute: str) -> set[str]:
    found: set[str] = set()
    for locale in FAKER_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for name in dir(provider):
            if name.startswith(attribute):
                values = getattr(provider, name)
                found.update(values.keys() if isinstance(values, dict) else values)
    return {
        name.lower().replace("’", "'")
        for name in found
        if isinstance(name, str) and name.replace("'", "").replace("-", "").isalpha()
    }


def _census(file: str, limit: int | None = None) -> set[str]:
    lines = resources.files("names").joinpath(file).read_text().splitlines()[:limit]
    return {line.split()[0].lower() for line in lines if line.strip()}


@cache
def word_tags() -> dict[str, frozenset[str]]:
    """Lower-case words of the Brill tagger's lexicon shipped with TextBlob, with their parts of speech
    (read without importing TextBlob)."""
    spec = importlib.util.find_spec("textblob")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("TextBlob is a dependency of analysis: install requirements.txt")
    lexicon = Path(next(iter(spec.submodule_search_locations))) / "en" / "en-lexicon.txt"
    tags = {}
    for line in lexicon.read_text(encoding="utf-8").splitlines():
        word, _, rest = line.partition(" ")
        if word.isalpha() and word.islower():
            tags[word] = frozenset(rest.split())
    return tags


@cache
def ordinary_words() -> frozenset[str]:
    return frozenset(word_tags())


# British spellings and word forms the (American) lexicon lacks: "recognise", "programme", "paramedics".
SPELLINGS = (("isation", "ization"), ("ise", "ize"), ("ised", "ized"), ("ising", "izing"), ("yse", "yze"),
             ("our", "or"), ("tre", "ter"), ("mme", "m"), ("ogue", "og"), ("ence", "ense"), ("llous", "lous"),
             ("lled", "led"), ("lling", "ling"), ("tted", "ted"))  # fmt: skip
ENDINGS = ("s", "es", "ed", "d", "ing", "ly", "er", "ers")
BRITISH = {"whilst", "amongst", "learnt", "spelt", "burnt", "dreamt", "alot", "towards", "mum", "mums", "nan"}
PREFIXES = {"re", "pre", "co", "non", "self", "ex", "anti", "over", "under", "well", "post", "sub", "mid", "semi"}
CONTRACTION = re.compile(r"(?:n't|'ve|'re|'ll|'d|'m|'t)$")


@cache
def is_ordinary(lower: str) -> bool:
    """Whether a lower-case word is an ordinary English word: in the lexicon, in British spelling, a plural or
    other form of one, or a contraction ("wasn't")."""
    words = ordinary_words()
    if lower in words or lower in BRITISH or CONTRACTION.search(lower):
        return True
    if "-" in lower:  # "in-law", "thank-you", "re-refer"
        return all(is_ordinary(part) or part in PREFIXES for part in lower.split("-") if part)
    for british, american in SPELLINGS:
        if lower.endswith(british) and lower[: -len(british)] + american in words:
            return True
    if ("ae" in lower or "oe" in lower) and lower.replace("ae", "e").replace("oe", "e") in words:
        return True  # "paediatric", "oesophagus"
    return any(lower.endswith(ending) and lower[: -len(ending)] in words for ending in ENDINGS if len(lower) > 4)


# Parts of speech that follow "my nurse" as grammar, not as a name: "my therapist made sure", "my cpn will".
GRAMMAR = frozenset({"VBD", "VBN", "VBZ", "VBP", "MD", "RB", "IN", "DT", "CC", "PRP", "TO", "WDT", "WP", "WRB", "RP"})


@cache
def all_first_names() -> frozenset[str]:
    """First names, lower case: Faker's lists for the UK's communities and the US Census 1990 lists."""
    return frozenset(_faker_names("first_names") | _census("dist.female.first") | _census("dist.male.first"))


@cache
def first_names() -> frozenset[str]:
    """First names that are names whenever they appear: those not also ordinary words here."""
    return frozenset(all_first_names() - NOT_NAMES)


@cache
def all_surnames() -> frozenset[str]:
    """Surnames, lower case: Faker's lists and the most common US Census 1990 surnames, less place names."""
    return frozenset((_faker_names("last_names") | _census("dist.all.last", CENSUS_SURNAMES)) - PLACES)


@cache
def surnames() -> frozenset[str]:
    """Surnames that are names whenever they appear: those not also ordinary words here."""
    return frozenset(all_surnames() - NOT_NAMES)


def is_name(word: str) -> bool:
    """Whether a single word is a first name or surname that is not also an ordinary English word."""
    lower = word.lower()
    return is_known(lower) and lower not in ordinary_words()


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number modulus 11 check (weights 10 to 2 on the first nine digits)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _nhs(match: re.Match[str]) -> str:
    digits = "".join(match.groups())
    return "[NHS number]" if nhs_number_is_valid(digits) else match.group(0)


def _phone(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = re.sub(r"\D", "", found.replace("(0)", ""))
    digits = digits[2:] if digits.startswith("0044") else digits
    national = "0" + digits[2:] if digits.startswith("44") else digits
    if len(national) not in (10, 11) or not national.startswith("0"):
        return found
    # "(07700 900111, ...)": the bracket opens the aside, it is not part of the number.
    return "([phone]" if found.startswith("(") and ")" not in found else "[phone]"


def _birth(match: re.Match[str]) -> str:
    return match.group("cue") + match.group("gap") + "[date of birth]"


Word = tuple[int, int, str]  # start, end, the word (without a possessive 's)


def _words(text: str) -> list[Word]:
    words = []
    for match in TOKEN.finditer(text):
        word, end = match.group(0), match.end()
        if word[-2:] in ("'s", "’s") and len(word) > 3:
            word, end = word[:-2], end - 2  # "Trevor's kindness": the name is Trevor
        words.append((match.start(), end, word))
    return words


def _names(text: str) -> str:
    """Replace each run of name words with [name]."""
    words = _words(text)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if not _starts_name(text, words, i):
            i += 1
            continue
        start, end = i, i + 1
        # Surnames and initials that follow: "Sarah Jones", "Aisha Begum-Khan", "Tom Brown".
        while end < len(words) and end - start < 4 and _joined(text, words[end - 1], words[end]):
            if not _continues_name(words[end][2]):
                break
            end += 1
        if end < len(words) and _joined(text, words[end - 1], words[end]) and words[end][2].lower() in SERVICE_WORDS:
            i = end + 1  # "Rose Ward", "Jasmine Unit": a place, not a person
            continue
        # A first name the lists do not know, before a name they do: "Chidi Okeke", "Hodan Abdi".
        joined = start > 0 and _joined(text, words[start - 1], words[start])
        free = not spans or spans[-1][1] < words[start - 1][0]
        if joined and free and _unknown_capitalised(words[start - 1][2]):
            start -= 1
        spans.append((words[start][0], words[end - 1][1]))
        i = end
    for begin, stop in reversed(spans):
        text = text[:begin] + "[name]" + text[stop:]
    return text


def _starts_name(text: str, words: list[Word], i: int) -> bool:
    """Whether the i-th word begins a name, from the word itself and the words around it."""
    word = words[i][2]
    lower = word.lower().replace("’", "'")
    # The patterns read only the words just before and after, so a window keeps long texts linear.
    before, after = text[max(0, words[i][0] - CONTEXT) : words[i][0]], text[words[i][1] : words[i][1] + CONTEXT]
    # Capitalised, not shouted: "VICKY" is found by the lists, and "CAMHS" is not a name.
    capital = word[:1].isupper() and not (word.isupper() and len(word) > 1)
    plain = is_ordinary(lower) or lower in NOT_NAMES
    if plain and lower not in all_first_names() and lower not in all_surnames() and not INITIAL.match(word):
        return False  # an ordinary word that no list has as a name: no context below makes it one
    if lower in SERVICE_WORDS or lower in JOB_WORDS or lower in PLACES or ROLE.fullmatch(lower):
        return False
    if re.fullmatch(TITLES, lower) or SAINT_BEFORE.search(before):
        return False  # the title itself; "St Ann's" is a place
    if TITLE.search(before) and not re.search(r"\b[a-z]+\.[ \t]+$", before):
        # "Sister Le", "Dr Will", "Dr Brown": any capitalised word but an ordinary one that is not a name
        # ("Dr However", "lady Ambulance crew").
        named = lower in all_first_names() or lower in all_surnames() or not is_ordinary(lower)
        return capital and lower not in FUNCTION_WORDS and named
    if INITIAL.match(word):
        return _surname_at(text, words, i + 1, frozenset())  # "J. Smith", "J Smith"
    if ROLE_BEFORE.search(before) or CALLED.search(before) or NAME_BEFORE.search(before) or NAME_AFTER.match(after):
        # Beside a role or words that introduce a person, a name is a word that is not an ordinary one, or a
        # first name that is not grammar ("my CPN tariq", "ask for Grace", "my worker harry", "harpreet my cpn";
        # not "my therapist made sure").
        grammar = bool(word_tags().get(lower, frozenset()) & GRAMMAR)
        return not plain or (lower in all_first_names() and not grammar and (capital or lower not in NOT_NAMES))
    if _service_after(after):
        return False  # "Ann's House": a place
    if lower in first_names() and not plain:
        return True
    if capital and (lower in all_first_names() or not plain):
        # "Grace Okafor", "ask for Mark White", "Xiu Shah": a first name that is also an ordinary word, or one
        # the lists do not know, counts when a surname follows; at the start of a sentence, only a surname that
        # is not an ordinary word too.
        at_start = not before.strip() or before.rstrip()[-1] in '.!?:;\n"“('
        if _surname_at(text, words, i + 1, ordinary_words() if at_start else frozenset()):
            return True
        # Two capitalised words that are neither ordinary words nor places: "Deepak Gallacher".
        following = i + 1 < len(words) and _joined(text, words[i], words[i + 1])
        return following and _unknown_capitalised(word) and _unknown_capitalised(words[i + 1][2])
    return capital and lower in surnames() and not plain and not PLACE_BEFORE.search(before)


def is_known(lower: str) -> bool:
    return lower in first_names() or lower in surnames()


def _continues_name(word: str) -> bool:
    lower = word.lower()
    if lower in SERVICE_WORDS or lower in JOB_WORDS:
        return False
    if word[:1].isupper() and not word.isupper():
        return lower in all_surnames() or not (is_ordinary(lower) or lower in NOT_NAMES)
    return lower in surnames() and not is_ordinary(lower)


def _unknown_capitalised(word: str) -> bool:
    lower = word.lower()
    return (
        word[:1].isupper()
        and not word.isupper()
        and not is_ordinary(lower)
        and lower not in NOT_NAMES
        and lower not in SERVICE_WORDS
        and lower not in JOB_WORDS
        and lower not in PLACES
        and not re.fullmatch(TITLES, lower)
    )


def _service_after(after: str) -> bool:
    following = re.match(r"['’]s\s+(\w+)", after)
    return following is not None and following.group(1).lower() in SERVICE_WORDS


def _surname_at(text: str, words: list[Word], j: int, ordinary: frozenset[str]) -> bool:
    """Whether the next word is a capitalised surname (and not an ordinary word, unless `ordinary` is empty)."""
    if j >= len(words) or not _joined(text, words[j - 1], words[j]):
        return False
    word = words[j][2]
    return word[:1].isupper() and word.lower() in all_surnames() and word.lower() not in ordinary


def _joined(text: str, left: Word, right: Word) -> bool:
    """Two words with only a space or a hyphen between them, or an initial and its full stop."""
    gap = text[left[1] : right[0]]
    return gap in (" ", "-") or (gap == ". " and len(left[2]) == 1)


PLACEHOLDER = re.compile(r"\[(?:email|phone|NHS number|NI number|postcode|address|date of birth|name)\]")


def scrub(text: str) -> str:
    """The text with personal details removed altogether: for counting words (theme keywords and labels),
    where a placeholder would become a word of its own."""
    return PLACEHOLDER.sub(" ", redact(text))


def redact(text: str) -> str:
    """The text with personal details replaced by [email], [phone], [NHS number], [NI number], [postcode],
    [address], [date of birth] and [name]."""
    if not text:
        return ""
    text = EMAIL.sub("[email]", text)
    text = BIRTH.sub(_birth, text)
    text = NHS_NUMBER.sub(_nhs, text)
    text = PHONE.sub(_phone, text)
    text = NI_NUMBER.sub("[NI number]", text)
    text = POSTCODE.sub("[postcode]", text)
    text = ADDRESS.sub("[address]", text)
    return _names(text)
