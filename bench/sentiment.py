"""Sentiment against human labels on the held-out split, for TextBlob alone and for Engage.

    .venv/bin/python bench/sentiment.py

The held-out split is a fifth of the distinct labelled comments in ../shared/data, chosen by
analysis.sentiment.held_out (first byte of the sha256 of the lower-cased text, mod 5 == 0);
training never saw it. Human scores: phase 1 criticality / 5 and NEAS (3 - Comment sentiment) / 2.
Speed is Engage's polarity() on the held-out texts once the embedding table is loaded.
The last line printed is JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scipy.stats import spearmanr  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402
from textblob import TextBlob  # noqa: E402

from analysis.sentiment import assess_all, held_out, labelled_rows, polarity  # noqa: E402

SPLIT = "held_out(text): sha256(text.strip().lower())[0] % 5 == 0, over distinct labelled texts"


def main() -> None:
    rows = [row for row in labelled_rows(ROOT.parent / "shared" / "data") if held_out(row[0])]
    texts, human = [r[0] for r in rows], [r[1] for r in rows]
    polarity(texts[:10])  # load the embedding table and weights before timing
    started = time.perf_counter()
    engage = polarity(texts)
    speed = len(texts) / (time.perf_counter() - started)
    textblob = [TextBlob(t).sentiment.polarity for t in texts]
    # Three classes, as pxtextmining reports them: the human score's sign, and Engage's label (mixed and
    # neutral together; distress among the negative).
    truth = ["positive" if h > 0 else "negative" if h < 0 else "neutral" for h in human]
    three = {"positive": "positive", "negative": "negative", "distress": "negative"}
    labels = [three.get(a.label, "neutral") for a in assess_all(texts)]

    def rho(scores: list[float], source: str | None = None) -> float:
        pick = [i for i, r in enumerate(rows) if source is None or r[2] == source]
        return round(float(spearmanr([scores[i] for i in pick], [human[i] for i in pick]).statistic), 4)

    print(
        json.dumps(
            {
                "split": SPLIT,
                "held_out_texts": len(rows),
                "spearman": {
                    "textblob": {"all": rho(textblob), "phase1": rho(textblob, "phase1"), "v6": rho(textblob, "v6")},
                    "engage": {"all": rho(engage), "phase1": rho(engage, "phase1"), "v6": rho(engage, "v6")},
                },
                "three_classes": {
                    "accuracy": round(accuracy_score(truth, labels), 4),
                    "macro_f1": round(f1_score(truth, labels, average="macro"), 4),
                    "f1": {
                        c: round(float(f), 4)
                        for c, f in zip(
                            ("negative", "neutral", "positive"),
                            f1_score(truth, labels, labels=["negative", "neutral", "positive"], average=None),
                            strict=True,
                        )
                    },
                    "human_classes": {c: truth.count(c) for c in ("negative", "neutral", "positive")},
                },
                "engage_texts_per_s": round(speed),
            }
        )
    )


if __name__ == "__main__":
    main()
