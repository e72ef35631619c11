"""Text analysis for Engage: safeguarding screening, redaction, sentiment and themes.

A plain library: texts in, results out. It never imports Flask, SQLAlchemy or the web app,
and heavy dependencies are imported inside the functions that need them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np


def train_command(train: Callable[[Path], Path], module: str) -> None:
    """`python -m <module> train [SHARED_DATA_DIR]`: rebuild a shipped model from the shared NHS data."""
    if sys.argv[1:2] == ["train"]:
        shared = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parents[2] / "shared" / "data"
        print(f"Trained {train(shared)}")
    else:
        print(f"Usage: python -m {module} train [SHARED_DATA_DIR]")


def linear(dense: np.ndarray, words: Any, coef: np.ndarray) -> np.ndarray:
    """A linear model's scores over dense columns (embeddings) followed by sparse ones (hashed words), without
    joining them into one sparse matrix first: for thousands of texts the joining cost more than the model."""
    width = dense.shape[1]
    return dense @ coef[..., :width].T + np.asarray(words @ coef[..., width:].T)


def joined(dense: np.ndarray, words: Any) -> Any:
    """The same columns as one sparse matrix, as scikit-learn fits a model on them."""
    from scipy import sparse

    return sparse.hstack([sparse.csr_matrix(dense), words]).tocsr()


@cache
def hashed_words(n_features: int, norm: str | None = "l2") -> Any:
    """Which words and word pairs a text has, hashed into n_features columns (so no vocabulary is shipped)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(n_features=n_features, ngram_range=(1, 2), alternate_sign=False, binary=True, norm=norm)
