"""Code comments against a codebook: each comment gets every code it is about (several, or none).

Two kinds of codebook:

- the NHS patient experience framework (The Strategy Unit's qualitative framework v6, the one its
  pxtextmining uses), learnt from the human-coded North East Ambulance Service comments in ../shared/data:
  one logistic regression per category on the static MiniLM embedding and the words and word pairs (hashed,
  so no vocabulary is shipped), each with the threshold that gave the best F1 on a validation quarter of the
  training comments. Categories with fewer than MIN_EXAMPLES coded training comments are left out: there is
  too little to learn them from. Weights in analysis/models/framework.npz; `python -m analysis.coding train`
  rebuilds them;
- a lead's own codes from their names and descriptions (the programme's core offer components): a comment,
  or one of its sentences, close enough to a code's description in embedding space gets the code.

Corrections a lead makes ("this comment is about X", "it is not") are used three ways: the corrected
comment keeps the lead's word, and so does any comment with the same words; and for description codes,
each code's description vector moves towards the comments a lead added it to and away from those a lead
took it off (Rocchio's relevance feedback), and once a code has three corrections each way its threshold
is the one that best separates them.
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
from analysis.themes import clauses

MODEL = Path(__file__).resolve().parent / "models" / "framework.npz"
HASHED_WORDS = 2**14
MIN_EXAMPLES = 20
# Framework columns that are not a topic a lead could act on.
NOT_CODES = {"Not assigned", "Labelling not possible"}
# Description codes: a comment or sentence at least this similar (cosine, centred as code_by_description says)
# gets the code. Chosen on the NEAS comments with the framework's category names as descriptions (bench/framework.py);
# on the demo's 300 comments and nine core offer components it gives about 0.8 codes a comment.
SIMILAR = 0.25
ROCCHIO_TOWARDS, ROCCHIO_AWAY = 1.0, 0.5
CALIBRATE = 3
# A code a comment did not get is offered to the lead ("may be about this too") if it scored at least this
# share of the code's threshold.
NEARLY = 0.5


@dataclass(frozen=True)
class Code:
    key: str  # stable: the framework category's name, or the lead's own key for one of their codes
    name: str
    description: str = ""


@dataclass(frozen=True)
class Correction:
    text: str
    key: str
    applies: bool


@dataclass(frozen=True)
class Coding:
    """A comment's codes, most likely first, and the likeliest code it did not get if it came near (NEARLY):
    a lead may want to add it."""

    codes: tuple[tuple[str, float], ...]
    nearest_miss: tuple[str, float] | None


WORD = re.compile(r"\w")


def same_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _features(texts: list[str], embeddings: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
    from analysis.embeddings import encode

    return encode(texts) if embeddings is None else embeddings, hashed_words(HASHED_WORDS).transform(texts)


@cache
def _framework_file() -> dict[str, np.ndarray]:
    """The model file's arrays, read into memory once: an open archive would be shared by forked jobs."""
    with np.load(MODEL) as data:
        return {name: data[name] for name in data.files}


@cache
def _framework() -> tuple[tuple[Code, ...], np.ndarray, np.ndarray, np.ndarray]:
    data = _framework_file()
    # The framework's own file spells one category "Referals": its key stays as written, its name is corrected.
    codes = tuple(Code(str(name), str(name).replace("Referals", "Referrals")) for name in data["names"])
    return codes, data["coef"].astype(np.float32), data["intercept"], data["thresholds"]


def framework() -> tuple[Code, ...]:
    """The framework categories Engage can code, in the framework's order."""
    return _framework()[0]


def code_framework(
    texts: Sequence[str], embeddings: np.ndarray | None = None, corrections: Sequence[Correction] = ()
) -> list[Coding]:
    """Each text's framework codes. `embeddings`, if given, are analysis.embeddings.encode(texts)."""
    codes, coef, intercept, thresholds = _framework()
    texts = [t or "" for t in texts]
    chance = 1.0 / (1.0 + np.exp(-(linear(*_features(texts, embeddings), coef) + intercept)))
    return _decide(texts, chance, thresholds, [code.key for code in codes], corrections)


def code_by_description(
    codebook: Sequence[Code],
    texts: Sequence[str],
    embeddings: np.ndarray | None = None,
    corrections: Sequence[Correction] = (),
) -> list[Coding]:
    """Each text's codes from a lead's codebook, read from the codes' names and descriptions."""
    from analysis.embeddings import encode

    texts = [t or "" for t in texts]
    if not codebook:
        return [Coding((), None) for _ in texts]
    keys = [code.key for code in codebook]
    vectors = encode(texts) if embeddings is None else embeddings
    # Every comment and every description of a mental health service lie close together in embedding space,
    # the more so the longer the description. Measured from the centre of NHS feedback, and each code from
    # what its codebook's descriptions share ("mental health", "support"), a threshold means the same for a
    # one-line code and a paragraph.
    centre = _framework_file()["centre"].astype(np.float32)

    def centred(vectors: np.ndarray) -> np.ndarray:
        moved = vectors - centre
        return moved / np.maximum(np.linalg.norm(moved, axis=-1, keepdims=True), 1e-9)

    def embedded(texts: list[str]) -> np.ndarray:
        return centred(encode(texts))

    prototypes = embedded([f"{code.name}. {code.description}" for code in codebook])
    if len(codebook) >= 3:
        prototypes = prototypes - prototypes.mean(axis=0)
        prototypes /= np.maximum(np.linalg.norm(prototypes, axis=1, keepdims=True), 1e-9)
    for k, key in enumerate(keys):
        prototypes[k] = _moved(prototypes[k], [c for c in corrections if c.key == key], embedded)

    def similarity(texts: list[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Of each text to each code: the text's own, or its closest sentence or clause's."""
        scores = (embedded(texts) if embeddings is None else centred(embeddings)) @ prototypes.T
        parts, owners = clauses(texts)
        if parts:
            np.maximum.at(scores, np.array(owners), embedded(parts) @ prototypes.T)
        return scores

    thresholds = _calibrated(keys, np.full(len(keys), SIMILAR), corrections, similarity)
    return _decide(texts, similarity(texts, vectors), thresholds, keys, corrections)


def _moved(prototype: np.ndarray, told: list[Correction], embedded: Any) -> np.ndarray:
    """A code's description vector moved towards the comments a lead added it to, away from those taken off."""
    added = [c.text for c in told if c.applies]
    removed = [c.text for c in told if not c.applies]
    if added:
        prototype = prototype + ROCCHIO_TOWARDS * embedded(added).mean(axis=0)
    if removed:
        prototype = prototype - ROCCHIO_AWAY * embedded(removed).mean(axis=0)
    return prototype / (np.linalg.norm(prototype) or 1.0)


def _calibrated(keys: list[str], thresholds: np.ndarray, corrections: Sequence[Correction], score: Any) -> np.ndarray:
    """Each code's threshold, moved to the one that best separates the lead's corrections once a code has
    CALIBRATE of them each way: SIMILAR is a guess for codes Engage has never seen coded. (The framework's
    thresholds were chosen on a thousand coded comments; a few corrections moved them for the worse.)"""
    if not corrections:
        return thresholds
    scores = score([c.text for c in corrections])
    thresholds = thresholds.copy()
    for k, key in enumerate(keys):
        yes = np.array([scores[n, k] for n, c in enumerate(corrections) if c.key == key and c.applies])
        no = np.array([scores[n, k] for n, c in enumerate(corrections) if c.key == key and not c.applies])
        if len(yes) >= CALIBRATE and len(no) >= CALIBRATE:
            right = thresholds[k]
            candidates = np.unique(np.concatenate([yes, no]))
            thresholds[k] = max(candidates, key=lambda t: (int((yes >= t).sum() + (no < t).sum()), -abs(t - right)))
    return thresholds


def _decide(
    texts: list[str], scores: np.ndarray, thresholds: np.ndarray, keys: list[str], corrections: Sequence[Correction]
) -> list[Coding]:
    """Codes at or above their thresholds, then the lead's corrections of the same words on top."""
    index = {key: k for k, key in enumerate(keys)}
    told: dict[str, list[tuple[int, bool]]] = {}
    for correction in corrections:
        if correction.key in index:
            told.setdefault(same_words(correction.text), []).append((index[correction.key], correction.applies))
    decided = scores >= thresholds
    readable = np.array([bool(WORD.search(text)) for text in texts], dtype=bool)
    decided[~readable] = False
    if told:
        for i, text in enumerate(texts):
            for k, applies in told.get(same_words(text), ()):
                decided[i, k] = applies and readable[i]
    order = np.argsort(-scores, axis=1, kind="stable")
    out = []
    for i in range(len(texts)):
        codes = tuple((keys[k], round(float(scores[i, k]), 3)) for k in order[i] if decided[i, k])
        miss = next(((keys[k], round(float(scores[i, k]), 3)) for k in order[i] if not decided[i, k]), None)
        near = miss is not None and readable[i] and miss[1] >= NEARLY * thresholds[index[miss[0]]]
        out.append(Coding(codes, miss if near else None))
    return out


def held_out(text: str) -> bool:
    """The held-out split: a fifth of distinct texts, chosen by a hash of the normalised text."""
    return hashlib.sha256(same_words(text).encode()).digest()[0] % 5 == 0


def labelled(data_dir: Path) -> tuple[list[str], list[str], np.ndarray]:
    """The NEAS comments, the framework's category names, and which comment has which (0/1 per category)."""
    with (data_dir / "patient_feedback" / "v6framework_neas.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["FFT answer"].strip()]
    columns = list(rows[0])
    names = [c for c in columns[columns.index("Not assigned") :] if c not in NOT_CODES]
    labels = np.array([[row[n].strip() not in ("", "0") for n in names] for row in rows], dtype=np.int8)
    return [row["FFT answer"] for row in rows], names, labels


def feedback_centre(data_dir: Path) -> np.ndarray:
    """The mean embedding of the phase 1 comments: three trusts' feedback, none of it the NEAS comments."""
    from analysis.embeddings import encode

    with (data_dir / "patient_feedback" / "phase1_text_data.csv").open(encoding="utf-8", newline="") as handle:
        texts = [row["feedback"] for row in csv.DictReader(handle) if row["feedback"].strip()]
    return encode(texts).mean(axis=0)


def train(data_dir: Path, path: Path = MODEL, c: float = 4.0) -> Path:
    """Fit one logistic regression per category on the training split; save weights and thresholds (no text)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    texts, names, labels = labelled(data_dir)
    train_rows = [i for i, t in enumerate(texts) if not held_out(t)]
    validation = np.array([hashlib.sha256(same_words(texts[i]).encode()).digest()[1] % 4 == 0 for i in train_rows])
    x, y = joined(*_features([texts[i] for i in train_rows])), labels[train_rows]
    kept, coef, intercept, thresholds = [], [], [], []
    for k, name in enumerate(names):
        if y[:, k].sum() < MIN_EXAMPLES:
            continue

        def fitted(rows: np.ndarray, k: int = k) -> Any:
            return LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(x[rows], y[rows, k])

        chance = fitted(~validation).predict_proba(x[validation])[:, 1]
        grid = np.round(np.arange(0.1, 0.95, 0.05), 2)
        best = max(grid, key=lambda t: (f1_score(y[validation, k], chance >= t, zero_division=0), -abs(t - 0.5)))
        model = fitted(np.ones(len(train_rows), dtype=bool))
        kept.append(name)
        coef.append(model.coef_[0])
        intercept.append(model.intercept_[0])
        thresholds.append(best)
    note = {
        "trained_on": "../shared/data/patient_feedback/v6framework_neas.csv (North East Ambulance Service, "
        "MIT licence, NHS England), comments not held out (sha256 of the lower-cased words, first byte mod 5 "
        "!= 0); thresholds chosen on a validation quarter of those (second byte mod 4 == 0), then refitted on all",
        "rows": len(train_rows),
        "features": f"static MiniLM embedding (384) and words and word pairs hashed into {HASHED_WORDS} binary "
        "columns (l2-normalised)",
        "centre": "the mean embedding of the phase 1 comments (phase1_text_data.csv), for description codes",
        "model": f"logistic regression per category, C={c}, balanced class weights; categories with at least "
        f"{MIN_EXAMPLES} coded training comments",
    }
    with path.open("wb") as handle:
        np.savez_compressed(
            handle,
            names=np.array(kept),
            coef=np.array(coef, dtype=np.float16),
            intercept=np.array(intercept, dtype=np.float32),
            thresholds=np.array(thresholds, dtype=np.float32),
            centre=feedback_centre(data_dir).astype(np.float16),
            note=np.array(json.dumps(note)),
        )
    _framework_file.cache_clear()
    _framework.cache_clear()
    return path


if __name__ == "__main__":
    train_command(train, "analysis.coding")
