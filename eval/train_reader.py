"""Train the reader (`bot/answer/reader.safetensors`): multilingual-e5-small reading a question
and a passage together, giving an answer span and whether the passage answers at all.

    .venv/bin/python eval/train_reader.py ../shared/data            # resumes where it stopped
    .venv/bin/python eval/train_reader.py ../shared/data --device cuda

Data: `qa/` (ja, zh, ko, en) and `piaf/` (fr). XQuAD is the test set and is never read here.
Each language gives at most `--per-language` training questions (ja alone is half the data) and
a dev slice held out by article. Every question is one positive window (the answer inside) and,
with some probability each, a near-topic negative (a window of the same article that does not
hold the answer: same entities, another fact) and a hard negative (the passage of another
article of that language that BM25 ranks closest to the question).

Why the split: the lower `--frozen` layers (and the 250k-row embedding matrix) are not trained,
so their outputs are computed once, stored as fp16, and the upper layers train on them; on two
CPU cores that is most of the cost saved. Stages, each resumable after a kill at any moment:
examples → hidden (chunked, atomic) → train (checkpoints every few minutes) → export.
Only what training changed ships: the upper layers and the heads, fp16.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.answer import reading

SHIPPED = Path(__file__).resolve().parent.parent / "bot" / "answer" / "reader.safetensors"
FILES = {
    "ja": ["qa/ja/jaquad_train.json", "qa/ja/jaquad_dev.json", "qa/ja/jsquad_valid_v1.3.json",
           "qa/ja/jsquad_test_v1.3.json"],
    "zh": ["qa/zh/cmrc2018_dev.json", "qa/zh/cmrc2018_trial.json", "qa/zh/drcd_dev.json",
           "qa/zh/drcd_test.json"],
    "ko": ["qa/ko/korquad_v1.0_dev.json"],
    "en": ["qa/en/squadshifts_new_wiki.json", "qa/en/squadshifts_reddit.json",
           "qa/en/squadshifts_amazon.json"],
    "fr": ["piaf/piaf-v1.0.json"],
}
MAX_ANSWER_TOKENS = 30


# ---------------------------------------------------------------- progress

class Meter:
    """One line every `every` seconds on stderr: done/total, rate, time left."""

    def __init__(self, name: str, total: int, done: int = 0, every: float = 15.0) -> None:
        self.name, self.total, self.start_done = name, total, done
        self.t0 = self.last = time.monotonic()
        self.every = every

    def update(self, done: int, extra: str = "", force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < self.every and done < self.total:
            return
        self.last = now
        rate = (done - self.start_done) / max(now - self.t0, 1e-9)
        left = (self.total - done) / rate if rate > 0 else float("nan")
        eta = f"{int(left) // 3600}h{int(left) % 3600 // 60:02d}m" if math.isfinite(left) else "?"
        print(f"{self.name}: {done}/{self.total} ({rate:.2f}/s, ETA {eta}) {extra}",
              file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data

@dataclass
class Question:
    lang: str
    article: str  # held-out slices are cut by this, never by question
    paragraph: int  # index into the paragraph list
    question: str
    answers: list[tuple[int, str]]  # (start, text), each `context[start:start+len] == text`


def _clean(context: str) -> str:
    # JSQuAD writes "title [SEP] text"; the same length keeps every answer_start
    return context.replace("[SEP]", "  -  ")


def load(data: Path) -> tuple[list[str], list[str], list[str], list[Question]]:
    """Paragraphs (with their language and article) and the questions over them."""
    paragraphs: list[str] = []
    langs: list[str] = []
    keys: list[str] = []
    questions: list[Question] = []
    for lang, files in FILES.items():
        for name in files:
            articles = json.loads((data / name).read_text("utf-8"))["data"]
            for a_i, art in enumerate(articles):
                for p_i, par in enumerate(art["paragraphs"]):
                    # reddit's file is one "article" of unrelated posts: each post is one
                    key = f"{name}#{a_i}" if len(articles) > 1 else f"{name}#{a_i}.{p_i}"
                    context = _clean(par["context"])
                    pid = len(paragraphs)
                    paragraphs.append(context)
                    langs.append(lang)
                    keys.append(key)
                    for qa in par["qas"]:
                        answers = []
                        for ans in qa.get("answers", []):
                            text, start = ans["text"].strip(), int(ans["answer_start"])
                            if not text:
                                continue
                            if context[start:start + len(text)] != text:
                                start = context.find(text)  # CMRC 2018's few drifted offsets
                            if start >= 0:
                                answers.append((start, text))
                        if answers and qa["question"].strip():
                            questions.append(Question(lang, key, pid, qa["question"].strip(),
                                                      answers))
    return paragraphs, langs, keys, questions


def split(questions: list[Question], dev_per_language: int,
          seed: int) -> tuple[list[Question], list[Question]]:
    """Whole articles go to dev until each language has `dev_per_language` questions."""
    rng = random.Random(seed)
    by_lang: dict[str, dict[str, list[Question]]] = defaultdict(lambda: defaultdict(list))
    for q in questions:
        by_lang[q.lang][q.article].append(q)
    train, dev = [], []
    for lang in sorted(by_lang):
        keys = sorted(by_lang[lang])
        rng.shuffle(keys)
        taken = 0
        for key in keys:
            if taken < dev_per_language:
                dev.extend(by_lang[lang][key])
                taken += len(by_lang[lang][key])
            else:
                train.extend(by_lang[lang][key])
    return train, dev


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w+")


def bm25_tokens(text: str) -> list[str]:
    """Words, and character pairs where a script writes no spaces (ja, zh)."""
    out = []
    for w in _WORD.findall(text.lower()):
        if _CJK.search(w):
            out.extend(w[i:i + 2] for i in range(max(len(w) - 1, 1)))
        else:
            out.append(w)
    return out or ["∅"]


def hard_negatives(paragraphs: list[str], langs: list[str], questions: list[Question],
                   article_of: dict[int, str], k: int = 4) -> dict[int, list[int]]:
    """Per question (by position), paragraphs of other articles of its language that BM25
    ranks closest to it, the closest first."""
    import bm25s

    out: dict[int, list[int]] = {}
    for lang in sorted(set(langs)):
        pids = [i for i, x in enumerate(langs) if x == lang]
        retriever = bm25s.BM25()
        retriever.index([bm25_tokens(paragraphs[i]) for i in pids], show_progress=False)
        qis = [i for i, q in enumerate(questions) if q.lang == lang]
        if not qis:
            continue
        docs, _ = retriever.retrieve([bm25_tokens(questions[i].question) for i in qis],
                                     k=min(k + 6, len(pids)), show_progress=False)
        for qi, row in zip(qis, docs, strict=True):
            q = questions[qi]
            out[qi] = [pids[d] for d in row if article_of[pids[d]] != q.article][:k]
    return out


# ---------------------------------------------------------------- examples

@dataclass
class Example:
    ids: list[int]
    start: int  # token positions of the answer inside `ids`; 0 for a negative
    end: int
    label: int
    lang: str
    kind: str  # positive, near, hard


class Tokens:
    """Each paragraph tokenised once, its offsets kept."""

    def __init__(self, tokenizer: object, paragraphs: list[str]) -> None:
        self.tokenizer, self.paragraphs = tokenizer, paragraphs
        self.cache: dict[int, tuple[list[int], list[tuple[int, int]]]] = {}

    def __call__(self, pid: int) -> tuple[list[int], list[tuple[int, int]]]:
        if pid not in self.cache:
            self.cache[pid] = reading.passage_tokens(self.tokenizer, self.paragraphs[pid])
        return self.cache[pid]


def _holds(text: str, answers: list[tuple[int, str]]) -> bool:
    low = text.lower()
    return any(a.lower() in low for _, a in answers)


def positive(tokens: Tokens, q: Question, q_ids: list[int], rng: random.Random) -> Example | None:
    p_ids, offsets = tokens(q.paragraph)
    start, text = q.answers[0]
    end = start + len(text)
    inside = [i for i, (s, e) in enumerate(offsets) if s < end and e > start]
    if not inside or inside[-1] - inside[0] + 1 > MAX_ANSWER_TOKENS:
        return None
    a_s, a_e = inside[0], inside[-1]
    size = reading.room(tokens.tokenizer, q_ids)
    lo_min, lo_max = max(0, a_e - size + 1), min(a_s, max(0, len(p_ids) - size))
    if lo_min > lo_max:
        return None
    lo = rng.randint(lo_min, lo_max)
    w = reading.window(tokens.tokenizer, q_ids, p_ids, offsets, lo, min(lo + size, len(p_ids)))
    return Example(w.ids, w.first + a_s - lo, w.first + a_e - lo, 1, q.lang, "positive")


def negative(tokens: Tokens, q: Question, q_ids: list[int], pid: int, kind: str,
             rng: random.Random) -> Example | None:
    """A window of paragraph `pid` that does not hold any of the question's answers."""
    p_ids, offsets = tokens(pid)
    if not p_ids:
        return None
    size = reading.room(tokens.tokenizer, q_ids)
    starts = list(range(0, max(1, len(p_ids) - size + 1), max(1, size // 3)))
    rng.shuffle(starts)
    text = tokens.paragraphs[pid]
    for lo in starts[:4]:
        w = reading.window(tokens.tokenizer, q_ids, p_ids, offsets, lo,
                           min(lo + size, len(p_ids)))
        if not _holds(text[w.char_start:w.char_end], q.answers):
            return Example(w.ids, 0, 0, 0, q.lang, kind)
    return None


def build_examples(paragraphs: list[str], questions: list[Question],
                   hard: dict[int, list[int]], by_article: dict[str, list[int]],
                   tokenizer: object, near_rate: float, hard_rate: float,
                   seed: int) -> list[Example]:
    rng = random.Random(seed)
    tokens = Tokens(tokenizer, paragraphs)
    out: list[Example] = []
    meter = Meter("examples", len(questions))
    for qi, q in enumerate(questions):
        q_ids = reading.question_ids(tokenizer, q.question)
        pos = positive(tokens, q, q_ids, rng)
        if pos is not None:
            out.append(pos)
        if rng.random() < near_rate:
            # the question's own paragraph away from the answer, else a sibling paragraph
            siblings = [p for p in by_article[q.article] if p != q.paragraph]
            for pid in [q.paragraph, *rng.sample(siblings, min(3, len(siblings)))]:
                ex = negative(tokens, q, q_ids, pid, "near", rng)
                if ex is not None:
                    out.append(ex)
                    break
        if rng.random() < hard_rate and hard.get(qi):
            for pid in hard[qi][:2]:
                ex = negative(tokens, q, q_ids, pid, "hard", rng)
                if ex is not None:
                    out.append(ex)
                    break
        meter.update(qi + 1)
    return out


def crosslingual_examples(path: Path, tokenizer: object, seed: int) -> list[Example]:
    """From `eval/mine_crosslingual.py`'s pairs: each question over its twin's paragraph (the
    answer span known), and the same question over another mined paragraph of that
    paragraph's language that holds none of its answers: so that another language is
    neither a reason to answer nor one to decline."""
    rng = random.Random(seed)
    mined = json.loads(path.read_text("utf-8"))
    paragraphs = {int(k): v for k, v in mined["paragraphs"].items()}
    tokens = Tokens(tokenizer, paragraphs)  # type: ignore[arg-type]
    by_lang: dict[str, dict[int, None]] = defaultdict(dict)  # in the order first mined
    for pair in mined["pairs"]:
        by_lang[pair["passage_lang"]][pair["paragraph"]] = None
    out: list[Example] = []
    for pair in mined["pairs"]:
        q = Question(pair["question_lang"], pair["asked_article"], pair["paragraph"],
                     pair["question"], [(pair["answer_start"], pair["answer"])])
        q_ids = reading.question_ids(tokenizer, q.question)
        pos = positive(tokens, q, q_ids, rng)
        if pos is None:
            continue
        out.append(Example(pos.ids, pos.start, pos.end, 1, q.lang, "xl-positive"))
        others = [pid for pid in by_lang[pair["passage_lang"]] if pid != q.paragraph]
        for pid in rng.sample(others, min(3, len(others))):
            neg = negative(tokens, q, q_ids, pid, "xl-negative", rng)
            if neg is not None:
                out.append(neg)
                break
    return out


def save_examples(path: Path, examples: list[Example]) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for e in examples:
            f.write(json.dumps(e.__dict__, separators=(",", ":")) + "\n")
    os.replace(tmp, path)


def load_examples(path: Path) -> list[Example]:
    with path.open(encoding="utf-8") as f:
        return [Example(**json.loads(line)) for line in f]


# ---------------------------------------------------------------- model stages

def _pad(batch: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    n = max(len(x) for x in batch)
    ids = np.full((len(batch), n), reading.PAD, np.int64)
    mask = np.zeros((len(batch), n), np.int64)
    for i, x in enumerate(batch):
        ids[i, :len(x)] = x
        mask[i, :len(x)] = 1
    return ids, mask


def compute_hidden(model: object, examples: list[Example], work: Path, frozen: int,
                   device: str, bf16: bool, chunk: int = 256, batch: int = 32) -> None:
    """Layer `frozen`'s output for every token of every example, fp16, one flat array;
    `hidden.done` says how many examples are in it (a whole chunk or nothing).
    bf16 on CPU: 1.7x faster here, and the outputs differ from fp32 by 1 % (cosine 1.0000),
    far less than the dropout the trained layers see anyway."""
    import torch

    lengths = np.array([len(e.ids) for e in examples], np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    np.save(work / "hidden.offsets.npy", offsets)
    hidden_size = model.embeddings.word_embeddings.weight.shape[1]
    path = work / "hidden.f16"
    mode = "r+" if path.exists() else "w+"
    store = np.memmap(path, np.float16, mode, shape=(int(offsets[-1]), hidden_size))
    done_file = work / "hidden.done"
    done = int(done_file.read_text()) if done_file.exists() else 0
    meter = Meter(f"hidden (layer {frozen})", len(examples), done)
    model.eval()
    while done < len(examples):
        idx = list(range(done, min(done + chunk, len(examples))))
        idx.sort(key=lambda i: lengths[i])
        for b in range(0, len(idx), batch):
            part = idx[b:b + batch]
            ids, mask = _pad([examples[i].ids for i in part])
            with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16,
                                                        enabled=bf16 and device == "cpu"):
                h = model.lower(torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device),
                                frozen).float().cpu().numpy()
            for row, i in enumerate(part):
                store[offsets[i]:offsets[i + 1]] = h[row, :lengths[i]]
        store.flush()
        done = max(idx) + 1
        tmp = done_file.with_suffix(".tmp")
        tmp.write_text(str(done))
        os.replace(tmp, done_file)
        meter.update(done)


def batches(examples: list[Example], size: int, epoch: int, seed: int) -> list[list[int]]:
    """The epoch's batches, the same after a resume: shuffled, then sorted by length within
    groups of 50 batches (less padding), the batches shuffled again."""
    rng = np.random.default_rng([seed, epoch])
    order = rng.permutation(len(examples))
    out = []
    group = size * 50
    for g in range(0, len(order), group):
        part = sorted(order[g:g + group], key=lambda i: len(examples[i].ids))
        out.extend([list(map(int, part[b:b + size])) for b in range(0, len(part), size)])
    rng.shuffle(out)
    return out


def train(model: object, examples: list[Example], work: Path, args: argparse.Namespace) -> None:
    import torch

    offsets = np.load(work / "hidden.offsets.npy")
    hidden_size = model.embeddings.word_embeddings.weight.shape[1]
    store = np.memmap(work / "hidden.f16", np.float16, "r", shape=(int(offsets[-1]), hidden_size))
    layers = [f"encoder.layer.{i}." for i in range(args.frozen, len(model.encoder.layer))]
    body = [p for n, p in model.named_parameters() if n.startswith(tuple(layers))]
    heads = list(model.heads.parameters())
    for p in model.parameters():
        p.requires_grad_(False)
    for p in body + heads:
        p.requires_grad_(True)
    optimizer = torch.optim.AdamW([{"params": body, "lr": args.lr},
                                   {"params": heads, "lr": args.lr * 5}], weight_decay=0.01)
    per_epoch = len(batches(examples, args.batch, 0, args.seed))
    total = int(per_epoch * args.epochs)
    warm = max(1, int(0.06 * total))

    def factor(step: int) -> float:
        return step / warm if step < warm else max(0.0, (total - step) / (total - warm))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    ckpt = work / "checkpoint.pt"
    step = 0
    if ckpt.exists():
        state = torch.load(ckpt, map_location="cpu", weights_only=False)
        model.load_state_dict(state["model"], strict=False)
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        # a resume may change the learning rate (the schedule's shape stays)
        scheduler.base_lrs = [args.lr, args.lr * 5]
        step = state["step"]
        print(f"train: resumed at step {step}/{total}", file=sys.stderr)
    if step >= total:
        return
    model.train()
    torch.manual_seed(args.seed + step)
    meter = Meter("train (steps)", total, step)
    last_save, losses = time.monotonic(), []
    bf16 = args.device == "cpu" and args.bf16
    plan: dict[int, list[list[int]]] = {}
    while step < total:
        epoch, b = divmod(step, per_epoch)
        if epoch not in plan:
            plan = {epoch: batches(examples, args.batch, epoch, args.seed)}
        part = plan[epoch][b]
        rows = [store[offsets[i]:offsets[i + 1]] for i in part]
        n = max(len(r) for r in rows)
        h = np.zeros((len(part), n, hidden_size), np.float32)
        mask = np.zeros((len(part), n), np.int64)
        ctx = np.zeros((len(part), n), bool)
        for r, (i, x) in enumerate(zip(part, rows, strict=True)):
            h[r, :len(x)] = x
            mask[r, :len(x)] = 1
            first = examples[i].ids.index(reading.EOS) + 2 + args.prefix_len
            ctx[r, first:len(x) - 1] = True
        labels = torch.tensor([examples[i].label for i in part], dtype=torch.float32)
        starts = torch.tensor([examples[i].start for i in part])
        ends = torch.tensor([examples[i].end for i in part])
        dev = args.device
        with torch.autocast(dev if dev != "cuda" else "cuda", dtype=torch.bfloat16,
                            enabled=bf16 or dev == "cuda"):
            s_logit, e_logit, a_logit = model.upper(torch.from_numpy(h).to(dev),
                                                    torch.from_numpy(mask).to(dev), args.frozen)
        ctx_t = torch.from_numpy(ctx).to(dev)
        s_logit = s_logit.float().masked_fill(~ctx_t, -1e4)
        e_logit = e_logit.float().masked_fill(~ctx_t, -1e4)
        pos = labels.to(dev) > 0
        span = torch.zeros((), device=dev)
        if pos.any():
            ce = torch.nn.functional.cross_entropy
            span = (ce(s_logit[pos], starts.to(dev)[pos]) + ce(e_logit[pos], ends.to(dev)[pos])) / 2
        bce = torch.nn.functional.binary_cross_entropy_with_logits(a_logit.float(), labels.to(dev))
        loss = span + bce
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(body + heads, 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        losses.append((span.item(), bce.item()))
        if time.monotonic() - last_save > args.save_every or step == total:
            _save(ckpt, model, optimizer, scheduler, step, args.frozen)
            last_save = time.monotonic()
        if len(losses) >= 20 or step == total:
            sp, bc = np.mean(losses, axis=0)
            meter.update(step, f"span {sp:.3f} answer {bc:.3f}")
            losses = []


def _save(path: Path, model: object, optimizer: object, scheduler: object, step: int,
          frozen: int) -> None:
    import torch

    from bot.answer.reader_model import trained_state

    tmp = path.with_suffix(".tmp")
    torch.save({"model": trained_state(model, frozen), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(), "step": step}, tmp)
    os.replace(tmp, path)


# ---------------------------------------------------------------- check

CHECK = SHIPPED.with_name("reader.check.json")
CHECK_PAIRS = [  # (question, passage): a few languages, answering and not
    ("When did South Korea suspend new downloads of DeepSeek?",
     "On 17 February, the South Korean government suspended new downloads of the DeepSeek "
     "chatbot app, citing data security concerns."),
    ("Quand la Corée du Sud a-t-elle suspendu les téléchargements de DeepSeek ?",
     "Le 17 février, le gouvernement sud-coréen a suspendu les téléchargements de "
     "l'application DeepSeek."),
    ("Who won the 2023 Nobel Prize in Physics?",
     "Samsung held its AI Forum 2023 in Seoul, where researchers presented new chips."),
    ("딥시크는 언제 한국에서 다운로드가 중단되었나?",
     "Le 17 février, le gouvernement sud-coréen a suspendu les téléchargements de "
     "l'application DeepSeek."),
    ("英伟达的市值是多少？", "Am Dienstag stieg der Börsenwert von Nvidia auf etwa 3,34 Billionen "
     "Dollar."),
]


def write_check(model: object, tokenizer: object, path: Path = CHECK) -> None:
    """What the training script's own (fp32) model says on fixed inputs: the assembled
    reader must say the same (tests/test_reader.py)."""
    import torch

    out = []
    model.eval()
    for question, text in CHECK_PAIRS:
        w = reading.windows(tokenizer, question, text)[0]
        ids = torch.tensor([w.ids])
        with torch.no_grad():
            start, end, answers = model(ids, torch.ones_like(ids))
        k = len(w.offsets)
        s = start[0, w.first:w.first + k].numpy()
        e = end[0, w.first:w.first + k].numpy()
        from bot.answer.reader import best_span

        a, b, _ = best_span(s, e)
        out.append({"question": question, "text": text,
                    "answers": float(torch.sigmoid(answers[0])),
                    "start": w.offsets[a][0], "end": w.offsets[b][1]})
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", "utf-8")


# ---------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="the shared data folder (holds qa/ and piaf/)")
    parser.add_argument("--work", type=Path,
                        default=Path.home() / ".cache" / "newsdesk" / "reader-train",
                        help="where examples, hidden states and checkpoints are kept")
    parser.add_argument("--out", type=Path, default=SHIPPED)
    parser.add_argument("--model", type=Path, default=None,
                        help="the provisioned e5 folder (default: newsdesk's model cache)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--per-language", type=int, default=5000)
    parser.add_argument("--dev-per-language", type=int, default=300)
    parser.add_argument("--near", type=float, default=0.3, help="share of questions given a "
                        "near-topic negative")
    parser.add_argument("--hard", type=float, default=0.3, help="… a BM25 hard negative")
    parser.add_argument("--frozen", type=int, default=9)
    parser.add_argument("--epochs", type=float, default=1.5)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-4, help="the trained layers' (the "
                        "heads' is five times this)")
    parser.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=True,
                        help="bf16 autocast on CPU (the frozen layers' pass, the trained layers)")
    parser.add_argument("--save-every", type=float, default=180.0, help="seconds")
    parser.add_argument("--crosslingual", type=Path, default=None, help="mined cross-lingual "
                        "pairs (eval/mine_crosslingual.py): their examples join the training "
                        "examples")
    parser.add_argument("--repeat", type=int, default=1, help="… each that many times")
    parser.add_argument("--same", type=int, default=0, help="keep only this many of the "
                        "same-language examples (0: all): a short run from --init")
    parser.add_argument("--init", type=Path, default=None, help="start the trained layers "
                        "from this file (e.g. the shipped one) instead of e5's")
    parser.add_argument("--check-only", action="store_true", help="only write the check file "
                        "from the last checkpoint (training must be finished)")
    args = parser.parse_args()

    import torch

    from bot.answer.reader_model import load_e5, save_trained
    from index.provision import provision
    from index.settings import IndexSettings

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    folder = args.model or provision(IndexSettings().models_dir)
    args.work.mkdir(parents=True, exist_ok=True)
    (args.work / "args.json").write_text(json.dumps(
        {k: str(v) for k, v in vars(args).items()}, indent=1))
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(folder)).backend_tokenizer
    args.prefix_len = len(tokenizer.encode(reading.PASSAGE_PREFIX, add_special_tokens=False).ids)

    examples_path = args.work / "examples.jsonl"
    dev_path = args.work / "dev.jsonl"
    if not examples_path.exists():
        paragraphs, langs, keys, questions = load(args.data)
        train_q, dev_q = split(questions, args.dev_per_language, args.seed)
        rng = random.Random(args.seed)
        by_lang: dict[str, list[Question]] = defaultdict(list)
        for q in train_q:
            by_lang[q.lang].append(q)
        picked: list[Question] = []
        for lang in sorted(by_lang):
            qs = by_lang[lang]
            rng.shuffle(qs)
            picked.extend(qs[:args.per_language])
            print(f"{lang}: {min(len(qs), args.per_language)} training questions of {len(qs)}; "
                  f"dev {sum(1 for q in dev_q if q.lang == lang)}", file=sys.stderr)
        article_of = dict(enumerate(keys))
        by_article: dict[str, list[int]] = defaultdict(list)
        for pid, key in sorted(article_of.items()):
            by_article[key].append(pid)
        print("mining hard negatives (BM25 per language)", file=sys.stderr)
        hard = hard_negatives(paragraphs, langs, picked, article_of)
        examples = build_examples(paragraphs, picked, hard, by_article, tokenizer, args.near,
                                  args.hard, args.seed)
        dev_hard = hard_negatives(paragraphs, langs, dev_q, article_of)
        dev = build_examples(paragraphs, dev_q, dev_hard, by_article, tokenizer, 1.0, 1.0,
                             args.seed + 1)
        # the dev slice as text too: the report reads sentences and runs the e5 baseline
        (args.work / "dev_questions.json").write_text(json.dumps(
            [{"lang": q.lang, "article": q.article, "question": q.question,
              "context": paragraphs[q.paragraph], "answers": q.answers} for q in dev_q],
            ensure_ascii=False))
        save_examples(dev_path, dev)
        if args.same:
            examples = random.Random(args.seed).sample(examples, min(args.same, len(examples)))
        if args.crosslingual:
            examples += crosslingual_examples(args.crosslingual, tokenizer, args.seed) * \
                args.repeat
        save_examples(examples_path, examples)
    examples = load_examples(examples_path)
    kinds = defaultdict(int)
    for e in examples:
        kinds[e.kind] += 1
    print(f"examples: {len(examples)} {dict(kinds)}", file=sys.stderr)

    model = load_e5(folder).to(args.device)
    if args.init and not (args.work / "checkpoint.pt").exists():
        from safetensors.torch import load_file

        state = {k: v.float() for k, v in load_file(str(args.init)).items()}
        model.load_state_dict(state, strict=False)
        print(f"trained layers from {args.init}", file=sys.stderr)
    if not args.check_only:
        compute_hidden(model, examples, args.work, args.frozen, args.device, args.bf16)
    train(model, examples, args.work, args)
    model.eval()
    # beside the weights it checks, so a trial run elsewhere leaves the shipped pair alone
    write_check(model.cpu(), tokenizer, args.out.with_name(args.out.stem + ".check.json"))
    if args.check_only:
        return
    save_trained(model.cpu(), args.frozen, args.out, {
        "seed": str(args.seed), "examples": str(len(examples)), "epochs": str(args.epochs)})
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
