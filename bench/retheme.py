"""Re-theming with stored embeddings: the time find_themes takes once embeddings exist.

    .venv/bin/python bench/retheme.py --n 10000

Embeddings are computed first (as the web app stores them, one per distinct text), then the themes
are found twice with other settings, timing only that step. The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bertopic  # noqa: E402,F401  (imported before timing)
from themes import sample  # noqa: E402

from analysis.embeddings import encode  # noqa: E402
from analysis.themes import find_themes  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    texts = [row["feedback"] for row in sample(args.n)]
    while len(texts) < args.n:  # more texts than the data holds: repeat it (for scale only)
        texts += texts[: args.n - len(texts)]
    started = time.perf_counter()
    vectors = encode(texts)
    embed_s = time.perf_counter() - started
    timings = []
    for n_themes in (None, 20):
        started = time.perf_counter()
        result = find_themes(texts, seed=0, n_themes=n_themes, embeddings=vectors)
        timings.append(round(time.perf_counter() - started, 2))
    print(
        json.dumps(
            {
                "texts": len(texts),
                "embed_s": round(embed_s, 2),
                "retheme_s": timings,
                "themes": len(result.themes),
                "unassigned": result.assignments.count(-1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
