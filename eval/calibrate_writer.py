"""Calibrate `llm_min_support`: how far a written sentence must rise above chance to be kept.

    .venv/bin/python eval/calibrate_writer.py

A sentence the LLM writes is kept only if its best sentence among the passages
it cites scores, with the multilingual embedding model, far enough above what
unrelated text in that passage's language scores for it (`bot.writer.support`).
The bar is set here on text that is not a test set (never XQuAD):

1. The parallel background paragraphs (`index/background/<lang>.txt`: the same
   24 paragraphs of two sentences in every language). Sentence i of language A
   "written" against paragraph p of language B:
   - faithful: p holds its rendering (best of p's sentences, as the writer takes);
   - topical, unsupported: p without its rendering (the other sentence of the
     same paragraph: the same scene, another claim) — the case that matters;
   - unrelated: another paragraph.
   Chance is the mean over B's background sentences outside p, so a sentence
   is never its own null. A ≠ B gives cross-lingual pairs; A = B gives
   same-language topical negatives (faithful same-language pairs would be
   identical sentences, so there are none).
   The bar is the lowest (in steps of 0.005) at which at most 5 % of topical
   unsupported sentences pass, cross-lingual and same-language alike.
2. A held-out check on the bundled corpus: each headline (a summary, as a
   writer's sentence is) against its own article's lead (the first 600
   characters: it should pass) and against every other article's lead (it
   should mostly not; some other articles do report the same event), with the
   chance level the writer itself uses (all background sentences).

Hindi and Thai background paragraphs split into one sentence each, so they
take no part in (1).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import cues
from bot.desk import SAMPLE_DIR
from bot.settings import BotSettings
from bot.writer import MIN_SHARED_WORDS, chance
from corpus.chunker import split_sentences
from corpus.formats import markdown
from corpus.models import Article
from index.embedder import Embedder
from index.language_bias import LanguageNull, background_texts, language_null

TARGET = 0.05  # share of topical, unsupported sentences a bar may let through
LEAD_CHARS = 600


def parallel_sentences() -> dict[str, list[list[str]]]:
    """Per language, the sentences of each background paragraph; only languages whose
    paragraphs all split into the same number of sentences as English."""
    out = {}
    for lang, paragraphs in background_texts().items():
        out[lang] = [[p[s.start:s.end] for s in split_sentences(p)] for p in paragraphs]
    shape = [len(p) for p in out["en"]]
    return {lang: paras for lang, paras in out.items() if [len(p) for p in paras] == shape}


def background_scores(embedder: Embedder) -> dict[str, np.ndarray]:
    texts = parallel_sentences()
    languages = sorted(texts)
    size = len(texts["en"][0])
    vectors = {lang: embedder.passages([s for p in texts[lang] for s in p]) for lang in languages}
    faithful, topical, unrelated, same, rows = [], [], [], [], []
    for a in languages:
        for b in languages:
            scores = vectors[a] @ vectors[b].T
            for i in range(len(scores)):
                p = i // size
                own = slice(p * size, (p + 1) * size)
                outside = np.ones(len(scores), bool)
                outside[own] = False
                level = scores[i, outside].mean()
                others = [j for j in range(own.start, own.stop) if j != i]
                rise_other = scores[i, others].max() - level
                if a == b:
                    same.append(rise_other)
                    continue
                faithful.append(scores[i, own].max() - level)
                topical.append(rise_other)
                q = (p + 1) % (len(scores) // size)
                unrelated.append(scores[i, q * size:(q + 1) * size].max() - level)
                rows.append((a, b))
    return {"faithful": np.array(faithful), "topical": np.array(topical),
            "unrelated": np.array(unrelated), "same-language topical": np.array(same),
            "pairs": np.array(rows)}


def choose(figures: dict[str, np.ndarray]) -> float:
    for bar in np.arange(0.0, 0.3, 0.005):
        if (figures["topical"] >= bar).mean() <= TARGET and \
                (figures["same-language topical"] >= bar).mean() <= TARGET:
            return round(float(bar), 3)
    return 0.3


def headline_check(embedder: Embedder, null: LanguageNull, bar: float) -> None:
    articles = [a for path in sorted(SAMPLE_DIR.glob("*.md"))
                for a in markdown.load(path.read_text("utf-8"), str(path), path.stem)
                if isinstance(a, Article)]
    titles = embedder.passages([a.title for a in articles])
    leads = []
    for a in articles:
        lead = [s for s in split_sentences(a.text) if s.end <= LEAD_CHARS] or \
            split_sentences(a.text)[:1]
        leads.append(embedder.passages([a.text[s.start:s.end] for s in lead]))
    levels = {lang: chance(null, titles, lang) for lang in {a.language for a in articles}}
    own, other = [], []
    for j, a in enumerate(articles):
        level = levels[a.language]  # what each headline scores against language j at random
        for i in range(len(articles)):
            rise = float((leads[j] @ titles[i]).max() - level[i])
            (own if i == j else other).append(rise)
    own_a, other_a = np.array(own), np.array(other)
    shared = np.array([cues.overlap(cues.words(articles[i].title), cues.words(
        articles[j].text[:LEAD_CHARS])) >= MIN_SHARED_WORDS
        for j in range(len(articles)) for i in range(len(articles))])
    mine = np.eye(len(articles), dtype=bool).T.ravel()
    same = np.array([articles[i].language == articles[j].language and
                     cues.is_latin(articles[j].text) for j in range(len(articles))
                     for i in range(len(articles))])
    gate = shared | ~same  # the word check applies to same-language Latin-script pairs
    own_b, other_b = own_a >= bar, other_a >= bar
    print(f"\nbundled corpus, {len(articles)} headlines against article leads "
          f"(chance as the writer computes it):")
    print(f"  own lead:   median {np.median(own_a):.3f}, kept at the bar "
          f"{(own_a >= bar).mean():.3f} ({int((own_a >= bar).sum())}/{len(own_a)})")
    print(f"  other lead: median {np.median(other_a):.3f}, passing the bar "
          f"{(other_a >= bar).mean():.3f} ({int((other_a >= bar).sum())}/{len(other_a)})")
    print(f"  with the same-language word check (>= {MIN_SHARED_WORDS} of a headline's words in "
          f"the lead): own kept {(own_b & gate[mine]).mean():.3f}, other passing "
          f"{(other_b & gate[~mine]).mean():.3f} ({int((other_b & gate[~mine]).sum())})")


def main() -> int:
    settings = BotSettings()
    embedder = Embedder(settings)
    null = language_null(embedder, settings.models_dir)
    figures = background_scores(embedder)
    print("rise of the best cited sentence above chance, background parallel text "
          f"({len(set(map(tuple, figures['pairs'])))} language pairs):")
    print(f"  {'':24} {'n':>6}  {'p5':>6} {'p25':>6} {'median':>6} {'p75':>6} {'p95':>6}")
    for name in ("faithful", "topical", "same-language topical", "unrelated"):
        x = figures[name]
        p5, p25, p50, p75, p95 = np.percentile(x, [5, 25, 50, 75, 95])
        print(f"  {name:24} {len(x):6d}  {p5:6.3f} {p25:6.3f} {p50:6.3f} {p75:6.3f} {p95:6.3f}")
    print(f"\n  {'bar':>6} {'faithful kept':>14} {'topical passed':>15} {'same-lang passed':>17}")
    for bar in np.arange(0.05, 0.105, 0.005):
        print(f"  {bar:6.3f} {(figures['faithful'] >= bar).mean():14.3f} "
              f"{(figures['topical'] >= bar).mean():15.3f} "
              f"{(figures['same-language topical'] >= bar).mean():17.3f}")
    bar = choose(figures)
    print(f"\nchosen bar (lowest with <= {TARGET:.0%} of topical unsupported sentences passing): "
          f"{bar}")
    pairs = figures["pairs"]
    kept = figures["faithful"] >= bar
    for side, column in (("written in", 0), ("passage in", 1)):
        rates = {lang: kept[pairs[:, column] == lang].mean() for lang in sorted(set(pairs[:,
                                                                                      column]))}
        worst, best = min(rates, key=rates.get), max(rates, key=rates.get)
        print(f"  faithful kept, by language {side}: lowest {worst} {rates[worst]:.3f}, "
              f"highest {best} {rates[best]:.3f}")
    headline_check(embedder, null, bar)
    print(f"\nset NEWSDESK_LLM_MIN_SUPPORT={bar} (the default in bot/settings.py)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
