"""Rebuild the shipped sentiment model from ../shared/data and compare it with the one in the repository.

Reads the full labelled NHS feedback, which is not shipped with Engage, so this is a benchmark-style
check rather than a test: it prints whether the rebuild matches and exits non-zero when it does not.

    .venv/bin/python bench/models.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.sentiment import MODEL, train  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        rebuilt = dict(np.load(train(DATA, Path(folder) / "sentiment.npz")))
    shipped = dict(np.load(MODEL))
    rows = json.loads(str(rebuilt["note"]))["rows"]
    gap = float(np.abs(rebuilt["coef"] - shipped["coef"]).max())
    same = rows == json.loads(str(shipped["note"]))["rows"] and gap <= 1e-3
    print(json.dumps({"sentiment_rows": rows, "largest_weight_gap": gap, "matches": same}))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
