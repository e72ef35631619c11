"""Screen free text for possible risk disclosures, so a safeguarding lead can read it quickly.

The screen is deliberately cautious: it flags for a person to review, it never decides. Two layers:

- patterns for first-person and indirect wording about suicide, self-harm, harm to others and abuse ("no
  point going on", "end it all", "better off without me"), after removing phrases that name services or
  topics rather than disclose risk ("the suicide prevention team was great") and clauses told as recovery
  ("I used to self-harm, years ago");
- a classifier on Engage's offline sentence embeddings (analysis.embeddings), trained on the development set
  in analysis/models/safeguarding_dev.txt (written from the categories of public clinical guidance: the
  Columbia scale's question areas, NICE NG225, SafeLives' DASH checklist, NSPCC's signs of abuse) and on
  ordinary NHS comments from ../shared/data. It catches phrasings no pattern lists: misspellings,
  text-speak, plans and means, indirect wording, concern for someone else.

Each flag names its categories and what matched ("pattern:kill_myself", "classifier:0.91"), so a reviewer
sees why without the screen repeating the text itself.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from analysis import train_command

MODELS = Path(__file__).resolve().parent / "models"
DEV_SET = MODELS / "safeguarding_dev.txt"
CLASSIFIER = MODELS / "safeguarding.npz"
# Words and word pairs, hashed into this many columns (no vocabulary to ship).
HASHED_WORDS = 2**15
NONE = "none"
# The categories a flag can carry, as the development set labels them.
CATEGORIES = (
    "suicide", "self-harm", "harm to others", "domestic abuse", "abuse or neglect", "child safeguarding",
    "concern for others",
)  # fmt: skip
# Clauses told as the past or as recovery: a pattern inside one does not flag ("I self-harmed as a teenager").
RECOVERY = re.compile(
    r"\b(?:years? ago|used to|when i was (?:young|younger|a teenager|a child|a kid|at school|\d+)|as a (?:teenager|child|kid)"
    r"|no longer|not any ?more|haven'?t (?:\w+ ){0,3}(?:for|in) (?:years|months|\d+)|in (?:19|20)\d\d"
    r"|(?:i'?m|i am) not (?:suicidal|going to)|never (?:thought|wanted|felt)|(?:don'?t|do not) have any (?:thoughts|plans)"
    r"|said no|survivor|in recovery|clean from|\d+ days? (?:clean|free))\b"
)
CLAUSE = re.compile(r"[.;!?]+|,\s*(?:but|and|though|although)\b|\bbut\b")

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
    # Bereavement: someone else's death, told as the past.
    r"(?:died|death) by suicide|lost (?:my|our|a|her|his) \w+(?: \w+)? to suicide|bereave(?:d|ment)(?: by)? (?:by )?suicide",
    r"(?:took|taken) (?:his|her|their) own life",
]

# (id, category, pattern). Patterns run on lower-cased text with service phrases removed.
RISK_PATTERNS: list[tuple[str, str, str]] = [
    ("suicidal", "suicide", r"\bsuicid(?:al|el|ial|le)\b|\bsuicde\b|\bsucidal\b"),
    (
        "suicide_attempt",
        "suicide",
        r"\b(?:attempted|tried|try|trying|try to|thinking about|think about|thought about|considering|consider) (?:to )?(?:commit )?suicide\b",
    ),
    ("commit_suicide", "suicide", r"\b(?:commit|committing|commited|committed) suicide\b"),
    (
        "kill_myself",
        "suicide",
        r"\bkil?l?(?:ing)? my ?s[el]+f\b|\bkill me\b(?! laughing)|\bkms\b|\bunalive\w*\b|\b(?:top|topping|off|offing) my ?self\b",
    ),
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


def _recovered(text: str) -> str:
    """The text without clauses told as the past or as recovery."""
    return " ".join(clause for clause in CLAUSE.split(text) if not RECOVERY.search(clause))


def prepared(text: str) -> str:
    """What the patterns read: normalised, without phrases naming services or bereavement, and without
    clauses told as recovery (the classifier reads the whole text: it learnt those contexts itself)."""
    return _recovered(_not_risk.sub(" ", normalise(text)))


def patterns(text: str) -> list[tuple[str, str]]:
    """(pattern id, category) for every pattern the text matches."""
    cleaned = prepared(text)
    return [(pid, category) for pid, category, pattern in _risk if pattern.search(cleaned)]


@cache
def _classifier() -> tuple[tuple[str, ...], np.ndarray, np.ndarray, float]:
    data = np.load(CLASSIFIER)
    return tuple(str(c) for c in data["classes"]), data["coef"], data["intercept"], float(data["threshold"])


@cache
def _words() -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(n_features=HASHED_WORDS, ngram_range=(1, 2), alternate_sign=False, binary=True)


def _features(texts: list[str]) -> Any:
    """The sentence embedding (with and without negation) beside the words and word pairs themselves: the
    embedding carries meaning across phrasings, the words tell "the self-harm service" from self-harm."""
    from scipy import sparse

    from analysis.embeddings import encode

    meaning = sparse.csr_matrix(np.hstack([encode(texts), encode(texts, negation=True)]))
    return sparse.hstack([meaning, _words().transform(texts)]).tocsr()


def risk(texts: list[str]) -> list[tuple[float, str]]:
    """For each text, the classifier's probability that it discloses risk, and its likeliest category.

    A long text is read in windows and its riskiest window counts, so a disclosure deep in it is not diluted.
    """
    windows = [_windows(normalise(t)) for t in texts]
    scored = _probabilities([w for ws in windows for w in ws])
    out, start = [], 0
    for ws in windows:
        out.append(max(scored[start : start + len(ws)]))
        start += len(ws)
    return out


def _windows(text: str) -> list[str]:
    return [text[i : i + WINDOW] for i in range(0, min(len(text), WINDOW * MAX_WINDOWS), WINDOW)] or [""]


def _probabilities(texts: list[str]) -> list[tuple[float, str]]:
    classes, coef, intercept, _ = _classifier()
    features = _features(texts)
    logits = np.asarray(features @ coef.T) + intercept
    logits -= logits.max(axis=1, keepdims=True)
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    none = classes.index(NONE)
    out = []
    for row, empty in zip(probabilities, features.getnnz(axis=1) == 0, strict=True):
        if empty:  # no word piece the model knows: nothing to judge (the patterns still look)
            out.append((0.0, NONE))
            continue
        ranked = sorted(((p, c) for c, p in zip(classes, row, strict=True) if c != NONE), reverse=True)
        out.append((float(1.0 - row[none]), ranked[0][1]))
    return out


# Classifier windows: about a paragraph each, up to 60,000 characters (the patterns read every character).
WINDOW = 1500
MAX_WINDOWS = 40
# Where a text names a service, a campaign or a bereavement, the classifier alone must be surer to flag.
SURER_IN_CONTEXT = 0.6


@lru_cache(maxsize=64)
def screen(text: str) -> Screening:
    """Screen one free-text answer or comment for possible risk. Never raises on odd input.

    Remembered for the last few texts: a page that shows help after a risky answer screens the same words
    the safeguarding subscriber screened a moment before, in the same request.
    """
    return screen_all([text])[0]


def screen_all(texts: Sequence[str]) -> list[Screening]:
    """Screen many texts at once, as `screen` does one: the classifier reads them in batches, far faster."""
    readable = [i for i, text in enumerate(texts) if re.search(r"[^\W\d_]", text or "")]
    risks = dict(zip(readable, risk([texts[i] for i in readable]), strict=True)) if readable else {}
    threshold = _classifier()[3]
    out = []
    for i, text in enumerate(texts):
        if i not in risks:
            out.append(Screening(False))  # no letters: emoji, numbers, nothing to read
            continue
        matches = [(f"pattern:{pid}", category) for pid, category in patterns(text)]
        probability, category = risks[i]
        needed = max(threshold, SURER_IN_CONTEXT) if _not_risk.search(normalise(text)) else threshold
        if probability >= needed:
            matches.append((f"classifier:{probability:.2f}", category))
        categories = tuple(dict.fromkeys(category for _, category in matches))
        out.append(Screening(True, tuple(m for m, _ in matches), categories) if matches else Screening(False))
    return out


# The development set and training ---------------------------------------------------------------


def dev_set() -> list[tuple[str, str, str]]:
    """(label, kind, text) for every example in analysis/models/safeguarding_dev.txt."""
    rows = []
    for line in DEV_SET.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, kind, text = (part.strip() for part in line.split("|", 2))
            rows.append((label, kind, text))
    return rows


def held_out(text: str) -> bool:
    """The held-out split: a fifth of distinct texts, chosen by a hash of the normalised text."""
    return hashlib.sha256(normalise(text).encode()).digest()[0] % 5 == 0


def shared_comments(data_dir: Path) -> list[str]:
    """Every free-text comment in the shared NHS feedback (phase 1 and NEAS files), for the flag rate."""
    import csv

    folder = data_dir / "patient_feedback"
    texts: list[str] = []
    with (folder / "phase1_text_data.csv").open(encoding="utf-8", newline="") as handle:
        texts += [row["feedback"] for row in csv.DictReader(handle) if row["feedback"].strip()]
    with (folder / "v6framework_neas.csv").open(encoding="utf-8", newline="") as handle:
        texts += [row["FFT answer"] for row in csv.DictReader(handle) if row["FFT answer"].strip()]
    return texts


def _variants(text: str) -> list[str]:
    """Spellings people type in a hurry: lower case without apostrophes, text-speak, a dropped letter."""
    plain = normalise(text).replace("'", "")
    speak = re.sub(r"\byou\b", "u", re.sub(r"\bto\b", "2", re.sub(r"\bwant to\b", "wanna", plain)))
    words = plain.split()
    longest = max(range(len(words)), key=lambda i: len(words[i])) if words else 0
    typo = " ".join(w[:-2] + w[-1] if i == longest and len(w) > 4 else w for i, w in enumerate(words))
    return list(dict.fromkeys(v for v in (plain, speak, typo) if v and v != text))


def train(data_dir: Path, path: Path = CLASSIFIER, negatives: int = 8000, threshold: float = 0.4) -> Path:
    """Fit the classifier on the training four-fifths of the development set, with ordinary comments from
    the shared data as negatives (those no pattern flags, a fixed sample); save its weights (no text)."""
    from sklearn.linear_model import LogisticRegression

    rows = [(label, text) for label, _, text in dev_set() if not held_out(text)]
    rows += [(label, variant) for label, text in list(rows) if label != NONE for variant in _variants(text)]
    ordinary = sorted(
        (t for t in shared_comments(data_dir) if not patterns(t)),
        key=lambda t: hashlib.sha256(t.encode()).hexdigest(),
    )[:negatives]
    rows += [(NONE, text) for text in ordinary]
    features = _features([normalise(text) for _, text in rows])
    labels = [label for label, _ in rows]
    model = LogisticRegression(C=16.0, class_weight="balanced", max_iter=3000).fit(features, labels)
    note = {
        "trained_on": f"{DEV_SET.name}: the four-fifths not held out (sha256 of the normalised text, first byte "
        "mod 5 != 0), each risk example also as typed in a hurry (lower case, text-speak, a dropped letter); "
        f"{len(ordinary)} comments from ../shared/data/patient_feedback that no pattern flags (a fixed sample "
        "by sha256), as ordinary",
        "rows": len(rows),
        "features": "static MiniLM embedding (384), the same with negated word pieces reversed (384), and "
        f"words and word pairs hashed into {HASHED_WORDS} binary columns (l2-normalised)",
        "model": "multinomial logistic regression, C=16, balanced class weights",
    }
    np.savez_compressed(
        path,
        classes=np.array([str(c) for c in model.classes_]),
        coef=model.coef_.astype(np.float32),
        intercept=model.intercept_.astype(np.float32),
        threshold=np.float32(threshold),
        note=np.array(json.dumps(note)),
    )
    _classifier.cache_clear()
    screen.cache_clear()
    return path


if __name__ == "__main__":
    train_command(train, "analysis.safeguarding")
