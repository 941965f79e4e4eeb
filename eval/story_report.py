"""How well stories group translations: XQuAD's parallel paragraphs as one story each.

    .venv/bin/python eval/story_report.py ../shared/data/xquad [--languages en,de,zh]

XQuAD is a TEST set: this script only reports, nothing is tuned on it (the bar and window
come from eval/calibrate_stories.py on the bundled corpus). Each paragraph of
xquad.<language>.json is an article (no title, one shared date, an outlet per language);
the same paragraph in the other languages is its story. The articles are indexed with the
real model in a data home of the script's own, grouped by the shipped rule, and pairwise
precision and recall are printed, overall and per pair of languages. Many paragraphs come
from one Wikipedia article (48 articles, 240 paragraphs) and are topically close: wrong
pairs within one Wikipedia article are counted apart.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

from bot.desk import Desk
from bot.settings import BotSettings

DATE = "2025-01-01"


def paragraphs(folder: Path, language: str) -> list[dict[str, str]]:
    """Each paragraph as an article record; its id is the paragraph's first question id,
    which every language shares."""
    data = json.loads((folder / f"xquad.{language}.json").read_text("utf-8"))
    out = []
    for number, doc in enumerate(data["data"]):
        for para in doc["paragraphs"]:
            pid = para["qas"][0]["id"]
            out.append({"id": f"{language}-{pid}", "title": "", "outlet": f"xquad-{language}",
                        "url": f"https://example.org/xquad/{language}/{pid}",
                        "published": DATE, "language": language, "text": para["context"],
                        "wiki": str(number)})
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("folder", type=Path, help="the folder of xquad.<language>.json files")
    p.add_argument("--languages", default="en,de,zh")
    p.add_argument("--home", type=Path, help="data home to index in (kept between runs)")
    args = p.parse_args()
    languages = args.languages.split(",")
    home = args.home or Path(tempfile.mkdtemp(prefix="story-report-"))
    records = [r for lang in languages for r in paragraphs(args.folder, lang)]
    wiki = {r["id"]: r["wiki"] for r in records}
    story = {r["id"]: r["id"].split("-", 1)[1] for r in records}
    desk = Desk(BotSettings(home=home, _env_file=None))
    if desk.catalogue.count() == 0:
        source = home / "xquad.jsonl"
        source.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "wiki"},
                                             ensure_ascii=False) + "\n" for r in records),
                          "utf-8")
        desk.ingest([source])
    desk.reindex()
    started = time.perf_counter()
    stories = desk.stories()
    took = time.perf_counter() - started
    groups = [[a.article_id for a in s.articles] for s in stories]
    predicted = {frozenset(pair) for g in groups for pair in combinations(g, 2)}
    actual = {frozenset((a, b)) for a, b in combinations(sorted(story), 2)
              if story[a] == story[b]}
    hit = predicted & actual
    settings = desk.settings
    print(f"XQuAD {', '.join(languages)}: {len(records)} paragraphs, {len(actual)} true pairs; "
          f"rule: bar {settings.story_similarity}, {settings.story_days} days, names "
          f"{settings.story_names}; grouped in {took:.1f} s")
    print(f"pairwise precision {len(hit) / max(len(predicted), 1):.3f} "
          f"({len(hit)}/{len(predicted)}), recall {len(hit) / len(actual):.3f} "
          f"({len(hit)}/{len(actual)})")
    wrong = predicted - actual
    same_wiki = sum(1 for pair in wrong if len({wiki[a] for a in pair}) == 1)
    print(f"wrong pairs: {len(wrong)}, of which {same_wiki} within one Wikipedia article")
    sizes = Counter(len(g) for g in groups)
    print("story sizes: " + ", ".join(f"{n} articles × {c}" for n, c in sorted(sizes.items())))
    complete = sum(1 for g in groups if len(g) == len(languages)
                   and len({story[a] for a in g}) == 1)
    print(f"paragraphs found whole and alone (all {len(languages)} languages, nothing else): "
          f"{complete}/{len(records) // len(languages)}")
    for a, b in combinations(languages, 2):
        want = {pair for pair in actual if {x.split("-", 1)[0] for x in pair} == {a, b}}
        got = {pair for pair in predicted if {x.split("-", 1)[0] for x in pair} == {a, b}}
        print(f"  {a}-{b}: precision {len(got & want) / max(len(got), 1):.3f} "
              f"({len(got & want)}/{len(got)}), recall {len(got & want) / len(want):.3f}")
    same = [pair for pair in predicted if len({x.split("-", 1)[0] for x in pair}) == 1]
    print(f"  pairs within one language (always wrong here): {len(same)}")


if __name__ == "__main__":
    main()
