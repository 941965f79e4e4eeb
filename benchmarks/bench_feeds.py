"""How long fetching + indexing N feed items from a local server takes, and how much is embedding.

    .venv/bin/python benchmarks/bench_feeds.py [--items 200] [--host-delay 0]

A server on 127.0.0.1 (the one the tests use) serves one RSS feed of N items,
each linking an article page built from sentences of the bundled sample corpus
(distinct enough that none is a near-duplicate of another). The figures:
- back-fill: adding the feed (feed + N page fetches, extraction, dedupe, catalogue);
- index: the incremental reindex that follows, with the time spent inside the
  embedder (passages and sentences) measured separately;
- a second fetch: the conditional GET that should cost one 304.
The per-host politeness delay is a setting (default 1 s in production); the run
uses --host-delay (default 0) so it measures our work, not the sleep it adds.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from feed_server import FeedServer, Story, entry, rss2  # noqa: E402

from bot.desk import SAMPLE_DIR, Desk  # noqa: E402
from bot.settings import BotSettings  # noqa: E402
from corpus.chunker import split_sentences  # noqa: E402
from corpus.models import Article  # noqa: E402
from corpus.sources.folder import load_paths  # noqa: E402
from index.settings import default_model_cache  # noqa: E402


def sample_sentences() -> list[tuple[str, str]]:
    """(language, sentence) from the bundled corpus, the raw material of the fake pages."""
    out = []
    for article in load_paths([SAMPLE_DIR], 10_000_000):
        if not isinstance(article, Article):
            continue
        for span in split_sentences(article.text):
            sentence = article.text[span.start:span.end].strip()
            if len(sentence) > 40:
                out.append((article.language or "en", sentence))
    return out


def stories(n: int) -> list[Story]:
    rng = random.Random(7)
    pool = sample_sentences()
    start = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
    made = []
    for i in range(n):
        picked = rng.sample(pool, 12)
        paragraphs = [" ".join(s for _, s in picked[j:j + 3]) for j in range(0, 12, 3)]
        made.append(Story(path=f"/news/{i:04d}", lang=picked[0][0],
                          title=f"AI briefing no. {i}: {picked[0][1][:60]}",
                          byline="Bench Desk", published=start + timedelta(hours=i),
                          paragraphs=paragraphs, summary=picked[0][1]))
    return made


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--host-delay", type=float, default=0.0)
    args = ap.parse_args()
    with FeedServer() as server, tempfile.TemporaryDirectory() as tmp:
        made = stories(args.items)
        for story in made:
            server.serve(story.path, story.page())
        feed = server.serve("/feed.xml", rss2("Bench Wire", server.url("/"),
                                              [entry(server, s) for s in made]))
        settings = BotSettings(home=Path(tmp), model_cache=default_model_cache(),
                               allow_hosts="127.0.0.1", host_delay=args.host_delay)
        desk = Desk(settings)
        embedder = desk.embedder  # the model loads outside the timings
        desk.reindex()  # warm-up on an empty catalogue (caches the language means)

        embedding = 0.0
        plain_passages = embedder.passages

        def timed_passages(*a: object, **k: object):  # type: ignore[no-untyped-def]
            nonlocal embedding
            t = time.perf_counter()
            try:
                return plain_passages(*a, **k)
            finally:
                embedding += time.perf_counter() - t

        embedder.passages = timed_passages  # type: ignore[method-assign]

        t0 = time.perf_counter()
        _, outcome = desk.add_source(feed, "bench")
        backfill = time.perf_counter() - t0
        t0 = time.perf_counter()
        stats = desk.reindex()
        index = time.perf_counter() - t0

        server.forget()
        t0 = time.perf_counter()
        again = desk.fetch(due_only=False)
        refetch = time.perf_counter() - t0
        requests = len(server.requests)

    total = backfill + index
    print(f"items: {args.items}; host delay {args.host_delay:g} s")
    print(f"back-fill (feed + {args.items} pages, extract, dedupe, store): {backfill:.1f} s "
          f"-> added {outcome.added}, duplicates {outcome.duplicates}, "
          f"summaries {outcome.summaries}, errors {len(outcome.errors)}")
    print(f"index: {index:.1f} s ({stats.passages_embedded} passages, "
          f"{stats.sentences_embedded} sentences embedded)")
    print(f"fetch + index total: {total:.1f} s; embedding {embedding:.1f} s "
          f"= {100 * embedding / total:.0f}% of it")
    print(f"second fetch: {refetch:.2f} s, {requests} request(s), "
          f"status {[o.status for o in again]}")


if __name__ == "__main__":
    main()
