"""Coding and themes against the NHS patient experience framework, on comments no model was fitted to.

The North East Ambulance Service comments in ../shared/data are coded by people with the framework's
categories, several per comment. The held-out fifth (analysis.coding.held_out: sha256 of the lower-cased
words, first byte mod 5 == 0) is never trained on. This prints, for that fifth:

- framework coding (analysis.coding.code_framework): precision, recall and F1 per category, macro F1 and
  sample F1 (the F1 of each comment's set of codes, averaged over comments);
- themes (analysis.themes): sample F1 when each theme stands for the categories most of its training
  comments carry, first with each comment's own theme only, then with its secondary themes too;
- codes from descriptions alone (analysis.coding.code_by_description, each category's name as its
  description), then after a lead's corrections: 10 comments added to each code and 10 taken off it,
  drawn from the training comments;
- corrections of the framework codes of half the held-out comments, and the sample F1 of the other half.

    .venv/bin/python bench/framework.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.coding import (  # noqa: E402
    Code,
    Correction,
    code_by_description,
    code_framework,
    framework,
    held_out,
    labelled,
)
from analysis.embeddings import encode  # noqa: E402
from analysis.themes import find_themes  # noqa: E402


def predicted(codings: list, keys: list[str]) -> np.ndarray:
    index = {key: k for k, key in enumerate(keys)}
    out = np.zeros((len(codings), len(keys)), dtype=np.int8)
    for i, coding in enumerate(codings):
        for key, _ in coding.codes:
            out[i, index[key]] = 1
    return out


def main(data_dir: Path) -> dict:
    texts, names, labels = labelled(data_dir)
    test = np.array([held_out(t) for t in texts])
    keys = [code.key for code in framework()]
    y = labels[:, [names.index(key) for key in keys]]
    vectors = encode(texts)
    figures: dict = {"comments": len(texts), "held_out": int(test.sum()), "categories": len(keys)}

    started = time.perf_counter()
    coded = predicted(code_framework([texts[i] for i in np.flatnonzero(test)], vectors[test]), keys)
    figures["coding_s"] = round(time.perf_counter() - started, 2)
    p, r, f, n = precision_recall_fscore_support(y[test], coded, zero_division=0)
    print(f"{'category':60} {'n':>4} {'P':>5} {'R':>5} {'F1':>5}")
    for k, key in enumerate(keys):
        print(f"{key:60} {n[k]:4d} {p[k]:5.2f} {r[k]:5.2f} {f[k]:5.2f}")
    figures["framework_macro_f1"] = round(float(f.mean()), 3)
    figures["framework_sample_f1"] = round(float(f1_score(y[test], coded, average="samples", zero_division=1)), 3)
    figures["per_category"] = {key: [round(float(p[k]), 2), round(float(r[k]), 2)] for k, key in enumerate(keys)}

    # Themes: fitted on every comment (themes use no labels); each theme stands for the categories that at
    # least 30% of its training comments carry (always its most common one).
    all_labels = labels
    result = find_themes(texts, embeddings=vectors)
    assignments = np.array(result.assignments)
    stands_for = np.zeros((len(result.themes), all_labels.shape[1]), dtype=np.int8)
    for t in range(len(result.themes)):
        members = (assignments == t) & ~test
        if members.any():
            share = all_labels[members].mean(axis=0)
            stands_for[t] = share >= 0.3
            stands_for[t, share.argmax()] = 1
    secondary = result.secondary(texts, vectors)
    for name, with_secondary in (("themes_sample_f1", False), ("themes_with_secondary_sample_f1", True)):
        guess = np.zeros_like(all_labels)
        for i in np.flatnonzero(test):
            for t in ([assignments[i]] if assignments[i] >= 0 else []) + (secondary[i] if with_secondary else []):
                guess[i] |= stands_for[t]
        figures[name] = round(float(f1_score(all_labels[test], guess[test], average="samples", zero_division=1)), 3)
    figures["comments_with_secondary_themes"] = round(sum(1 for s in secondary if s) / len(texts), 3)

    codebook = [Code(key, key.replace("&", "and")) for key in keys]
    test_texts = [texts[i] for i in np.flatnonzero(test)]
    zero = predicted(code_by_description(codebook, test_texts, vectors[test]), keys)
    figures["descriptions_macro_f1"] = round(float(f1_score(y[test], zero, average="macro", zero_division=0)), 3)
    rng = np.random.default_rng(0)
    train_rows = np.flatnonzero(~test)
    first = code_by_description(codebook, [texts[i] for i in train_rows], vectors[train_rows])
    corrections = []
    for k, key in enumerate(keys):
        wrongly = [i for i, c in zip(train_rows, first, strict=True) if not y[i, k] and key in dict(c.codes)]
        rightly = [i for i in train_rows if y[i, k]]
        corrections += [Correction(texts[i], key, True) for i in rng.permutation(rightly)[:10]]
        corrections += [Correction(texts[i], key, False) for i in rng.permutation(wrongly)[:10]]
    taught = predicted(code_by_description(codebook, test_texts, vectors[test], corrections), keys)
    figures["descriptions_corrected_macro_f1"] = round(
        float(f1_score(y[test], taught, average="macro", zero_division=0)), 3
    )

    # A lead corrects every framework code of half the held-out comments; the other half is scored.
    rows = np.flatnonzero(test)
    halves = rng.permutation(len(rows)) % 2 == 0
    seen, unseen = rows[halves], rows[~halves]
    told = [Correction(texts[i], key, bool(y[i, k])) for i in seen for k, key in enumerate(keys)]
    before = predicted(code_framework([texts[i] for i in unseen], vectors[unseen]), keys)
    after = predicted(code_framework([texts[i] for i in unseen], vectors[unseen], told), keys)
    for name, guess in (("framework_other_half_before", before), ("framework_other_half_after", after)):
        figures[name] = round(float(f1_score(y[unseen], guess, average="samples", zero_division=1)), 3)
    return figures


if __name__ == "__main__":
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    print(json.dumps(main(shared)))
