"""Shared fixtures: one real model for the session, temporary data homes per test.

The model folder is provisioned once into the user's model cache (what
scripts/setup already did) and reused; every test gets its own data home, so
catalogues and indexes never leak between tests.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
import simcord
from discord_fixtures import ARTICLES, write_articles
from fakes import FakeEmbedder

from bot.desk import SAMPLE_DIR, Desk
from bot.discord.client import NewsdeskBot
from bot.settings import BotSettings
from index.embedder import Embedder
from index.settings import default_model_cache

MODEL_CACHE = Path(os.environ.get("NEWSDESK_MODEL_CACHE") or default_model_cache())


# one embedding cache for the whole run: the bundled corpus is embedded once, not once per
# data home (vectors are keyed by model, precision and text, so every test gets the vectors
# it would have computed); tests of the cache itself give their desks a fresh one
VECTOR_CACHE = Path(tempfile.mkdtemp(prefix="newsdesk-test-vectors-")) / "vectors.sqlite3"
atexit.register(shutil.rmtree, VECTOR_CACHE.parent, True)


def make_settings(home: Path, **overrides: object) -> BotSettings:
    overrides.setdefault("vector_cache", Path(os.environ.get("NEWSDESK_VECTOR_CACHE")
                                              or VECTOR_CACHE))
    return BotSettings(home=home, model_cache=MODEL_CACHE, _env_file=None, **overrides)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's .env or data home by accident."""
    for key in list(os.environ):
        if key.startswith("NEWSDESK_") or key == "DISCORD_TOKEN":
            monkeypatch.delenv(key)
    monkeypatch.setenv("NEWSDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NEWSDESK_MODEL_CACHE", str(MODEL_CACHE))
    monkeypatch.setenv("NEWSDESK_VECTOR_CACHE", str(VECTOR_CACHE))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder(make_settings(Path("/nonexistent-home-unused")))


@pytest.fixture
def settings(tmp_path: Path) -> BotSettings:
    return make_settings(tmp_path / "home")


@pytest.fixture
def desk(settings: BotSettings, embedder: Embedder) -> Desk:
    return Desk(settings, embedder=embedder)


@pytest.fixture(scope="session")
def sample_desk(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[Desk]:
    """The bundled sample corpus, ingested and indexed once for the whole session."""
    home = tmp_path_factory.mktemp("sample-home")
    d = Desk(make_settings(home), embedder=embedder)
    report = d.ingest([SAMPLE_DIR])
    assert not report.errors, report.errors
    d.reindex()
    yield d


@pytest.fixture
def news_desk(tmp_path: Path, embedder: Embedder) -> Desk:
    settings = make_settings(tmp_path / "home")
    desk = Desk(settings, embedder=embedder)
    folder = settings.sources_root / "news"
    write_articles(folder, ARTICLES)
    desk.add_folder("news", "test", within=settings.sources_root)
    desk.refresh_folders()
    desk.reindex()
    return desk


# The fake embedder's scores are not e5's: min_relevance and min_significance were
# calibrated for e5, so desks on the fake use their own bar (through settings, not code).
# At 2.5 the fake declines the off-topic questions of the face tests and answers the others.
# The reader is a real model reading real text: plumbing on the fake answers without it.
FAKE_THRESHOLDS = {"min_significance": 2.5, "reader": False}


@pytest.fixture(scope="session")
def fake_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fake's language null is cached here, never in the user's model cache."""
    return tmp_path_factory.mktemp("fake-models")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "real_model: a face test whose point needs the real model (cross-lingual "
        "answers, follow-up context); the others run on tests/fakes.FakeEmbedder")


@pytest.fixture
def face_desk(request: pytest.FixtureRequest, tmp_path: Path, fake_models: Path) -> Desk:
    """The news corpus behind the Discord face: on the fake embedder (plumbing tests, fast),
    or on the real model for tests marked `real_model`."""
    if request.node.get_closest_marker("real_model"):
        return request.getfixturevalue("news_desk")
    settings = make_settings(tmp_path / "home", **FAKE_THRESHOLDS).model_copy(
        update={"model_cache": fake_models})
    desk = Desk(settings, embedder=FakeEmbedder())
    write_articles(settings.sources_root / "news", ARTICLES)
    desk.add_folder("news", "test", within=settings.sources_root)
    desk.refresh_folders()
    desk.reindex()
    return desk


def make_bot(desk: Desk) -> NewsdeskBot:
    """A bot the way `newsdesk run --message-content` builds it, one shard."""
    return NewsdeskBot(desk, message_content=True, shard_count=1)


@pytest_asyncio.fixture
async def env(face_desk: Desk) -> AsyncIterator[simcord.Env]:
    bot = make_bot(face_desk)
    environment = simcord.Env(bot, settle_timeout=120)
    await environment.start()
    await bot.tree.sync()
    try:
        yield environment
    finally:
        await environment.shutdown()
