"""Screen free text for possible risk disclosures, so a safeguarding lead can read it quickly.

The screen is deliberately cautious: it flags for a person to review, it never decides. Three layers:

- patterns for first-person and indirect wording about suicide, self-harm, harm to others and abuse ("no
  point going on", "end it all", "better off without me"), after removing phrases that name services or
  topics rather than disclose risk ("the suicide prevention team was great") and clauses told as recovery
  ("I used to self-harm, years ago");
- a classifier on Engage's offline sentence embeddings (analysis.embeddings), trained on the development set
  in analysis/models/safeguarding_dev.txt (written from the categories of public clinical guidance: the
  Columbia scale's question areas, NICE NG225, SafeLives' DASH checklist, NSPCC's signs of abuse) and on
  ordinary NHS comments from ../shared/data. It catches phrasings no pattern lists: misspellings,
  text-speak, plans and means, indirect wording, concern for someone else. It reads every text quickly
  (thousands a second) and passes the few that might be risk to
- a second look by a fine-tuned MiniLM (analysis.reader) trained on the same examples, which reads word
  order: "the wait is killing me" is not "I want to kill myself", and "I used to cut" is not "I cut".

Each flag names its categories and what matched ("pattern:kill_myself", "reader:0.91"), so a reviewer
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

from analysis import hashed_words, joined, linear, train_command
from analysis.reader import Reader, fine_tune

MODELS = Path(__file__).resolve().parent / "models"
DEV_SET = MODELS / "safeguarding_dev.txt"
CLASSIFIER = MODELS / "safeguarding.npz"
READER = MODELS / "safeguarding-reader.onnx"
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
    r"|no longer|not any ?more|haven'?t (?:\w+ ){0,3}(?:(?:for|in) (?:years|months|\d+)|since)|in (?:19|20)\d\d"
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
        r"\b(?:end|ending|finish|finishing) it all\b|\bend it\b(?= (?:now|tonight|soon|today))|\bend things\b"
        r"|\bi(?:'m| am| was)? (?:going|gonna|want|wanted|planning|ready) to end it\b",
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
        r"\bthis is (?:my )?(?:goodbye|last message)\b|\bgiving away my (?:things|stuff|belongings)\b",
    ),
    (
        "means",
        "suicide",
        r"\b(?:stockpil\w*|saving up|hoarding) (?:my )?(?:pills|tablets|meds|medication)\b|\b(?:jump|jumping|throw myself) (?:off|in front of|under)\b|\bhang(?:ing)? myself\b|\b(?:took|take|taken|taking) an overdose\b|\boverdos(?:ed|ing)\b",
    ),
    (
        "self_harm",
        "self-harm",
        r"\b(?:cut|cutting|burn|burning|hurt|hurting|harm|harming|injure|injuring|starve|starving|punish|punishing) my ?self\b|\bself[- ]?(?:harm|injur)(?:ing|ed)\b"
        r"|\b(?:i|i'?ve|i am|i'?m|been|started|still|keep|urges? to) (?:\w+ )?self[- ]?(?:harm|injure)\b",
    ),
    (
        "harm_others",
        "harm to others",
        r"\b(?:i'?ll|i will|i want to|i wanna|i could|i might|going to|gonna|urges? to|thoughts? (?:of|about)) "
        r"(?:\w+ )?(?:kill|killing|hurt|hurting|harm|harming|attack|attacking|stab|stabbing|strangle|strangling) "
        r"(?:him|her|them|someone|somebody|people|my (?:partner|husband|wife|child|children|kids|son|daughter|mum|dad"
        r"|mother|father|neighbour|baby))\b",
    ),
    (
        "abuse",
        "abuse or neglect",
        r"\b(?:he|she|they|my (?:partner|husband|wife|boyfriend|girlfriend|carer|dad|father|mum|mother|stepdad|stepmum)) (?:hits|hit|beats|beat|hurts|chokes|strangles|rapes|raped|abuses|abused|threatens|locks) me\b|\b(?:being|been|was|am) (?:abused|raped|assaulted|beaten|hit) (?:by(?! an? (?:car|bus|van|lorry|bike|ball))|at home)\b|\bafraid (?:to go|of going) home\b|\bscared of (?:my )?(?:partner|husband|wife|boyfriend|girlfriend|carer)\b|\bdomestic (?:abuse|violence)\b(?! (?:service|team|training|support|charity|policy))",
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
def _classifier() -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    data = np.load(CLASSIFIER)
    return tuple(str(c) for c in data["classes"]), data["coef"], data["intercept"]


def _features(texts: list[str]) -> tuple[np.ndarray, Any]:
    """The sentence embedding (with and without negation) beside the words and word pairs themselves: the
    embedding carries meaning across phrasings, the words tell "the self-harm service" from self-harm."""
    from analysis.embeddings import encode_with_negation

    return np.hstack(encode_with_negation(texts)), hashed_words(HASHED_WORDS).transform(texts)


# Classifier windows: about a paragraph each, up to 60,000 characters (the patterns read every character).
WINDOW = 1500
MAX_WINDOWS = 40


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


def _windows(text: str, size: int = WINDOW) -> list[str]:
    """The text cut into windows of `size` characters, over its first WINDOW * MAX_WINDOWS."""
    return [text[i : i + size] for i in range(0, min(len(text), WINDOW * MAX_WINDOWS), size)] or [""]


def _probabilities(texts: list[str]) -> list[tuple[float, str]]:
    classes, coef, intercept = _classifier()
    meaning, words = _features(texts)
    logits = linear(meaning, words, coef) + intercept
    logits -= logits.max(axis=1, keepdims=True)
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    none = classes.index(NONE)
    out = []
    empties = ~meaning.any(axis=1) & (words.getnnz(axis=1) == 0)
    for row, empty in zip(probabilities, empties, strict=True):
        if empty:  # no word piece the model knows: nothing to judge (the patterns still look)
            out.append((0.0, NONE))
            continue
        ranked = sorted(((p, c) for c, p in zip(classes, row, strict=True) if c != NONE), reverse=True)
        out.append((float(1.0 - row[none]), ranked[0][1]))
    return out


# The second look reads windows of a few sentences (its word piece limit), over the same 60,000 characters.
READ_WINDOW = 400
# A text gets a second look when the quick classifier's probability of risk reaches GATE or a pattern
# matches: 3.4% of real NHS comments, and 99% of held-out disclosures (bench/safeguarding.py). Needing
# both layers to see risk also cuts the false alarms of the second look alone.
GATE = 0.02
# The second look flags at READ_THRESHOLD, chosen for recall on the held-out set: at 0.03 it finds 95.8%
# of disclosures with 11.2% false alarms, at 0.02 96.5% and 14.6%, at 0.1 95.1% and 9.0%. (The reader was
# trained with the risk classes weighted below their rarity, so its probabilities run low.) A pattern flags
# on its own: the patterns are narrow, and a wording they name ("no point going on") must never wait on a
# model.
READ_THRESHOLD = 0.03


# Helplines by name and number. People quote them from leaflets and from the help Engage itself shows; they
# are never risk in themselves, and the reader, which has seen few of them, reads "text SHOUT" as anger.
# SHOUT only as the text line: "he'll shout at me" stays as written.
HELPLINES = re.compile(
    r"\b(?:samaritans|childline|papyrus|hopeline ?uk|nhs ?111|111|999|116 ?123|85258|0800 ?11 ?11)\b"
    r"|\b(?:text(?:ed|ing)?|messag(?:e|ed|ing)) shout\b|\bshout (?:text |crisis )?(?:line|service|number)\b"
)


# From this many texts at once (an analysis, an import) the reader uses every core: loading a second copy
# takes a fraction of a second, and reading hundreds of texts in floating point takes seconds.
MANY = 50


@cache
def _reader(threads: int = 1) -> Reader:
    return Reader(READER, threads)


def read_closely(texts: Sequence[str]) -> list[tuple[float, str]]:
    """For each text, the fine-tuned reader's probability of risk and its likeliest category; a long text
    is read in windows and its riskiest window counts."""
    reader = _reader(0 if len(texts) >= MANY else 1)
    risky = [i for i, c in enumerate(reader.classes) if c != NONE]
    out = []
    for text in texts:
        windows = reader.probabilities(_windows(HELPLINES.sub("the helpline", normalise(text)), READ_WINDOW))
        out.append(max((float(row[risky].sum()), reader.classes[risky[int(row[risky].argmax())]]) for row in windows))
    return out


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
    quick = dict(zip(readable, risk([texts[i] for i in readable]), strict=True)) if readable else {}
    matched = {i: patterns(texts[i]) for i in readable}
    second = [i for i in readable if quick[i][0] >= GATE or matched[i]]
    closer = dict(zip(second, read_closely([texts[i] for i in second]), strict=True))
    out = []
    for i in range(len(texts)):
        probability, category = closer.get(i, (0.0, NONE))
        matches = [(f"pattern:{pid}", c) for pid, c in matched.get(i, [])]
        if probability >= READ_THRESHOLD:
            matches.append((f"reader:{probability:.2f}", category))
        categories = tuple(dict.fromkeys(c for _, c in matches))
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


def _training_rows(data_dir: Path, negatives: int) -> list[tuple[str, str]]:
    """(label, normalised text): the development set's four-fifths not held out, each example also as typed
    in a hurry, and ordinary comments from the shared data that no pattern flags (a fixed sample by
    sha256): `negatives` whole comments and as many single sentences of others. Disclosures are mostly a
    sentence long and whole comments mostly longer, so without short ordinary texts a model learns that
    being short is a risk. The hard negatives (idioms, recovery, goodbyes) are typed in a hurry too: with
    only the disclosures repeated, each weighed a quarter as much as its near neighbour, and the models
    flagged "I'm going to strangle the printer"."""
    rows = [(label, text) for label, _, text in dev_set() if not held_out(text)]
    rows += [(label, variant) for label, text in list(rows) for variant in _variants(text)]
    ordinary = sorted(
        (t for t in shared_comments(data_dir) if not patterns(t)),
        key=lambda t: hashlib.sha256(t.encode()).hexdigest(),
    )
    sentences = list(
        dict.fromkeys(
            s for t in ordinary[negatives:] for s in re.split(r"(?<=[.!?])\s+", t.strip()) if 4 <= len(s.split()) <= 25
        )
    )[:negatives]
    rows += [(NONE, text) for text in ordinary[:negatives] + sentences]
    return [(label, normalise(text)) for label, text in rows]


def train(data_dir: Path, path: Path = CLASSIFIER, reader: Path = READER) -> Path:
    """Rebuild both learnt layers: the quick classifier (seconds) and the second look (minutes)."""
    train_classifier(data_dir, path)
    fine_tune(_training_rows(data_dir, negatives=2000), (NONE, *CATEGORIES), reader)
    _reader.cache_clear()
    screen.cache_clear()
    return path


def train_classifier(data_dir: Path, path: Path = CLASSIFIER, negatives: int = 8000) -> Path:
    """Fit the quick classifier and save its weights (no text)."""
    from sklearn.linear_model import LogisticRegression

    rows = _training_rows(data_dir, negatives)
    model = LogisticRegression(C=16.0, class_weight="balanced", max_iter=3000).fit(
        joined(*_features([text for _, text in rows])), [label for label, _ in rows]
    )
    note = {
        "trained_on": f"{DEV_SET.name}: the four-fifths not held out (sha256 of the normalised text, first byte "
        "mod 5 != 0), each example also as typed in a hurry (lower case, text-speak, a dropped letter); "
        f"{negatives} comments from ../shared/data/patient_feedback that no pattern flags (a fixed sample "
        f"by sha256) and {negatives} single sentences of others, as ordinary",
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
        note=np.array(json.dumps(note)),
    )
    _classifier.cache_clear()
    screen.cache_clear()
    return path


if __name__ == "__main__":
    train_command(train, "analysis.safeguarding")
