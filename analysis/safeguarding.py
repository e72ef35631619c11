"""Screen free text for possible risk disclosures, so a safeguarding lead can read it quickly.

The screen is deliberately cautious: it flags for a person to review, it never decides. It looks for
first-person and indirect wording about suicide, self-harm, harm to others and abuse ("no point going
on", "end it all", "better off without me"), and first removes phrases that name services or topics
rather than disclose risk ("the suicide prevention team was great", "self-harm service").

Each pattern has an id and a category so a reviewer sees why a text was flagged without the
screen repeating the text itself. Sources for the wording: Samaritans' media guidelines and
NICE NG225 (self-harm) list indirect expressions of suicidal thinking like those below.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Phrases that mention risk words without disclosing risk: services, teams, training and campaigns.
NOT_RISK = [
    r"suicide (?:prevention|awareness|bereavement|crisis|liaison|risk assessment|training|strategy|team|service|line|helpline)s?",
    r"self[- ]?harm(?:ing)? (?:service|team|clinic|support group|group|training|awareness|pathway|policy|assessment|leaflet)s?",
    r"(?:prevention of|preventing|prevent) (?:suicide|self[- ]?harm)",
    r"crisis (?:team|line|service|house|cafe|café)s?",
    r"(?:overdose|ligature) (?:awareness|training|policy|audit)",
    r"killing time",
    r"(?:dying|dead) (?:to|keen) (?:see|meet|try|get)",
    r"(?:battery|phone) (?:died|is dead|was dead)",
    r"kill(?:ed|ing)? (?:me|myself) laughing",
    r"end of (?:my|the) (?:tether|shift|day|appointment|session|treatment)",
]

# (id, category, pattern). Patterns run on lower-cased text with service phrases removed.
RISK_PATTERNS: list[tuple[str, str, str]] = [
    ("suicidal", "suicide", r"\bsuicidal\b"),
    (
        "suicide_attempt",
        "suicide",
        r"\b(?:attempted|tried|try|trying|try to|thinking about|think about|thought about|considering|consider) (?:to )?(?:commit )?suicide\b",
    ),
    ("commit_suicide", "suicide", r"\b(?:commit|committing|commited|committed) suicide\b"),
    ("kill_myself", "suicide", r"\bkill(?:ing)? my ?self\b|\bkill me\b(?! laughing)"),
    ("end_my_life", "suicide", r"\b(?:end|ending|take|taking|took) (?:my|me) (?:own )?life\b"),
    (
        "end_it_all",
        "suicide",
        r"\b(?:end|ending|finish|finishing) it all\b|\bend it\b(?= (?:now|tonight|soon|today))|\bend things\b",
    ),
    (
        "no_point",
        "suicide",
        r"\bno (?:point|reason|use) (?:in )?(?:going on|carrying on|living|being alive|being here|trying any ?more|to live|to go on|to carry on)\b",
    ),
    (
        "cant_go_on",
        "suicide",
        r"\b(?:can ?not|can'?t|cannot|couldn'?t|could not) (?:go on|carry on|keep going|do this any ?more|take (?:it|this)(?: any ?more)?|take any ?more)\b",
    ),
    (
        "better_off",
        "suicide",
        r"\b(?:better off|better) (?:dead|without me|if i (?:was|were) (?:dead|gone|not here))\b|\b(?:everyone|they|my family|people) (?:would be|will be|are) better off without me\b",
    ),
    (
        "want_to_die",
        "suicide",
        r"\b(?:want|wanted|wanting|wish|wished|wishing|going|ready|planning|plan) to die\b|\bwish (?:i|that i) (?:was|were|had been|had never been) (?:dead|born|never born|gone)\b",
    ),
    (
        "not_be_here",
        "suicide",
        r"\b(?:don'?t|do not|didn'?t) want to (?:be here|be alive|live|exist|wake up|go on)\b|\bnot (?:want|wanting) to (?:be here|be alive|live|wake up)\b",
    ),
    (
        "nothing_to_live_for",
        "suicide",
        r"\bnothing (?:left )?to live for\b|\b(?:life|living) (?:is|isn'?t|is not) (?:not )?worth (?:living|it)\b|\bnot worth living\b",
    ),
    ("disappear", "suicide", r"\b(?:want|wanted|wish) to (?:disappear|vanish|not exist|sleep forever|never wake up)\b"),
    (
        "goodbye",
        "suicide",
        r"\b(?:said|saying|say) (?:my )?goodbyes?\b|\bthis is (?:my )?goodbye\b|\bgiving away my (?:things|stuff|belongings)\b",
    ),
    (
        "means",
        "suicide",
        r"\b(?:stockpil\w*|saving up|hoarding) (?:my )?(?:pills|tablets|meds|medication)\b|\b(?:jump|jumping|throw myself) (?:off|in front of|under)\b|\bhang(?:ing)? myself\b|\b(?:took|take|taken|taking) an overdose\b|\boverdos(?:e|ed|ing)\b",
    ),
    (
        "self_harm",
        "self-harm",
        r"\b(?:cut|cutting|burn|burning|hurt|hurting|harm|harming|injure|injuring|starve|starving|punish|punishing) my ?self\b|\bself[- ]?harm(?:ing|ed)?\b|\bself[- ]?injur\w*\b",
    ),
    (
        "harm_others",
        "harm to others",
        r"\b(?:kill|hurt|harm|attack|stab|strangle) (?:him|her|them|someone|somebody|people|my (?:partner|husband|wife|child|children|kids|son|daughter|mum|dad|mother|father|neighbour))\b",
    ),
    (
        "abuse",
        "abuse or neglect",
        r"\b(?:he|she|they|my (?:partner|husband|wife|boyfriend|girlfriend|carer|dad|father|mum|mother|stepdad|stepmum)) (?:hits|hit|beats|beat|hurts|chokes|strangles|rapes|raped|abuses|abused|threatens|locks) me\b|\b(?:being|been|was|am) (?:abused|raped|assaulted|beaten|hit|hurt) (?:by|at home)\b|\bafraid (?:to go|of going) home\b|\bscared of (?:my )?(?:partner|husband|wife|boyfriend|girlfriend|carer)\b|\bdomestic (?:abuse|violence)\b(?! (?:service|team|training|support|charity|policy))",
    ),
    (
        "child_risk",
        "abuse or neglect",
        r"\b(?:child|children|kids|baby) (?:is|are|was|were) (?:not safe|unsafe|in danger|being hurt|being abused|left alone)\b",
    ),
]

_not_risk = re.compile("|".join(f"(?:{p})" for p in NOT_RISK))
_risk = [(pid, category, re.compile(pattern)) for pid, category, pattern in RISK_PATTERNS]


@dataclass(frozen=True)
class Screening:
    """The outcome of screening one text: which patterns matched, and their categories."""

    flagged: bool
    matches: tuple[str, ...] = ()
    categories: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return self.flagged


def normalise(text: str) -> str:
    """Lower-case, fold curly quotes and accents, collapse spaces, so patterns see one spelling."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return re.sub(r"\s+", " ", text.lower()).strip()


def screen(text: str) -> Screening:
    """Screen one free-text answer or comment for possible risk. Never raises on odd input."""
    cleaned = _not_risk.sub(" ", normalise(text))
    matches = [(pid, category) for pid, category, pattern in _risk if pattern.search(cleaned)]
    if not matches:
        return Screening(False)
    categories = tuple(dict.fromkeys(category for _, category in matches))
    return Screening(True, tuple(pid for pid, _ in matches), categories)
