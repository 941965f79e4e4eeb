"""Pick the bar at which a followed topic matches a story, on the bundled corpus.

    .venv/bin/python eval/calibrate_follow.py [--home DIR]

A member following "DeepSeek" gets a DM when a new story matches it; the match is the
retrieval the answers use (`Retriever.search` for the topic), restricted to the story's
articles (`Filters.articles`), and the story's best passage must clear a bar on its
debiased similarity (the retriever's cosine less its language's bias)
(bot/discord/cogs/news.py TOPIC_BAR). This indexes corpus/sample with the real model
(DIR keeps it between runs), groups its stories, scores every (topic, story) pair and prints
precision and recall per bar against the hand labels below: the articles each topic is about,
read from the sample's titles. Never run it on XQuAD: that is a test set.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from bot.desk import SAMPLE_DIR, Desk
from bot.settings import BotSettings
from index.filters import Filters

# topic → the sample articles about it (an article that only mentions it is not about it)
TOPICS: dict[str, set[str]] = {
    "DeepSeek": {
        "de-berlin-deepseek-appstores", "en-australia-deepseek-ban",
        "en-korea-deepseek-returns", "en-taiwan-deepseek-ban", "en-texas-deepseek-ban",
        "en-us-navy-deepseek", "es-deepseek-r1-lanzamiento",
        "fr-coree-deepseek-telechargements", "fr-italie-garante-deepseek",
        "fr-nvidia-chute-deepseek", "ko-budam-deepseek-chadan", "zh-deepseek-v3-fabu"},
    "EU AI Act": {"de-ai-act-verbote", "en-eu-parliament-ai-act-vote",
                  "fr-ai-act-entree-en-vigueur"},
    "Nvidia": {"de-nvidia-wertvollstes-unternehmen", "en-nvidia-h20-export-curbs",
               "en-nvidia-h20-resumes", "fr-nvidia-chute-deepseek"},
    "Mistral AI": {"fr-mistral-le-chat-mobile", "fr-mistral-levee-600-millions"},
    "Nobel Prize": {"de-nobelpreis-physik-hinton", "es-nobel-quimica-alphafold"},
    "Samsung": {"ko-samsung-gauss"},
    "OpenAI": {"en-gpt4-launch", "en-nyt-sues-openai", "en-openai-altman-returns",
               "fr-openai-altman-evince", "es-openai-sora", "it-garante-multa-openai",
               "ja-softbank-openai-cristal", "en-stargate-announced",
               "es-italia-bloquea-chatgpt", "es-chatgpt-vuelve-italia"},
    "Google Gemini": {"en-google-gemini-2", "es-google-gemini-2", "fr-google-gemini-2"},
    "Meta Llama": {"en-meta-llama-4", "de-meta-llama-4"},
    "Alibaba": {"en-alibaba-qwen-max", "zh-alibaba-qwen-max"},
    "LG Exaone": {"en-lg-exaone-3-5", "ko-lg-exaone-3-5"},
}


def scores(desk: Desk) -> list[tuple[str, str, bool, float, float]]:
    """(topic, story key, labelled match, debiased similarity, relevance) for every pair."""
    retriever = desk.retriever()
    out = []
    for story in desk.stories():
        ids = {a.article_id for a in story.articles}
        for topic, about in TOPICS.items():
            found = retriever.search(topic, k=1, filters=Filters(articles=frozenset(ids)))
            debiased = found[0].debiased if found else -1.0
            relevance = found[0].relevance if found else 0.0
            out.append((topic, story.key, bool(ids & about), debiased, relevance))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--home", type=Path, help="data home to index the sample in (kept)")
    args = p.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="calibrate-follow-"))
    desk = Desk(BotSettings(home=home, _env_file=None))
    if desk.needs_sample():
        desk.ingest([SAMPLE_DIR])
    desk.reindex()
    rows = scores(desk)
    positives = [r for r in rows if r[2]]
    negatives = [r for r in rows if not r[2]]
    print(f"{len(rows)} topic-story pairs, {len(positives)} labelled matches")
    for label, column in (("debiased similarity", 3), ("relevance", 4)):
        pos = np.array([r[column] for r in positives])
        neg = np.array([r[column] for r in negatives])
        auc = float((pos[:, None] > neg[None, :]).mean())
        print(f"{label}: AUC {auc:.3f}; matches min {pos.min():.3f} median "
              f"{np.median(pos):.3f}; others median {np.median(neg):.3f} max {neg.max():.3f}")
    print("\n  debiased ≥  precision  recall  F1")
    for bar in np.arange(0.82, 0.881, 0.005):
        hits = [r for r in rows if r[3] >= bar]
        right = sum(1 for r in hits if r[2])
        precision = right / len(hits) if hits else 1.0
        recall = right / len(positives)
        f1 = 2 * precision * recall / (precision + recall) if right else 0.0
        print(f"  {bar:10.3f}  {precision:9.3f}  {recall:6.3f}  {f1:.3f}")
    print("\npairs near the bar (0.84-0.86):")
    for topic, key, match, debiased, _ in sorted(rows, key=lambda r: -r[3]):
        if 0.84 <= debiased < 0.86:
            print(f"  {'match' if match else 'other'}  {debiased:.4f}  {topic:12} {key}")

if __name__ == "__main__":
    main()
