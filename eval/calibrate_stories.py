"""Pick the story bar and date window on the bundled corpus's labelled stories.

    .venv/bin/python eval/calibrate_stories.py [--home DIR]

Indexes corpus/sample with the real model in a data home of its own (DIR keeps it between
runs; vectors come from the embedding cache), groups it under candidate rules and prints
pairwise precision and recall against eval/story_labels.json, and whether each labelled
hard negative is kept apart. Never run it on XQuAD: that is the test (eval/story_report.py).
Also compares the lead sentence with the sentence scorer's pick for the "what happened"
sentence of each article.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from dataclasses import replace
from itertools import combinations
from pathlib import Path

import numpy as np

from bot.desk import SAMPLE_DIR, Desk
from bot.scorer import Question, SentenceScorer
from bot.settings import BotSettings
from bot.stories import Item, Rule, _item, candidates, group, name_agreement
from index.store import IndexVersion

LABELS = Path(__file__).with_name("story_labels.json")


def truth(ids: list[str]) -> tuple[dict[str, int], list[list[str]]]:
    labels = json.loads(LABELS.read_text("utf-8"))
    story = {aid: n for n, aid in enumerate(ids)}
    for n, members in enumerate(labels["stories"]):
        for aid in members:
            story[aid] = len(ids) + n
    return story, labels["hard_negatives"]


def pairwise(groups: list[list[str]], story: dict[str, int]) -> tuple[float, float, int, int]:
    """(precision, recall, true pairs found, pairs predicted) over every pair of articles."""
    predicted = {frozenset(p) for g in groups for p in combinations(g, 2)}
    actual = {frozenset((a, b)) for a, b in combinations(sorted(story), 2)
              if story[a] == story[b]}
    hit = len(predicted & actual)
    return (hit / len(predicted) if predicted else 1.0, hit / len(actual) if actual else 1.0,
            hit, len(predicted))


def kept_apart(groups: list[list[str]], negatives: list[list[str]]) -> int:
    where = {aid: n for n, g in enumerate(groups) for aid in g}
    return sum(1 for ids in negatives if len({where[a] for a in ids}) == len(ids))


def mean_of_passages(version: IndexVersion, items: list[Item]) -> list[Item]:
    """The alternative article vector: the mean of all its passages."""
    out = []
    for it in items:
        v = np.asarray(version.vectors[version.rows_of(it.id)], np.float32).mean(axis=0)
        out.append(replace(it, vector=v / np.linalg.norm(v)))
    return out


def show_pairs(items: list[Item], story: dict[str, int], days: int) -> None:
    """The closest pairs of different stories and the furthest of one story, within `days`."""
    rows = []
    for a, b in combinations(items, 2):
        if a.published and b.published and abs((a.published - b.published).days) <= days:
            rows.append((float(a.vector @ b.vector), story[a.id] == story[b.id],
                         name_agreement(a, b), a.id, b.id))
    rows.sort(reverse=True)
    print(f"\npairs within {days} days, by cosine (same story?, name agreement):")
    for sim, same, names, a, b in rows[:25]:
        print(f"  {sim:.3f} {'SAME' if same else '    '} {_shown(names)} {a} ~ {b}")
    print("  lowest same-story pairs:")
    for sim, _same, names, a, b in [r for r in rows if r[1]][-8:]:
        print(f"  {sim:.3f} SAME {_shown(names)} {a} ~ {b}")


def _shown(agreement: float | None) -> str:
    return "  -  " if agreement is None else f"{agreement:.2f} "


def sentences(desk: Desk, version: IndexVersion) -> None:
    """The lead sentence against the scorer's pick (the title as the question), over the
    whole article and over its first passage only; where they differ, what
    eval/story_labels.json's sentence_judgement says of each."""
    judged = json.loads(LABELS.read_text("utf-8"))["sentence_judgement"]
    scorer = SentenceScorer.load()
    texts = version.texts(version.article_ids)
    right: Counter[tuple[str, bool | None]] = Counter()
    for aid, article in texts.items():
        query = desk.embedder.queries([article.title])[0]
        _, cands = candidates(version, article, query, first_passage=False)
        _, firsts = candidates(version, article, query, first_passage=True)
        question = Question.read(article.title, article.language)
        picks = {"lead": 0, "scorer": scorer.best(question, cands),
                 "scorer, first passage (shipped)": scorer.best(question, firsts)}
        for name, pick in picks.items():
            verdict = judged.get(aid, {}).get(str(pick))
            if verdict is None and aid not in judged and pick == 0:
                verdict = True  # lead and scorer agree: taken as right
            right[name, verdict] += 1
            if verdict is None and pick != 0:
                print(f"  unjudged {name} pick #{pick} of {aid}: {cands[pick].text[:100]!r}")
    for name in ("lead", "scorer", "scorer, first passage (shipped)"):
        print(f"{name}: judged right {right[name, True]}, wrong {right[name, False]}, "
              f"unjudged {right[name, None]} of {len(texts)}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--home", type=Path, help="data home to index the sample in (kept)")
    p.add_argument("--sentences", action="store_true", help="also compare lead and scorer")
    args = p.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="calibrate-stories-"))
    desk = Desk(BotSettings(home=home, _env_file=None))
    if desk.needs_sample():
        desk.ingest([SAMPLE_DIR])
    desk.reindex()
    version = desk.index_version()
    texts = version.texts(version.article_ids)
    items = [it for aid in version.article_ids if (it := _item(version, texts[aid]))]
    story, negatives = truth(list(version.article_ids))
    names_found = sum(1 for it in items if it.names)
    print(f"{len(items)} articles, {len(set(story.values()))} labelled stories; "
          f"{names_found} leads with names")
    for label, group_items in (("first passage (shipped)", items),
                               ("mean of passages", mean_of_passages(version, items))):
        show_pairs(group_items, story, 5)
        print(f"\n== article vector: {label}")
        print("  names  days   bar  precision  recall  found/predicted  negatives kept apart")
        for names in (0.0, 0.5, 0.6, 0.7, 0.75, 0.8):
            for days in (2, 3, 5):
                for bar in np.arange(0.80, 0.951, 0.01):
                    rule = Rule(similarity=float(round(bar, 2)), days=days, names=names)
                    groups = group(group_items, rule)
                    prec, rec, hit, pred = pairwise(groups, story)
                    print(f"  {names:5.2f}  {days:4}  {bar:.2f}  {prec:9.3f}  {rec:6.3f}  "
                          f"{hit:5}/{pred:<9}  {kept_apart(groups, negatives)}/"
                          f"{len(negatives)}")
    if args.sentences:
        sentences(desk, version)
    settings = desk.settings
    print(f"shipped: bar {settings.story_similarity}, {settings.story_days} days, names "
          f"{settings.story_names}")


if __name__ == "__main__":
    main()
