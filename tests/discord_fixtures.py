"""A small news corpus and a running bot inside simcord's simulated Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
import simcord

from bot.desk import Desk
from bot.discord_bot import NewsdeskBot
from index.embedder import Embedder
from conftest import make_settings

ARTICLES = {
    "kr-deepseek": ("fr", "La Corée du Sud suspend DeepSeek", "2025-02-17",
                    "Le 17 février, le gouvernement sud-coréen a suspendu les nouveaux "
                    "téléchargements de l’application DeepSeek, invoquant la sécurité des "
                    "données. Le Service national de renseignement avait averti Séoul des "
                    "risques pour la vie privée."),
    "tw-deepseek": ("en", "Taiwan bars government agencies from DeepSeek", "2025-02-03",
                    "Taiwan's Ministry of Digital Affairs barred government agencies and "
                    "critical infrastructure operators from using DeepSeek, citing information "
                    "security risks. Taipei said the chatbot endangers national security."),
    "eu-aiact": ("de", "Der AI Act tritt in Kraft", "2024-08-01",
                 "Der AI Act der Europäischen Union ist am 1. August 2024 in Kraft getreten. "
                 "Verbote für unannehmbare Praktiken gelten ab Februar 2025."),
    "everyone": ("en", "Prank post pings @everyone", "2025-03-01",
                 "A viral post told @everyone and <@&123456789012345678> that DeepSeek had "
                 "released a model called R2 on 1 March, which the company denied."),
}


def write_articles(folder: Path, articles: dict[str, tuple[str, str, str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for aid, (lang, title, date, text) in articles.items():
        (folder / f"{aid}.md").write_text(
            f"---\nid: {aid}\ntitle: \"{title}\"\nsource: Test Wire\n"
            f"url: https://example.org/{aid}\npublished: {date}\nlanguage: {lang}\n---\n{text}\n",
            "utf-8")


@pytest.fixture
def news_desk(tmp_path: Path, embedder: Embedder) -> Desk:
    settings = make_settings(tmp_path / "home", min_score=0.80)
    desk = Desk(settings, embedder=embedder)
    folder = settings.sources_root / "news"
    write_articles(folder, ARTICLES)
    desk.add_folder("news", "test", within=settings.sources_root)
    desk.refresh_folders()
    desk.reindex()
    return desk


def make_bot(desk: Desk) -> NewsdeskBot:
    return NewsdeskBot(desk, message_content=True, shard_count=1)


@pytest_asyncio.fixture
async def env(news_desk: Desk) -> AsyncIterator[simcord.Env]:
    bot = make_bot(news_desk)
    environment = simcord.Env(bot, settle_timeout=120)
    await environment.start()
    await bot.tree.sync()
    try:
        yield environment
    finally:
        await environment.shutdown()
