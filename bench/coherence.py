"""Keyword quality of Engage's themes by the BERTopic paper's protocol, as OCTIS computes it.

Coherence is NPMI (gensim's `c_npmi`, which OCTIS's Coherence metric calls: a sliding window of 10 words) of
each theme's top 10 words against the corpus the themes were fitted on; diversity is the share of unique
words among all themes' top 10 (OCTIS's TopicDiversity). Both are averaged over K = 10, 20, 30, 40 and 50
themes with 3 seeds each, as in the paper (Grootendorst 2022, section 5).

The corpus is the 15,421 shared NHS comments (phase 1 and NEAS), prepared as OCTIS prepares its datasets:
lower case, punctuation and numbers removed, English stop words removed, words of fewer than 3 letters and
words in fewer than 5 comments dropped, and comments left with fewer than 3 words dropped. Themes are fitted
on the prepared text (as the paper's models are, since OCTIS datasets hold only the prepared text), and each
theme's top 10 words are its keywords as Engage picks them (analysis.themes.CoherentKeywords), single words
only.

    .venv/bin/python bench/coherence.py [SHARED_DATA_DIR] [--quick]
"""

from __future__ import annotations

import csv
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.themes import find_themes  # noqa: E402

KS = (10, 20, 30, 40, 50)
SEEDS = (0, 1, 2)
TOP = 10


def corpus(data_dir: Path) -> list[list[str]]:
    """The shared comments, tokenised and filtered as described above."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    folder = data_dir / "patient_feedback"
    with (folder / "phase1_text_data.csv").open(encoding="utf-8", newline="") as handle:
        texts = [row["feedback"] for row in csv.DictReader(handle)]
    with (folder / "v6framework_neas.csv").open(encoding="utf-8-sig", newline="") as handle:
        texts += [row["FFT answer"] for row in csv.DictReader(handle)]
    tokens = [[w for w in re.findall(r"[a-z]{3,}", t.lower()) if w not in ENGLISH_STOP_WORDS] for t in texts if t]
    counts: dict[str, int] = {}
    for doc in tokens:
        for word in set(doc):
            counts[word] = counts.get(word, 0) + 1
    kept = [[w for w in doc if counts[w] >= 5] for doc in tokens]
    return [doc for doc in kept if len(doc) >= 3]


def main(data_dir: Path, quick: bool = False) -> dict:
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    tokens = corpus(data_dir)
    docs = [" ".join(doc) for doc in tokens]
    dictionary = Dictionary(tokens)
    rows = []
    for k in KS[:2] if quick else KS:
        for seed in SEEDS[:1] if quick else SEEDS:
            started = time.perf_counter()
            result = find_themes(docs, seed=seed, n_themes=k, keywords=TOP, phrases=False)
            fit_s = time.perf_counter() - started
            topics = [theme.keywords for theme in result.themes]
            npmi = CoherenceModel(
                topics=topics, texts=tokens, dictionary=dictionary, coherence="c_npmi", topn=TOP
            ).get_coherence()
            diversity = len({w for topic in topics for w in topic}) / (TOP * len(topics))
            rows.append({"k": k, "seed": seed, "npmi": round(npmi, 4), "diversity": round(diversity, 4)})
            print(json.dumps({**rows[-1], "themes": len(topics), "fit_s": round(fit_s, 1)}), flush=True)
    return {
        "documents": len(docs),
        "vocabulary": len(dictionary),
        "npmi": round(float(np.mean([r["npmi"] for r in rows])), 3),
        "diversity": round(float(np.mean([r["diversity"] for r in rows])), 3),
    }


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    shared = Path(arguments[0]) if arguments else ROOT.parent / "shared" / "data"
    print(json.dumps(main(shared, quick="--quick" in sys.argv)))
