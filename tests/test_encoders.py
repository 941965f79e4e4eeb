"""Encoders give the reference's vectors; a cold start loads only what it needs."""

from __future__ import annotations

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
