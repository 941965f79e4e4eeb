"""The reader against the e5-only scorer it replaces, on the held-out slices of its training
data (never XQuAD), per language; and where its answer bar falls.

    .venv/bin/python eval/reader_report.py [--work ~/.cache/newsdesk/reader-train] [--limit 200]

`eval/train_reader.py` holds out whole articles per language and writes them to
`<work>/dev_questions.json`. Each held-out question is read against its own paragraph (it
answers) and against up to two that do not: another paragraph of the same article that does
not hold the answer (near-topic) and the paragraph of another held-out article BM25 ranks
closest (hard). Printed per language:
- sentence: how often the sentence holding the predicted answer is the one holding the gold
  answer; for e5, the sentence closest to the question (`query:`/`passage:` cosine);
- AUC: how well the answer score tells answering paragraphs from the others; for e5, the
  question–paragraph cosine;
- declined at the bar: answering paragraphs below `min_answer`, and negatives above it.
The reader runs as answering runs it: the assembled ONNX graph (`bot.answer.reader`).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_reader import bm25_tokens

from bot.answer.reader import WEIGHTS, load
from bot.settings import BotSettings
from corpus.chunker import split_sentences
from index.embedder import Embedder
from index.provision import provision


def auc(pos: list[float], neg: list[float]) -> float:
    """The chance that an answering pair outscores a non-answering one (ties count half)."""
    if not pos or not neg:
        return float("nan")
    p, n = np.asarray(pos)[:, None], np.asarray(neg)[None, :]
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


def negatives(dev: list[dict], seed: int) -> list[list[str]]:
    """Per question: a sibling paragraph without the answer, and BM25's closest paragraph of
    another held-out article of its language."""
    import bm25s

    rng = random.Random(seed)
    by_article: dict[str, set[str]] = defaultdict(set)
    for d in dev:
        by_article[d["article"]].add(d["context"])
    out: list[list[str]] = [[] for _ in dev]
    for lang in sorted({d["lang"] for d in dev}):
        idx = [i for i, d in enumerate(dev) if d["lang"] == lang]
        paragraphs = sorted({dev[i]["context"] for i in idx})
        owner = {dev[i]["context"]: dev[i]["article"] for i in idx}
        retriever = bm25s.BM25()
        retriever.index([bm25_tokens(p) for p in paragraphs], show_progress=False)
        found, _ = retriever.retrieve([bm25_tokens(dev[i]["question"]) for i in idx],
                                      k=min(8, len(paragraphs)), show_progress=False)
        for i, row in zip(idx, found, strict=True):
            d = dev[i]
            answers = [a.lower() for _, a in d["answers"]]

            def free(p: str, answers: list[str] = answers) -> bool:
                return not any(a in p.lower() for a in answers)

            near = sorted(p for p in by_article[d["article"]] if p != d["context"] and free(p))
            if near:
                out[i].append(rng.choice(near))
            hard = [paragraphs[j] for j in row
                    if owner[paragraphs[j]] != d["article"] and free(paragraphs[j])]
            if hard:
                out[i].append(hard[0])
    return out


def sentence_of(text: str, position: int) -> int:
    spans = split_sentences(text)
    for k, s in enumerate(spans):
        if s.start <= position < s.end:
            return k
    return -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path,
                        default=Path.home() / ".cache" / "newsdesk" / "reader-train")
    parser.add_argument("--limit", type=int, default=0, help="questions per language (0: all)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", type=Path, help="also write the per-pair scores here")
    args = parser.parse_args()

    settings = BotSettings()
    dev = json.loads((args.work / "dev_questions.json").read_text("utf-8"))
    if args.limit:
        kept: dict[str, int] = defaultdict(int)
        dev = [d for d in dev if (kept.__setitem__(d["lang"], kept[d["lang"]] + 1) or
                                  kept[d["lang"]] <= args.limit)]
    negs = negatives(dev, args.seed)
    reader = load(settings.models_dir, provision(settings.models_dir), threads=0)
    embedder = Embedder(settings)
    print(f"reader {reader.folder.name} ({WEIGHTS.name}); {len(dev)} held-out questions",
          file=sys.stderr)
    rows = []
    for n, (d, neg) in enumerate(zip(dev, negs, strict=True)):
        context, question = d["context"], d["question"]
        readings = reader.read(question, [context, *neg])
        spans = split_sentences(context)
        sentences = [context[s.start:s.end] for s in spans]
        q_vec = embedder.queries([question])[0]
        s_vecs = embedder.passages([*sentences, context, *neg])
        cos = s_vecs @ q_vec
        gold = {sentence_of(context, a_start) for a_start, _ in d["answers"]}
        rows.append({
            "lang": d["lang"],
            "reader_sentence": sentence_of(context, readings[0].start) in gold,
            "e5_sentence": int(np.argmax(cos[:len(sentences)])) in gold,
            "reader_pos": readings[0].answers, "reader_neg": [r.answers for r in readings[1:]],
            "e5_pos": float(cos[len(sentences)]), "e5_neg": [float(x) for x in
                                                             cos[len(sentences) + 1:]],
            "span": context[readings[0].start:readings[0].end],
            "answers": [a for _, a in d["answers"]],
        })
        if (n + 1) % 100 == 0:
            print(f"{n + 1}/{len(dev)}", file=sys.stderr, flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False))
    bar = settings.min_answer
    print(f"{'lang':5} {'n':>5} {'sentence reader':>16} {'e5':>6} {'AUC reader':>11} {'e5':>6} "
          f"{'exact span':>11} {'pos<bar':>8} {'neg>=bar':>9}")
    for lang in [*sorted({r["lang"] for r in rows}), "all"]:
        part = [r for r in rows if lang in ("all", r["lang"])]
        pos = [r["reader_pos"] for r in part]
        neg = [x for r in part for x in r["reader_neg"]]
        e5_pos = [r["e5_pos"] for r in part]
        e5_neg = [x for r in part for x in r["e5_neg"]]
        exact = np.mean([r["span"].strip() in r["answers"] for r in part])
        print(f"{lang:5} {len(part):5} {np.mean([r['reader_sentence'] for r in part]):16.3f} "
              f"{np.mean([r['e5_sentence'] for r in part]):6.3f} {auc(pos, neg):11.3f} "
              f"{auc(e5_pos, e5_neg):6.3f} {exact:11.3f} {np.mean(np.array(pos) < bar):8.3f} "
              f"{np.mean(np.array(neg) >= bar) if neg else float('nan'):9.3f}")
    pos_all = np.array([r["reader_pos"] for r in rows])
    print("answering paragraphs' answer score, percentiles 2/3/5/10: " + " ".join(
        f"{np.percentile(pos_all, q):.3f}" for q in (2, 3, 5, 10)))


if __name__ == "__main__":
    main()
