"""The index type by size: a language group above the exact limit gets an IVF index, built
when its segment is written, persisted with its nprobe, read (never rebuilt) at load, and
finding what exact search finds, filtered or not."""

from __future__ import annotations

import json
from pathlib import Path

import faiss
import numpy as np
import pytest

import index.ann as ann
from bot.desk import Desk
from corpus.models import Article, Passage, Span
from index.embedder import Embedder
from index.store import IndexStore, IndexVersion

QUESTIONS = Path(__file__).parent.parent / "eval" / "sample_questions.jsonl"
LIMIT = 1_000  # the exact limit these tests lower to, through NEWSDESK_EXACT_LIMIT
NPROBE = 48  # of ~154 lists at ~6,000 rows: a real approximation, not a scan of every list
PER_ARTICLE = 10


def mixed(base: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Real-ish vectors: pairwise mixtures of real e5 vectors plus a little noise, as
    benchmarks/bench_million.py makes its million."""
    a, b = rng.integers(0, len(base), n), rng.integers(0, len(base), n)
    w = rng.uniform(0.5, 1.0, (n, 1)).astype(np.float32)
    out = w * base[a] + (1 - w) * base[b] + rng.normal(0, 0.02, (n, base.shape[1]))
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def archive(n_articles: int, language: str) -> tuple[list[Article], list[Passage]]:
    """Articles of PER_ARTICLE one-sentence passages each: shapes the store accepts."""
    spans, text = [], ""
    for i in range(PER_ARTICLE):
        sentence = f"Sentence {i} of the archive."
        spans.append(Span(start=len(text), end=len(text) + len(sentence)))
        text += sentence + " "
    articles = [Article(id=f"a{i}", language=language, text=text) for i in range(n_articles)]
    passages = [Passage(article_id=a.id, ordinal=j, start=span.start, end=span.end,
                        sentences=[span])
                for a in articles for j, span in enumerate(spans)]
    return articles, passages


def publish(root: Path, version: IndexVersion, vectors: np.ndarray,
            sentences: np.ndarray, extra: tuple[list[Article], list[Passage]]) -> None:
    """One segment: a large synthetic French group, and the bundled corpus's own small
    groups (which stay exact)."""
    articles, passages = extra
    own = list(version.texts(version.article_ids).values())
    IndexStore(root).publish(
        model=version.manifest.model, recipe=version.manifest.recipe,
        articles=own + articles, passages=list(version.passages) + passages,
        vectors=np.vstack([np.asarray(version.vectors), vectors]),
        sentence_vectors=np.vstack([np.asarray(version.sentence_vectors), sentences]),
        languages=version.offsets.languages, language_means=version.offsets.centred)


def exact_top(version: IndexVersion, language: str, query: np.ndarray, k: int,
              allowed: np.ndarray | None) -> set[int]:
    rows = np.array([r for r, lang in enumerate(version.row_language) if lang == language
                     and (allowed is None or allowed[r])], np.int64)
    scores = np.asarray(version.vectors[rows]) @ query
    return set(rows[np.argsort(-scores)[:k]].tolist())


def test_a_group_above_the_limit_is_ivf_persisted_reloaded_unbuilt_and_recalls(
        sample_desk: Desk, embedder: Embedder, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_EXACT_LIMIT", str(LIMIT))
    monkeypatch.setattr(ann, "NPROBE", NPROBE)
    bundled = sample_desk.store.load()
    real = np.vstack([np.asarray(bundled.vectors), np.asarray(bundled.sentence_vectors)])
    rng = np.random.default_rng(5)
    extra = archive(600, "fr")  # 6,000 passages, above LIMIT
    vectors = mixed(real, 600 * PER_ARTICLE, rng)
    root = tmp_path / "index"
    publish(root, bundled, vectors, vectors, extra)

    store = IndexStore(root)
    ref = store.manifest(store.current_name() or "").segments[0]  # type: ignore[index]
    fr = ref.languages.index("fr")
    written = faiss.read_index(str(root / ref.name / f"faiss-{fr}.index"))
    assert ann.kind(written) == "ivf" and written.ntotal > LIMIT
    ivf = faiss.downcast_index(written)
    assert ivf.nprobe == NPROBE < ivf.nlist == ann.lists_for(written.ntotal)  # kept in the file
    assert all(written.ntotal <= LIMIT for i, lang in enumerate(ref.languages) if lang != "fr"
               for written in [faiss.read_index(str(root / ref.name / f"faiss-{i}.index"))])

    def no_build(*_a: object, **_k: object) -> None:
        pytest.fail("an index was built at load")

    monkeypatch.setattr(ann, "build", no_build)
    version = IndexStore(root).load()
    kinds = {lang: ann.kind(version.segments[0].indexes[lang]) for lang in version.languages}
    assert kinds.pop("fr") == "ivf" and set(kinds.values()) == {"exact"}

    questions = [json.loads(x)["question"] for x in QUESTIONS.read_text().splitlines()]
    queries = embedder.queries(questions[:40])
    n = len(version.passages)
    masks = {"none": None, "half": rng.random(n) < 0.5, "narrow": rng.random(n) < 0.02}
    for name, allowed in masks.items():
        found = []
        for q in queries:
            rows, scores = version.search_group("fr", q, 10, allowed)
            assert allowed is None or allowed[rows].all(), name
            np.testing.assert_allclose(scores, np.asarray(version.vectors[rows]) @ q,
                                       atol=1e-5)
            assert list(scores) == sorted(scores, reverse=True)
            expected = exact_top(version, "fr", q, 10, allowed)
            assert len(rows) == len(expected)  # a filter still gets its full k
            found.append(len(set(rows.tolist()) & expected) / len(expected))
        assert np.mean(found) >= 0.95, (name, np.mean(found))


def test_below_the_limit_a_group_is_exact_and_ivf_matches_exact_on_the_same_rows(
        sample_desk: Desk, embedder: Embedder) -> None:
    bundled = sample_desk.store.load()
    assert {ann.kind(index) for s in bundled.segments for index in s.indexes.values()} \
        == {"exact"}
    real = np.vstack([np.asarray(bundled.vectors), np.asarray(bundled.sentence_vectors)])
    vectors = mixed(real, 3_000, np.random.default_rng(9))
    ivf, flat = ann.build(vectors, limit=0), ann.build(vectors)
    assert (ann.kind(ivf), ann.kind(flat)) == ("ivf", "exact")
    assert faiss.downcast_index(ivf).nlist == ann.lists_for(3_000) == 3_000 // 39
    queries = embedder.queries(["DeepSeek privacy ban", "chips export rules"])
    everything = np.ones(len(vectors), bool)
    for q in queries:
        near, far = (ann.search(index, q.reshape(1, -1), 10, everything)
                     for index in (ivf, flat))
        assert len(set(near[1].tolist()) & set(far[1].tolist())) >= 9
