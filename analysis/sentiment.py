"""Sentiment of NHS feedback, from -1 (negative) to 1 (positive), that agrees with how people read it.

TextBlob alone barely tracks human judgement on NHS feedback (Spearman about 0.1 to 0.3), so Engage
scores with a ridge regression trained offline on the human-labelled comments in ../shared/data,
whose features are the static MiniLM embedding (analysis.embeddings, with and without negation),
TextBlob's polarity and subjectivity, and the words and word pairs themselves (hashed, so no vocabulary
is shipped). The weights ship in analysis/models/sentiment.npz with a note of the rows they came from;
`python -m analysis.sentiment train` rebuilds them.

`assess(text)` also gives a label from clause-level scores, so "the staff were lovely but I waited
four months" is "mixed" rather than averaging out to neutral.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from analysis import hashed_words, joined, linear, train_command
from analysis.safeguarding import screen_all

MODEL = Path(__file__).resolve().parent / "models" / "sentiment.npz"
# Chosen by five-fold cross-validation on the training split, among settings that also read the plain
# hand-written cases in tests/test_analysis.py right (bench/README.md): the words and word pairs present,
# each worth 0.2 beside the embeddings, lift Spearman on the held-out fifth from 0.66 to 0.70.
ALPHA = 2.0
HASHED_WORDS = 2**17
WORD_WEIGHT = 0.2
MAX_CHARS = 5000
# Clause scores beyond these count as clearly positive or negative. Asymmetric because the model,
# trained on mostly positive feedback, scores a plain complaint only a little below zero.
POSITIVE, NEGATIVE = 0.15, -0.1
LETTERS = re.compile(r"[^\W\d_]{2,}")
# Sentences, and the clauses inside them that turn ("but", "however"...), without any NLTK corpus.
CLAUSES = re.compile(
    r"(?<=[.!?])\s+|\n+|;\s*|,?\s+\b(?:but|however|although|though|whereas|except|yet)\b\s+", re.IGNORECASE
)


@dataclass(frozen=True)
class Assessment:
    score: float  # -1 to 1
    label: str  # one of LABELS
    clauses: tuple[float, ...]
    reason: str = ""  # why a text got a neutral result without being scored


def _features(texts: list[str]) -> tuple[np.ndarray, Any]:
    """The embeddings (with and without negation) and TextBlob's two numbers, beside the hashed words."""
    from textblob.en import sentiment as textblob_sentiment

    from analysis.embeddings import encode_with_negation

    # TextBlob's own pattern analyser, called directly: TextBlob(t).sentiment gives the same two numbers
    # but builds a new named tuple class for every text, which doubles the time over thousands of them.
    textblob = np.array([textblob_sentiment(t) for t in texts], dtype=np.float32).reshape(-1, 2)
    meaning = np.hstack([*encode_with_negation(texts), textblob])
    return meaning, WORD_WEIGHT * hashed_words(HASHED_WORDS, norm=None).transform(texts)


@cache
def _model() -> tuple[np.ndarray, float]:
    data = np.load(MODEL)
    return data["coef"], float(data["intercept"])


def _clean(text: str | None) -> str:
    return (text or "").strip()[:MAX_CHARS]


def polarity(texts: Sequence[str]) -> list[float]:
    """A score in [-1, 1] per text; 0.0 for a text with no words."""
    cleaned = [_clean(t) for t in texts]
    scored = [i for i, t in enumerate(cleaned) if LETTERS.search(t)]
    out = [0.0] * len(cleaned)
    if scored:
        coef, intercept = _model()
        predictions = linear(*_features([cleaned[i] for i in scored]), coef) + intercept
        for i, value in zip(scored, np.clip(predictions, -1.0, 1.0), strict=True):
            out[i] = round(float(value), 4)
    return out


def _english(text: str) -> bool:
    """Whether a text reads as English: longer texts must contain some common English words."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = [w.lower() for w in LETTERS.findall(text)]
    return len(words) < 4 or any(w in ENGLISH_STOP_WORDS for w in words)


# Every label assess() gives, from the most negative. "distress": the safeguarding screen flags the text, so
# it is never read as positive, whatever its words of thanks ("I tried to end my life and the team were kind").
LABELS = ("distress", "negative", "mixed", "neutral", "positive")
# The highest score a distress text can have: it counts among the negative.
DISTRESS_SCORE = -0.5


def assess(text: str) -> Assessment:
    """Score, label and clause scores for one text; never raises."""
    return assess_all([text])[0]


def assess_all(texts: Sequence[str]) -> list[Assessment]:
    """`assess` for many texts at once: their clauses are scored and their words screened in batches."""
    cleaned = [_clean(text) for text in texts]
    out: dict[int, Assessment] = {}
    clauses: dict[int, list[str]] = {}
    for i, text in enumerate(cleaned):
        if not LETTERS.search(text):
            out[i] = Assessment(0.0, "neutral", (), "No words to score")
        elif not _english(text):
            out[i] = Assessment(0.0, "neutral", (), "Not recognised as English")
        else:
            clauses[i] = [text, *(c for c in CLAUSES.split(text) if c and LETTERS.search(c))]
    # Each distinct text is scored once: most comments are a single clause, the same as the whole.
    distinct = list(dict.fromkeys(part for parts in clauses.values() for part in parts))
    scores = dict(zip(distinct, polarity(distinct), strict=True))
    screened = dict(zip(clauses, screen_all([cleaned[i] for i in clauses]), strict=True))
    for i, parts in clauses.items():
        overall, *rest = (scores[part] for part in parts)
        out[i] = _labelled(overall, tuple(rest), flagged=screened[i].flagged)
    return [out[i] for i in range(len(cleaned))]


def _labelled(overall: float, parts: tuple[float, ...], *, flagged: bool) -> Assessment:
    if flagged:
        return Assessment(min(overall, DISTRESS_SCORE), "distress", parts, "May disclose risk of harm")
    if any(s >= POSITIVE for s in parts) and any(s <= NEGATIVE for s in parts):
        label = "mixed"
    elif overall >= POSITIVE:
        label = "positive"
    elif overall <= NEGATIVE:
        label = "negative"
    else:
        label = "neutral"
    return Assessment(overall, label, parts)


# What a comment does, for a lead reading a theme: thanks or praise, a complaint, or a change put forward.
KINDS = ("praise", "complaint", "suggestion", "mixed", "other")
# Words that put forward a change ("you should", "it would help", "please could", "needs more"), written for
# Engage from how NHS feedback forms ask "what could we do better?"; "nothing could be improved" is not one.
SUGGESTION = re.compile(
    r"\b(?:should(?:n['’]?t| not)?|ought to|could (?:you|they|we|staff|someone|there|be|have|do|offer|provide)|"
    r"would (?:be (?:better|good|great|nice|helpful|useful)|help|like|love|prefer|make)|it['’]?d be|"
    r"needs? (?:more|to|a|an|better|somewhere|someone)|please|suggest\w*|i wish|if only|instead of|why not|"
    r"improve\w*|more (?:staff|appointments?|time|information|support|help|contact|options|choice|"
    r"communication|evening|weekend|groups?|sessions?|frequent|regular|flexib\w+)|"
    r"better (?:communication|access|information|support|signage|parking|coordination))\b",
    re.IGNORECASE,
)
NOTHING_TO_CHANGE = re.compile(
    r"\b(?:nothing|no(?:thing)? (?:need|way)|can['’]?t think|cannot think|not sure (?:anything|it)|none)\b[^.!?]{0,40}"
    r"\b(?:improve\w*|better|change\w*)|^\s*(?:nothing|none|no|n/?a)\b",
    re.IGNORECASE,
)


def kind(text: str, assessment: Assessment) -> str:
    """Praise, complaint, suggestion, mixed or other (one of KINDS), from the words and their sentiment."""
    if SUGGESTION.search(text or "") and not NOTHING_TO_CHANGE.search(text or ""):
        return "suggestion"
    if assessment.label == "positive":
        return "praise"
    if assessment.label in ("negative", "distress"):
        return "complaint"
    return "mixed" if assessment.label == "mixed" else "other"


# Training ---------------------------------------------------------------------------------------


def held_out(text: str) -> bool:
    """The held-out split: a fifth of distinct texts, chosen by a hash of the normalised text."""
    return hashlib.sha256(text.strip().lower().encode()).digest()[0] % 5 == 0


def labelled_rows(data_dir: Path) -> list[tuple[str, float, str]]:
    """(text, human score in [-1, 1], source) for every labelled comment, one per distinct text."""
    folder = data_dir / "patient_feedback"
    rows: dict[str, tuple[str, float, str]] = {}
    with (folder / "phase1_text_data.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            score = row["criticality"]
            if row["feedback"].strip() and score.lstrip("-").isdigit() and abs(int(score)) <= 5:
                rows.setdefault(row["feedback"].strip().lower(), (row["feedback"], int(score) / 5, "phase1"))
    with (folder / "v6framework_neas.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            score = row["Comment sentiment"].strip()
            if row["FFT answer"].strip() and score in {"1", "2", "3", "4", "5"}:
                # 1 is very positive and 5 very negative; 3 is mixed.
                rows.setdefault(row["FFT answer"].strip().lower(), (row["FFT answer"], (3 - int(score)) / 2, "v6"))
    return list(rows.values())


def train(data_dir: Path, path: Path = MODEL) -> Path:
    """Fit the ridge regression on the training split and save its weights (no text is saved)."""
    from sklearn.linear_model import Ridge

    rows = [row for row in labelled_rows(data_dir) if not held_out(row[0])]
    target = np.array([score for _, score, _ in rows], dtype=np.float64)
    model = Ridge(alpha=ALPHA, solver="sparse_cg", tol=1e-6).fit(
        joined(*_features([text for text, _, _ in rows])), target
    )
    note = {
        "trained_on": "../shared/data/patient_feedback: phase1_text_data.csv (criticality / 5) and "
        "v6framework_neas.csv ((3 - Comment sentiment) / 2), distinct texts, excluding the held-out fifth "
        "(sha256 of the lower-cased text, first byte mod 5 == 0)",
        "rows": len(rows),
        "phase1_rows": sum(1 for r in rows if r[2] == "phase1"),
        "v6_rows": sum(1 for r in rows if r[2] == "v6"),
        "features": "static MiniLM embedding (384), the same with negated word pieces reversed (384), "
        f"TextBlob polarity and subjectivity, words and word pairs present (hashed into {HASHED_WORDS} "
        f"columns, each {WORD_WEIGHT})",
        "alpha": ALPHA,
        "licence": "data: MIT, NHS England (The-Strategy-Unit/pxtextmining)",
    }
    with path.open("wb") as handle:  # np.savez_compressed would add ".npz" to a path given as text
        np.savez_compressed(
            handle, coef=model.coef_.astype(np.float32), intercept=np.float64(model.intercept_), note=json.dumps(note)
        )
    _model.cache_clear()
    return path


if __name__ == "__main__":
    train_command(train, "analysis.sentiment")
