"""The reader as a torch module: multilingual-e5-small's encoder with two heads on top.

Used where torch is: by the training script and by set-up, which assembles the reader from the
provisioned e5 folder and the shipped file of trained weights and exports it to ONNX. Answering
never imports this (it runs the ONNX graph). The layers are written out here rather than taken
from transformers' BertModel so that the split training needs (frozen lower layers run once,
upper layers trained on their outputs) does not depend on that library's internal call
signatures, which change between releases; parameter names are BertModel's, so its weights
load as they are.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch
from torch import nn

FORMAT = "1"  # the shipped file's layout; bump when heads or names change


class _SelfAttention(nn.Module):
    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)


class _Dense(nn.Module):
    def __init__(self, n_in: int, n_out: int, eps: float | None = None) -> None:
        super().__init__()
        self.dense = nn.Linear(n_in, n_out)
        if eps is not None:
            self.LayerNorm = nn.LayerNorm(n_out, eps=eps)


class _Attention(nn.Module):
    def __init__(self, hidden: int, eps: float) -> None:
        super().__init__()
        self.self = _SelfAttention(hidden)
        self.output = _Dense(hidden, hidden, eps)


class Layer(nn.Module):
    """One post-norm BERT layer, exactly as BertLayer computes it (eager attention)."""

    def __init__(self, hidden: int, ff: int, heads: int, eps: float, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.attention = _Attention(hidden, eps)
        self.intermediate = _Dense(hidden, ff)
        self.output = _Dense(ff, hidden, eps)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, n, h = x.shape
        d = h // self.heads
        att = self.attention.self

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, self.heads, d).transpose(1, 2)

        q, k, v = split(att.query(x)), split(att.key(x)), split(att.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + bias
        ctx = (self.drop(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, n, h)
        out = self.attention.output
        a = out.LayerNorm(self.drop(out.dense(ctx)) + x)
        f = self.output
        return f.LayerNorm(self.drop(f.dense(nn.functional.gelu(self.intermediate.dense(a))))
                           + a)


class _Embeddings(nn.Module):
    def __init__(self, vocab: int, hidden: int, positions: int, types: int, eps: float) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden)
        self.position_embeddings = nn.Embedding(positions, hidden)
        self.token_type_embeddings = nn.Embedding(types, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.word_embeddings(ids) + self.position_embeddings(positions)[None] + \
            self.token_type_embeddings.weight[0]
        return self.LayerNorm(x)


class _Encoder(nn.Module):
    def __init__(self, layers: list[Layer]) -> None:
        super().__init__()
        self.layer = nn.ModuleList(layers)


class Heads(nn.Module):
    """Span start/end logits per token; whether the passage answers, read off `<s>`."""

    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.qa = nn.Linear(hidden, 2)
        self.pool = nn.Linear(hidden, hidden)
        self.answer = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        span = self.qa(x)
        answer = self.answer(torch.tanh(self.pool(x[:, 0]))).squeeze(-1)
        return span[..., 0], span[..., 1], answer


class Reader(nn.Module):
    def __init__(self, config: dict, dropout: float = 0.1) -> None:
        super().__init__()
        h, eps = config["hidden_size"], config["layer_norm_eps"]
        self.embeddings = _Embeddings(config["vocab_size"], h, config["max_position_embeddings"],
                                      config["type_vocab_size"], eps)
        self.encoder = _Encoder([
            Layer(h, config["intermediate_size"], config["num_attention_heads"], eps, dropout)
            for _ in range(config["num_hidden_layers"])])
        self.heads = Heads(h)

    @staticmethod
    def bias(mask: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """Padding gets a large negative score in every head's attention."""
        return ((1.0 - mask[:, None, None, :].to(dtype)) * -1e4).to(dtype)

    def lower(self, ids: torch.Tensor, mask: torch.Tensor, upto: int) -> torch.Tensor:
        x, bias = self.embeddings(ids), self.bias(mask)
        for layer in self.encoder.layer[:upto]:
            x = layer(x, bias)
        return x

    def upper(self, x: torch.Tensor, mask: torch.Tensor,
              start: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        bias = self.bias(mask, x.dtype)
        for layer in self.encoder.layer[start:]:
            x = layer(x, bias)
        return self.heads(x)

    def forward(self, input_ids: torch.Tensor,
                attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return self.upper(self.embeddings(input_ids), attention_mask, 0)


def load_e5(folder: Path, dropout: float = 0.1) -> Reader:
    """The reader's body from the provisioned e5 folder; heads freshly initialised."""
    from safetensors.torch import load_file

    config = json.loads((folder / "config.json").read_text("utf-8"))
    model = Reader(config, dropout)
    state = {k: v for k, v in load_file(str(folder / "model.safetensors")).items()
             if not k.startswith("pooler.")}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or any(not k.startswith("heads.") for k in missing):
        raise ValueError(f"e5 weights do not fit the reader: missing {missing}, "
                         f"unexpected {unexpected}")
    return model


def trained_state(model: Reader, frozen: int) -> dict[str, torch.Tensor]:
    """What training changes: the layers above `frozen` and the heads."""
    keep = tuple(f"encoder.layer.{i}." for i in range(frozen, len(model.encoder.layer)))
    return {k: v for k, v in model.state_dict().items()
            if k.startswith(keep) or k.startswith("heads.")}


def save_trained(model: Reader, frozen: int, path: Path, meta: dict[str, str]) -> None:
    """fp16: the shipped file is what git carries; the difference in scores is checked in
    tests/test_reader.py."""
    from safetensors.torch import save_file

    state = {k: v.detach().to(torch.float16).contiguous()
             for k, v in trained_state(model, frozen).items()}
    save_file(state, str(path), metadata={"format": FORMAT, "frozen_layers": str(frozen),
                                          **meta})


def assemble(folder: Path, trained: Path) -> Reader:
    """e5's weights below, the shipped file's above: the reader the training script made."""
    from safetensors import safe_open
    from safetensors.torch import load_file

    with safe_open(str(trained), "pt") as f:
        meta = f.metadata() or {}
    if meta.get("format") != FORMAT:
        raise ValueError(f"{trained.name} has format {meta.get('format')!r}, this newsdesk "
                         f"reads {FORMAT!r}")
    model = load_e5(folder, dropout=0.0)
    state = {k: v.to(torch.float32) for k, v in load_file(str(trained)).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or any(k.startswith("heads.") for k in missing):
        raise ValueError(f"{trained.name} does not fit the reader: unexpected {unexpected}")
    model.eval()
    return model
