"""A small news corpus for the Discord tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

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
