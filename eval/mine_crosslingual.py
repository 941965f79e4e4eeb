"""Cross-lingual training pairs for the reader, mined from its own training data.

The reader was trained on same-language pairs only and scores an answering passage in
another language far lower (its check pair ko→fr: 0.22 against 0.94 en→en), so its gate
declines cross-lingual answers more often. No parallel QA data is here (XQuAD is the test
set and is never read), but the five Wikipedias of `qa/` and `piaf/` often ask about the
same fact: two questions of different languages whose e5 vectors are close and whose
answers are the same string (a year, a number, a Latin-script name) ask the same thing, so
each question is a cross-lingual question over the other's paragraph, answer span known.

    .venv/bin/python eval/mine_crosslingual.py ../shared/data --out ~/.cache/newsdesk/xl.json

Only training questions are mined: the dev split is `eval/train_reader.py`'s (same seed,
whole articles), so a held-out article is never on either side of a pair.

What it found (35,438 of 91,476 training questions have such an answer): 407 pairs at cosine
≥ 0.80, 156 at ≥ 0.83, 83 at ≥ 0.85, mostly among ja, zh and ko (en or fr in 82 of the 407);
in a sample of 14 at ≥ 0.80 about half were one year answering two different questions
("when did Brazil first win the World Cup?" is a twin; "when did the Rwandan Patriotic Front
take the country?" and "when did the Rwandan genocide happen?" are not). A short run on them
(`train_reader.py --init bot/answer/reader.safetensors --same 6000 --crosslingual PAIRS
--repeat 4 --epochs 1 --lr 1e-4`) raised the cross-lingual check pairs (ko→fr 0.22 → 0.36)
but answered the bundled questions worse (answer in the lead 0.590 against 0.607, keyword
0.664 against 0.689, answerable declined 0.033 against 0.025; unanswerable declined 0.935
against 0.903): too few and too noisy to ship. Kept as the tool for when parallel QA data is
here.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_reader import Meter, Question, load, split

_UNITS = re.compile(r"(年|月|日|人|名|개|년|월|일|명|세|歳|歲|번째|回|次|位|個|个|권|회)$")


def norm(answer: str) -> str:
    """An answer as comparable across languages: NFKC, case and punctuation gone, a trailing
    CJK counter dropped ('1945年' = '1945년' = '1945')."""
    s = unicodedata.normalize("NFKC", answer).lower().strip()
    s = _UNITS.sub("", s)
    return re.sub(r"[\W_]+", "", s)


def comparable(answer: str) -> bool:
    """Only answers that are spelt alike in every language: digits or Latin letters, long
    enough not to match by chance."""
    n = norm(answer)
    return len(n) >= 3 and bool(re.fullmatch(r"[0-9a-z]+", n)) and \
        (any(c.isdigit() for c in n) or len(n) >= 4)


def encode(questions: list[Question]) -> np.ndarray:
    from index.embedder import Embedder
    from index.settings import IndexSettings

    embedder = Embedder(IndexSettings(threads=2)).load()
    meter = Meter("encode", len(questions))
    vectors = []
    for b in range(0, len(questions), 256):
        vectors.append(embedder.queries([q.question for q in questions[b:b + 256]]))
        meter.update(min(b + 256, len(questions)))
    return np.ascontiguousarray(np.concatenate(vectors).astype(np.float32))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--dev-per-language", type=int, default=300)
    parser.add_argument("--min-cosine", type=float, default=0.83)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()

    import faiss

    paragraphs, _, _, questions = load(args.data)
    train_q, _ = split(questions, args.dev_per_language, args.seed)
    usable = [q for q in train_q if any(comparable(t) for _, t in q.answers)]
    print(f"{len(usable)} of {len(train_q)} training questions have a comparable answer",
          file=sys.stderr)
    cache = args.out.with_suffix(".vectors.npy")
    if cache.exists():
        vecs = np.load(cache)
    else:
        vecs = encode(usable)
        np.save(cache, vecs)
    faiss.normalize_L2(vecs)
    pairs = []
    seen = set()
    langs = sorted({q.lang for q in usable})
    rows = {lang: [i for i, q in enumerate(usable) if q.lang == lang] for lang in langs}
    for target in langs:  # each question against the questions of every other language
        index = faiss.IndexFlatIP(vecs.shape[1])
        index.add(vecs[rows[target]])
        asking = [i for i in range(len(usable)) if usable[i].lang != target]
        sims, nbrs = index.search(vecs[asking], args.k)
        for i, row_s, row_n in zip(asking, sims, nbrs, strict=True):
            o = usable[i]  # asks, in its language, what the neighbour's paragraph answers
            asked = {norm(t) for _, t in o.answers if comparable(t)}
            for sim, n in zip(row_s, row_n, strict=True):
                q: Question = usable[rows[target][n]]
                if sim < args.min_cosine:
                    break
                shared = asked & {norm(t) for _, t in q.answers if comparable(t)}
                if not shared or (o.question, q.paragraph) in seen:
                    continue
                seen.add((o.question, q.paragraph))
                start, text = next((s, t) for s, t in q.answers if norm(t) in shared)
                pairs.append({"question": o.question, "question_lang": o.lang,
                              "passage_lang": q.lang, "paragraph": q.paragraph,
                              "article": q.article, "asked_article": o.article,
                              "answer_start": start, "answer": text, "cosine": float(sim),
                              "twin": q.question})
    by = Counter(f"{p['question_lang']}→{p['passage_lang']}" for p in pairs)
    print(f"{len(pairs)} cross-lingual pairs: {dict(sorted(by.items()))}", file=sys.stderr)
    args.out.write_text(json.dumps({"pairs": pairs, "paragraphs": {
        str(p["paragraph"]): paragraphs[p["paragraph"]] for p in pairs}},
        ensure_ascii=False, indent=0), "utf-8")


if __name__ == "__main__":
    main()
