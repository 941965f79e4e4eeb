"""Where the reader's answer bar (`min_answer`) should sit: its declines at each bar on the
held-out slices of the training data and on the bundled questions (never XQuAD).

    .venv/bin/python eval/reader_report.py --json /tmp/dev.json
    NEWSDESK_MIN_ANSWER=0 .venv/bin/newsdesk eval eval/sample_questions.jsonl \
        --outcomes /tmp/bundled.jsonl
    .venv/bin/python eval/calibrate_reader.py /tmp/dev.json /tmp/bundled.jsonl

With the bar at 0 the other gates (relevance, the names a question holds) still decline what
they decline; the reader's score of each outcome is its best among the articles that pass
them, so the decline at a bar b is "declined at 0, or scored below b". Printed per bar:
answering paragraphs declined and non-answering ones let through on the held-out slices, per
language, and the bundled answerable and unanswerable questions declined. The bar chosen is
the highest that declines at most 3 % of the bundled answerable questions and of the
held-out answering paragraphs of every language — the same bar in every language.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

MAX_DECLINED = 0.03
BARS = [round(x, 2) for x in np.arange(0.05, 0.96, 0.05)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dev", type=Path, help="eval/reader_report.py --json output")
    parser.add_argument("bundled", type=Path, help="newsdesk eval --outcomes output, bar 0")
    args = parser.parse_args()
    dev = json.loads(args.dev.read_text("utf-8"))
    outcomes = [json.loads(line) for line in args.bundled.read_text("utf-8").splitlines()
                if line.strip()]
    langs = sorted({r["lang"] for r in dev})
    answerable = [o for o in outcomes if o["question"]["gold"]]
    unanswerable = [o for o in outcomes if not o["question"]["gold"]]

    def declined(o: dict, bar: float) -> bool:
        return o["abstained"] or o["read_score"] is None or o["read_score"] < bar

    head = " ".join(f"{lang + ' pos<':>8} {lang + ' neg≥':>8}" for lang in langs)
    print(f"{'bar':>5} {head} {'bundled ans. declined':>22} {'unans. declined':>16}")
    chosen = None
    for bar in BARS:
        cells, worst = [], 0.0
        for lang in langs:
            pos = np.array([r["reader_pos"] for r in dev if r["lang"] == lang])
            neg = np.array([x for r in dev if r["lang"] == lang for x in r["reader_neg"]])
            low = float(np.mean(pos < bar))
            worst = max(worst, low)
            cells.append(f"{low:8.3f} {float(np.mean(neg >= bar)) if len(neg) else 0:8.3f}")
        ans = float(np.mean([declined(o, bar) for o in answerable]))
        unans = float(np.mean([declined(o, bar) for o in unanswerable]))
        print(f"{bar:5.2f} {' '.join(cells)} {ans:22.3f} {unans:16.3f}")
        if ans <= MAX_DECLINED and worst <= MAX_DECLINED:
            chosen = bar
    print(f"\nmin_answer: {chosen} (the highest bar declining at most {MAX_DECLINED:.0%} of "
          "bundled answerable questions and of each language's answering paragraphs)")


if __name__ == "__main__":
    main()
