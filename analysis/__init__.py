"""Text analysis for Engage: safeguarding screening, redaction, sentiment and themes.

A plain library: texts in, results out. It never imports Flask, SQLAlchemy or the web app,
and heavy dependencies are imported inside the functions that need them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def train_command(train: Callable[[Path], Path], module: str) -> None:
    """`python -m <module> train [SHARED_DATA_DIR]`: rebuild a shipped model from the shared NHS data."""
    if sys.argv[1:2] == ["train"]:
        shared = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parents[2] / "shared" / "data"
        print(f"Trained {train(shared)}")
    else:
        print(f"Usage: python -m {module} train [SHARED_DATA_DIR]")
