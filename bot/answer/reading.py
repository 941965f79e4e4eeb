"""How the reader sees a question and a passage: token windows with character offsets.

One module for training (`eval/train_reader.py`) and answering (`bot.answer.reader`): a model
is only as good as the agreement between the inputs it was trained on and the ones it reads,
so both build them here. No torch, no onnxruntime: only the tokenizer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_TOKENS = 192  # question, passage and special tokens together
MAX_QUESTION_TOKENS = 48
STRIDE = 48  # tokens two windows of one long passage share, so no answer is cut in two
QUERY_PREFIX = "query: "  # the prompts multilingual-e5 was trained with: the frozen layers
PASSAGE_PREFIX = "passage:"  # below the reader's own still expect them
BOS, EOS, PAD = 0, 2, 1  # XLM-R's <s>, </s>, <pad>


@dataclass(frozen=True)
class Window:
    """One model input: `ids`, of which `ids[first:first + len(offsets)]` are the passage's
    tokens, each covering `text[offsets[i][0]:offsets[i][1]]`."""

    ids: list[int]
    first: int
    offsets: list[tuple[int, int]]

    @property
    def char_start(self) -> int:
        return self.offsets[0][0]

    @property
    def char_end(self) -> int:
        return self.offsets[-1][1]


def question_ids(tokenizer: Any, question: str) -> list[int]:
    ids = tokenizer.encode(QUERY_PREFIX + question, add_special_tokens=False).ids
    return ids[:MAX_QUESTION_TOKENS]


def passage_tokens(tokenizer: Any, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """The passage's token ids and their character spans; a piece that is only the
    sentencepiece space marker covers nothing and is dropped (no answer starts there)."""
    enc = tokenizer.encode(text, add_special_tokens=False)
    ids, offsets = [], []
    for token_id, (start, end) in zip(enc.ids, enc.offsets, strict=True):
        while start < end and text[start].isspace():
            start += 1
        if end > start:
            ids.append(token_id)
            offsets.append((start, end))
    return ids, offsets


def _prefix_ids(tokenizer: Any) -> list[int]:
    return tokenizer.encode(PASSAGE_PREFIX, add_special_tokens=False).ids


def room(tokenizer: Any, q_ids: list[int]) -> int:
    """Passage tokens that fit beside the question."""
    return MAX_TOKENS - len(q_ids) - len(_prefix_ids(tokenizer)) - 4


def window(tokenizer: Any, q_ids: list[int], p_ids: list[int],
           offsets: list[tuple[int, int]], lo: int, hi: int) -> Window:
    """`<s> query: Q </s></s> passage: P[lo:hi] </s>`: XLM-R's pair layout."""
    head = [BOS, *q_ids, EOS, EOS, *_prefix_ids(tokenizer)]
    return Window(ids=[*head, *p_ids[lo:hi], EOS], first=len(head), offsets=offsets[lo:hi])


def windows(tokenizer: Any, question: str, text: str) -> list[Window]:
    """Every window the reader reads of a passage: one when it fits, else overlapping ones."""
    q_ids = question_ids(tokenizer, question)
    p_ids, offsets = passage_tokens(tokenizer, text)
    if not p_ids:
        return []
    size = room(tokenizer, q_ids)
    out, lo = [], 0
    while True:
        hi = min(lo + size, len(p_ids))
        out.append(window(tokenizer, q_ids, p_ids, offsets, lo, hi))
        if hi == len(p_ids):
            return out
        lo = hi - STRIDE
