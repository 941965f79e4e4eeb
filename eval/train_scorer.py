"""Train the answering-sentence scorer (`bot/scorer.json`) on PIAF and the bundled questions.

    .venv/bin/python eval/train_scorer.py ../shared/data/piaf/piaf-v1.0.json

Each PIAF question becomes one choice among the sentences of its paragraph
(chunked into passages as the index would); the sentence holding the answer
span is the right choice. Each question of `eval/sample_questions.jsonl`
with answer keywords becomes one choice among the sentences of its gold
article in the bundled corpus: news, other languages, cross-lingual askers.

Figures printed: on a fifth of PIAF paragraphs held out, and on the bundled
questions by 5-fold cross-validation grouped by article (each fold scored by
weights that never saw it) — how often the answering sentence is picked,
against the embedding model alone. Then the weights are fitted on everything
and written out. XQuAD is the test set and is never read here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.scorer import WEIGHTS, Question, Sentence, feature_names, features
from corpus.chunker import chunk
from corpus.models import Article


@dataclass
class Example:
    question: Question
    sentences: list[Sentence]
    answer: int
    group: str  # the paragraph, so held-out paragraphs are unseen


def load_piaf(path: Path) -> list[tuple[str, list[tuple[str, int]]]]:
    data = json.loads(path.read_text("utf-8"))
    out = []
    for entry in data["data"]:
        for para in entry["paragraphs"]:
            qas = [(qa["question"], qa["answers"][0]["answer_start"]) for qa in para["qas"]
                   if qa.get("answers")]
            if qas:
                out.append((para["context"], qas))
    return out


def embed(paragraphs: list[tuple[str, list[tuple[str, int]]]], cache: Path) -> dict:
    if cache.is_file():
        with np.load(cache, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    from bot.settings import BotSettings
    from index.embedder import Embedder

    embedder = Embedder(BotSettings())
    passages, sentences, questions = [], [], []
    for i, (text, qas) in enumerate(paragraphs):
        for p in chunk(Article(id=f"p{i}", text=text, language="fr")):
            passages.append(text[p.start:p.end])
            sentences += [text[s.start:s.end] for s in p.sentences]
        questions += [q for q, _ in qas]
    print(f"embedding {len(passages)} passages, {len(sentences)} sentences, "
          f"{len(questions)} questions", file=sys.stderr)
    arrays = {"passages": embedder.passages(passages), "sentences": embedder.passages(sentences),
              "questions": embedder.queries(questions)}
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, **arrays)
    return arrays


def examples(paragraphs: list[tuple[str, list[tuple[str, int]]]], vectors: dict) -> list[Example]:
    out = []
    p_row = s_row = q_row = 0
    for i, (text, qas) in enumerate(paragraphs):
        spans = []  # (start, end, passage row)
        for p in chunk(Article(id=f"p{i}", text=text, language="fr")):
            spans += [(s.start, s.end, p_row) for s in p.sentences]
            p_row += 1
        s_vectors = vectors["sentences"][s_row:s_row + len(spans)]
        s_row += len(spans)
        centroid = s_vectors.mean(axis=0)
        centrality = s_vectors @ (centroid / np.linalg.norm(centroid))
        group = hashlib.sha256(text.encode()).hexdigest()[:8]
        for question, answer_start in qas:
            q = vectors["questions"][q_row]
            q_row += 1
            answer = next((j for j, (a, b, _) in enumerate(spans) if a <= answer_start < b), None)
            if answer is None:
                continue
            s_scores = s_vectors @ q
            sentences = [Sentence(text=text[a:b], score=float(s_scores[j]),
                                  passage_score=float(vectors["passages"][row] @ q),
                                  position=j, same_language=True,
                                  centrality=float(centrality[j]))
                         for j, (a, b, row) in enumerate(spans)]
            out.append(Example(Question.read(question, "fr"), sentences, answer, group))
    return out


def bundled_examples(questions_path: Path) -> list[Example]:
    """The bundled corpus indexed in a scratch home; each question's gold article's
    sentences scored the way the retriever scores them."""
    import tempfile

    from bot.desk import SAMPLE_DIR, Desk
    from bot.evaluation import _norm
    from bot.settings import BotSettings
    from corpus.language import question_language
    from index.ranking import article_sentences

    settings = BotSettings()
    with tempfile.TemporaryDirectory(prefix="newsdesk-train-") as home:
        desk = Desk(settings.model_copy(update={"home": Path(home),
                                                "model_cache": settings.models_dir}))
        desk.ingest([SAMPLE_DIR])
        desk.reindex()
        version = desk.retriever().version
        out = []
        for line in questions_path.read_text("utf-8").splitlines():
            row = json.loads(line)
            keys = [_norm(k) for k in row.get("answer_keywords", [])]
            if not row.get("gold") or not keys:
                continue
            language = question_language(row["question"])
            query = desk.embedder.queries([row["question"]])[0]
            for article_id in row["gold"]:
                article = version.texts([article_id]).get(article_id)
                if article is None or not any(k in _norm(article.text) for k in keys):
                    continue
                scored = article_sentences(version, article_id, query)
                sentences = [Sentence(text=article.text[x.start:x.end], score=x.score,
                                      passage_score=x.passage_score, position=i,
                                      centrality=x.centrality,
                                      same_language=language == article.language)
                             for i, x in enumerate(scored)]
                answer = next((i for i, x in enumerate(sentences)
                               if any(k in _norm(x.text) for k in keys)), None)
                if answer is not None and len(sentences) > 1:
                    out.append(Example(Question.read(row["question"], language), sentences,
                                       answer, article_id))
                    break
        return out


def _padded(data: list[tuple[np.ndarray, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sets of sentences padded into one array, so a step is a few matrix products."""
    width = max(len(x) for x, _ in data)
    dim = data[0][0].shape[1]
    x = np.zeros((len(data), width, dim))
    mask = np.zeros((len(data), width), bool)
    y = np.array([label for _, label in data])
    for i, (rows, _) in enumerate(data):
        x[i, :len(rows)] = rows
        mask[i, :len(rows)] = True
    return x, mask, y


def fit(data: list[tuple[np.ndarray, int]], l2: float = 0.001, steps: int = 1500) -> np.ndarray:
    """Conditional logit by Adam on the mean negative log-likelihood plus L2."""
    x, mask, y = _padded(data)
    w = np.zeros(x.shape[2])
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    chosen = x[np.arange(len(y)), y]
    for t in range(1, steps + 1):
        z = np.where(mask, x @ w, -np.inf)
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        grad = l2 * w + (np.einsum("nk,nkd->d", p, x) - chosen.sum(axis=0)) / len(y)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad ** 2
        w -= 0.02 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w


def accuracy(data: list[tuple[np.ndarray, int]], w: np.ndarray) -> float:
    return sum(int(np.argmax(x @ w)) == y for x, y in data) / len(data)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("piaf", type=Path)
    ap.add_argument("--questions", type=Path,
                    default=Path(__file__).with_name("sample_questions.jsonl"))
    ap.add_argument("--bundled-weight", type=int, default=5,
                    help="how many times each bundled question counts next to a PIAF one")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/newsdesk-piaf-vectors.npz"))
    ap.add_argument("--out", type=Path, default=WEIGHTS)
    args = ap.parse_args()
    paragraphs = load_piaf(args.piaf)
    piaf = [e for e in examples(paragraphs, embed(paragraphs, args.cache))
            if len(e.sentences) > 1]
    bundled = bundled_examples(args.questions)
    piaf_data = [(features(e.question, e.sentences), e.answer) for e in piaf]
    bundled_data = [(features(e.question, e.sentences), e.answer) for e in bundled]
    names = feature_names()
    only_model = np.zeros(len(names))
    only_model[names.index("score_gap")] = 1.0

    held = {i for i, e in enumerate(piaf) if int(e.group, 16) % 5 == 0}
    w = fit([d for i, d in enumerate(piaf_data) if i not in held])
    test = [piaf_data[i] for i in sorted(held)]
    print(f"PIAF: {len(piaf_data)} questions; held out {len(test)}: answering sentence picked "
          f"by the embedding model alone {accuracy(test, only_model):.3f}, "
          f"by the scorer {accuracy(test, w):.3f}")

    fold = [int(hashlib.sha256(e.group.encode()).hexdigest(), 16) % 5 for e in bundled]
    right = {"model": 0, "piaf only": 0, "piaf + bundled": 0}
    piaf_only = fit(piaf_data)
    for k in range(5):
        train = [d for d, f in zip(bundled_data, fold, strict=True) if f != k]
        test = [d for d, f in zip(bundled_data, fold, strict=True) if f == k]
        w = fit(piaf_data + train * args.bundled_weight)
        right["model"] += sum(int(np.argmax(x @ only_model)) == y for x, y in test)
        right["piaf only"] += sum(int(np.argmax(x @ piaf_only)) == y for x, y in test)
        right["piaf + bundled"] += sum(int(np.argmax(x @ w)) == y for x, y in test)
    print(f"bundled questions: {len(bundled_data)}; 5-fold, by article: answering sentence "
          "picked by " + ", ".join(f"{k} {v / len(bundled_data):.3f}" for k, v in right.items()))

    w = fit(piaf_data + bundled_data * args.bundled_weight)
    print(f"fitted on all: in-sample PIAF {accuracy(piaf_data, w):.3f}, "
          f"bundled {accuracy(bundled_data, w):.3f}")
    args.out.write_text(json.dumps({
        "features": names, "weights": [round(float(x), 5) for x in w],
        "trained_on": "PIAF v1.0 (etalab-ia/piaf-code, MIT), every question with an answer; "
                      f"eval/sample_questions.jsonl with answer keywords, x{args.bundled_weight}",
        "examples": len(piaf_data) + len(bundled_data),
    }, indent=1) + "\n", "utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
