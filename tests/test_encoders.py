"""Encoders give the reference's vectors; a cold start loads only what it needs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from conftest import make_settings

from bot.cli import _ready
from bot.desk import Desk
from corpus.models import Article
from index.embedder import Embedder, ModelError

TEXTS = [
    "What is one way in which graphs can be encoded? ",  # a trailing space: no token for it
    "Le 17 février, le gouvernement sud-coréen a suspendu les téléchargements.\n",
    "Die Berliner Datenschutzbeauftragte meldete DeepSeek bei Apple und Google.",
    "DeepSeek发布了拥有6710亿参数的V3模型。",
    "a </s> b <mask> c",
]


@pytest.mark.slow
def test_onnx_float32_gives_torchs_vectors_and_shares_its_id(embedder: Embedder,
                                                            tmp_path) -> None:
    def settings_for(encoder: str):
        return make_settings(tmp_path / "home", encoder=encoder)

    torch = Embedder(settings_for("torch"))
    assert embedder.encoder == "onnx" and embedder.id == torch.id  # one index serves both
    for ours, theirs in ((embedder.passages(TEXTS), torch.passages(TEXTS)),
                         (embedder.queries(TEXTS), torch.queries(TEXTS))):
        assert (ours * theirs).sum(axis=1).min() >= 0.99999
    assert Embedder(settings_for("onnx-int8")).id != embedder.id
    with pytest.raises(ModelError, match="NEWSDESK_ENCODER"):
        Embedder(settings_for("tensorflow"))


def test_a_no_op_index_and_a_cold_ask_load_what_they_need_once(desk: Desk, settings) -> None:
    desk.catalogue.upsert(Article(id="kr", title="Séoul suspend DeepSeek", language="fr",
                                  text="Le 17 février, le gouvernement sud-coréen a suspendu "
                                  "les nouveaux téléchargements de l’application DeepSeek."))
    desk.reindex()

    cold = Desk(settings, embedder=Embedder(settings))
    assert cold.reindex().changed is False
    assert cold.embedder._backend is None  # the model's id did not need the model

    loads = []
    real_load = cold.store.load
    cold.store.load = lambda: loads.append(1) or real_load()
    _ready(cold)
    answer = cold.ask("what did Korea do about DeepSeek")
    assert answer.citations and answer.citations[0].article_id == "kr"
    assert len(loads) == 1  # readiness check and retriever share one loaded index
    assert isinstance(cold.retriever().version.vectors, np.ndarray)


# characters and tokens disagree across languages: the English text is the longest in
# characters, the Chinese one the longest in tokens
MIXED = [
    "DeepSeek发布了拥有6710亿参数的V3模型，训练成本据称不到六百万美元，引发美国科技股大跌。",
    "The model was released in December and costs little to run on ordinary hardware today.",
    "Kurz.",
    "Le 17 février, le gouvernement sud-coréen a suspendu les téléchargements.",
    "AI",
]


def _tokens(embedder: Embedder, texts: list[str]) -> list[int]:
    """Counted with the export's own tokenizer file, apart from the encoder's batching."""
    from tokenizers import Tokenizer

    from index.onnx_encoder import TOKENIZER, export_folder

    embedder.load()
    assert embedder._folder is not None
    tokenizer = Tokenizer.from_file(str(export_folder(embedder._folder) / TOKENIZER))
    return [len(tokenizer.encode(embedder.passage_prefix + t).ids) for t in texts]


@pytest.mark.slow
def test_batches_follow_token_counts_and_change_no_vector(embedder: Embedder) -> None:
    counts = _tokens(embedder, MIXED)
    assert len(MIXED[1]) > len(MIXED[0]) and counts[0] > counts[1]  # the case that matters
    order = embedder.longest_first(MIXED)
    assert sorted(order) == list(range(len(MIXED)))
    assert [counts[i] for i in order] == sorted(counts, reverse=True)
    assert order[0] == 0

    together = embedder.passages(MIXED)  # one call: sorted, split into runs, put back
    alone = np.vstack([embedder.passages([t]) for t in MIXED])  # no padding at all
    assert (together * alone).sum(axis=1).min() >= 0.99999


class _Recording:
    """The real embedder, with the batches the cache hands it written down."""

    batch_size = 2

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.batches: list[list[str]] = []
        self.id, self.recipe = inner.id, inner.recipe
        self.passage_prefix = inner.passage_prefix
        self.longest_first = inner.longest_first

    def passages(self, texts: Sequence[str], progress: object = None) -> np.ndarray:
        self.batches.append(list(texts))
        return self.inner.passages(texts)


@pytest.mark.slow
def test_the_embedding_cache_embeds_most_tokens_first(embedder: Embedder,
                                                      tmp_path: Path) -> None:
    from index.vector_cache import VectorCache, encode

    recording = _Recording(embedder)
    cache = VectorCache(tmp_path / "vectors.sqlite3")
    try:
        vectors, computed = encode(recording, cache, [*MIXED, MIXED[2]])
    finally:
        cache.close()
    assert computed == len(MIXED)  # the repeated text is embedded once
    seen = [t for batch in recording.batches for t in batch]
    assert seen[0] == MIXED[0] and sorted(seen) == sorted(MIXED)
    counts = _tokens(embedder, seen)
    assert counts == sorted(counts, reverse=True)
    direct = embedder.passages([*MIXED, MIXED[2]])
    assert (vectors * direct).sum(axis=1).min() >= 0.99999


def test_an_export_removes_only_weights_nothing_can_still_be_opening(tmp_path: Path) -> None:
    """The graph names its weights' file; an earlier export's file goes once it is an hour
    old (a process maps it within a second of reading its graph), a recent one stays."""
    import os
    import time

    from index.onnx_encoder import _stale_weights, graph_bytes

    graph = tmp_path / "model.onnx"
    graph.write_bytes(b"g" * 10)
    current, recent, old = (tmp_path / f"model.{k}.data" for k in ("aaa", "bbb", "ccc"))
    for f in (current, recent, old):
        f.write_bytes(b"w" * 100)
    (tmp_path / "model-int8.onnx").write_bytes(b"q" * 1000)  # another precision's graph
    hours_ago = time.time() - 7200
    os.utime(old, (hours_ago, hours_ago))
    os.utime(current, (hours_ago, hours_ago))
    _stale_weights(graph, keep=current.name)
    assert current.exists() and recent.exists() and not old.exists()
    assert graph_bytes(graph) == 10 + 200
