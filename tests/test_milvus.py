"""The Milvus store against milvus-lite: the hits and answers FAISS gives, atomic publish, a
failed publish that leaves the old version serving, and several processes on one index.

milvus-lite serves one process per `.db` file (a second one is refused, tested below), so
the several-process test runs milvus-lite's own gRPC server on 127.0.0.1 and points every
process at it by URI, as a deployment points them at a cluster.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import MODEL_CACHE, make_settings

from bot.desk import SAMPLE_DIR, AnswerOnly, Desk
from corpus.models import Article
from index.embedder import Embedder
from index.filters import Filters
from index.milvus import PARTS, MilvusStore, MilvusUnavailable, MilvusVersion
from index.store import IndexStore

pytestmark = pytest.mark.slow

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")
QUESTIONS = [json.loads(line)["question"] for line in
             (Path(__file__).parent.parent / "eval" / "sample_questions.jsonl")
             .read_text("utf-8").splitlines() if line.strip()][::3]

SMALL = {
    "kr": Article(id="kr", title="South Korea suspends DeepSeek downloads", outlet="Wire",
                  url="https://example.org/kr", published=date(2025, 2, 17), language="en",
                  text="On 17 February South Korea suspended new downloads of the DeepSeek "
                       "app, citing data protection. The National Intelligence Service had "
                       "warned ministries about privacy risks."),
    "tw": Article(id="tw", title="Taiwan bars agencies from DeepSeek", outlet="Wire",
                  url="https://example.org/tw", published=date(2025, 2, 3), language="en",
                  text="Taiwan's digital ministry barred government agencies from using "
                       "DeepSeek, saying the service endangers national information security."),
    "de": Article(id="de", title="Mistral stellt neues Modell vor", outlet="Netz",
                  url="https://example.org/de", published=date(2025, 3, 1), language="de",
                  text="Das französische Start-up Mistral hat ein neues Sprachmodell "
                       "vorgestellt. Es soll kleiner und schneller sein als sein Vorgänger."),
}
NEW = Article(id="it", title="Italy blocks DeepSeek", outlet="Wire", url="https://example.org/it",
              published=date(2025, 1, 30), language="en",
              text="Italy's data protection authority ordered DeepSeek to block its chatbot "
                   "in the country after the company failed to answer questions about how it "
                   "handles personal data.")


def milvus_settings(home: Path, uri: str = "", **overrides: object):
    return make_settings(home, store="milvus", milvus_uri=uri, **overrides)


def hits(candidates: list) -> list[tuple[str, int]]:
    return [(c.article.id, c.passage.ordinal) for c in candidates]


@pytest.fixture(scope="module")
def milvus_sample(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Desk:
    """The bundled corpus built through the builder into milvus-lite."""
    desk = Desk(milvus_settings(tmp_path_factory.mktemp("milvus-sample")), embedder=embedder)
    assert not desk.ingest([SAMPLE_DIR]).errors
    desk.reindex()
    return desk


def small_desk(home: Path, embedder: Embedder, uri: str = "", **overrides: object) -> Desk:
    desk = Desk(milvus_settings(home, uri, **overrides), embedder=embedder)
    for article in SMALL.values():
        desk.catalogue.upsert(article)
    return desk


def test_same_hits_and_answers_as_faiss(sample_desk: Desk, milvus_sample: Desk) -> None:
    assert isinstance(sample_desk.store, IndexStore)
    assert isinstance(milvus_sample.retriever().version, MilvusVersion)
    answered = 0
    for question in QUESTIONS:
        faiss_answer, faiss_hits = sample_desk.ask_with_hits(question)
        milvus_answer, milvus_hits = milvus_sample.ask_with_hits(question)
        assert hits(milvus_hits) == hits(faiss_hits), question
        for a, b in zip(faiss_hits, milvus_hits, strict=True):
            assert b.relevance == pytest.approx(a.relevance, abs=1e-5)
            assert b.sentence_scores == pytest.approx(a.sentence_scores, abs=1e-6)
        assert milvus_answer.abstained == faiss_answer.abstained
        assert [(c.article_id, c.excerpt) for c in milvus_answer.citations] == \
            [(c.article_id, c.excerpt) for c in faiss_answer.citations]
        answered += not faiss_answer.abstained
    assert answered >= len(QUESTIONS) // 2  # the comparison covers real answers


def test_filters_and_more_like_match_faiss(sample_desk: Desk, milvus_sample: Desk) -> None:
    articles = list(sample_desk.retriever().version.articles.values())
    outlet = max({a.outlet for a in articles}, key=lambda s: sum(a.outlet == s for a in articles))
    days = sorted(a.published for a in articles if a.published)
    chosen = [Filters(language="de"), Filters(outlet=outlet), Filters(since=days[len(days) // 2]),
              Filters(language="en", since=days[len(days) // 3])]
    for filters in chosen:
        for question in QUESTIONS[:6]:
            faiss_hits = sample_desk.ask_with_hits(question, filters=filters)[1]
            milvus_hits = milvus_sample.ask_with_hits(question, filters=filters)[1]
            assert hits(milvus_hits) == hits(faiss_hits), (filters, question)
            assert all(filters.admits(c.article) for c in milvus_hits)
    shown = [c.article_id for c in sample_desk.ask(QUESTIONS[0]).citations]
    assert shown
    assert milvus_sample.more_like(shown) == sample_desk.more_like(shown)
    assert milvus_sample.more_like(shown, filters=Filters(language="fr")) == \
        sample_desk.more_like(shown, filters=Filters(language="fr"))


def test_reindex_reuses_vectors_and_prunes_old_collections(tmp_path: Path,
                                                           embedder: Embedder) -> None:
    desk = small_desk(tmp_path / "home", embedder)
    first = desk.reindex()
    assert first.version == "v-000001" and first.articles_embedded == 3
    before = desk.ask("Why did South Korea suspend DeepSeek?")
    desk.catalogue.upsert(NEW)
    second = desk.reindex()
    assert (second.articles_embedded, second.articles_reused) == (1, 3)
    assert desk.retriever().version.name == "v-000002"
    assert desk.ask("Why did South Korea suspend DeepSeek?").citations[0].excerpt == \
        before.citations[0].excerpt
    assert desk.ask("Which country's data authority blocked DeepSeek's chatbot?") \
        .citations[0].article_id == "it"
    assert desk.pending() == 0 and desk.stats().indexed_articles == 4
    for title in ("one", "two", "three"):
        desk.catalogue.upsert(NEW.model_copy(update={"title": title}))
        desk.reindex()
    store = desk.store
    assert isinstance(store, MilvusStore)
    assert store.versions() == ["v-000003", "v-000004", "v-000005"]
    assert store.current_name() == "v-000005"
    left = {c for c in store.client.list_collections() if c.startswith("newsdesk_")}
    assert left == {store.collection(v, part) for v in store.versions() for part in PARTS}


def test_a_reader_during_publish_sees_old_or_new_never_part(tmp_path: Path,
                                                            embedder: Embedder) -> None:
    desk = small_desk(tmp_path / "home", embedder)
    desk.reindex()
    desk.catalogue.upsert(NEW)
    reader = MilvusStore(desk.store.uri, tmp_path / "reader")  # a second client, same index
    seen: list[str] = []
    errors: list[BaseException] = []
    done = threading.Event()
    query = embedder.queries(["Which data authority blocked DeepSeek?"])[0]

    def read() -> None:
        while not done.is_set():
            try:
                for name in reader.versions():  # a listed version is complete
                    assert len([p for p in reader._parts()[name]]) == len(PARTS)
                version = reader.load()
                assert len(version.passages) == version.manifest.passages
                assert set(version.manifest.articles) == set(version.articles)
                for language in version.languages:
                    rows, _ = version.search_group(language, query, 5)
                    assert all(version.row_language[r] == language for r in rows.tolist())
                seen.append(version.name)
            except BaseException as exc:  # reported below, with what was seen
                errors.append(exc)
                return

    thread = threading.Thread(target=read)
    thread.start()
    try:
        time.sleep(0.3)
        desk.reindex()
        time.sleep(0.3)
    finally:
        done.set()
        thread.join()
    assert not errors, errors
    assert set(seen) == {"v-000001", "v-000002"}
    assert seen == sorted(seen)  # once the new version is seen, never the old one again
    assert len(reader.load().articles) == 4


def test_a_failed_publish_keeps_the_old_version_serving(tmp_path: Path,
                                                        embedder: Embedder) -> None:
    desk = small_desk(tmp_path / "home", embedder)
    desk.reindex()
    question = "Why did South Korea suspend DeepSeek?"
    before = desk.ask_with_hits(question)
    # a language code Milvus refuses (longer than its field): the passages insert fails
    # after the articles and sentences of the new version were written
    desk.catalogue.upsert(NEW.model_copy(update={"language": "x" * 40}))
    with pytest.raises(MilvusUnavailable, match="previous version still serves"):
        desk.reindex()
    store = desk.store
    assert isinstance(store, MilvusStore)
    assert store.current_name() == "v-000001" and store.versions() == ["v-000001"]
    assert set(store._parts()) == {"v-000001"}  # nothing of the failed version is left
    after = desk.ask_with_hits(question)
    assert hits(after[1]) == hits(before[1])
    fresh = Desk(milvus_settings(tmp_path / "home"), embedder=embedder)
    assert hits(fresh.ask_with_hits(question)[1]) == hits(before[1])


def test_an_answer_only_shard_never_publishes(tmp_path: Path, embedder: Embedder) -> None:
    desk = small_desk(tmp_path / "home", embedder)
    desk.reindex()
    shard = Desk(milvus_settings(tmp_path / "home", answer_only=True), embedder=embedder)
    with pytest.raises(AnswerOnly, match="only answers"):
        shard.reindex()
    assert shard.pending() == 0
    assert shard.ask("Why did South Korea suspend DeepSeek?").citations


def test_a_second_process_on_one_lite_file_gets_one_line(tmp_path: Path,
                                                         embedder: Embedder) -> None:
    desk = small_desk(tmp_path / "home", embedder)
    desk.reindex()  # this process holds the file
    env = {**os.environ, "NEWSDESK_HOME": str(tmp_path / "shard"), "NEWSDESK_STORE": "milvus",
           "NEWSDESK_MILVUS_URI": str(tmp_path / "home" / "index" / "milvus.db"),
           "NEWSDESK_ANSWER_ONLY": "1", "NEWSDESK_MODEL_CACHE": str(MODEL_CACHE)}
    done = subprocess.run([NEWSDESK, "ask", "Why did South Korea suspend DeepSeek?"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode != 0
    assert "milvus-lite serves one process at a time" in done.stderr
    assert "NEWSDESK_MILVUS_URI=http://" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture
def milvus_server(tmp_path: Path) -> Iterator[str]:
    """milvus-lite's gRPC server on a free loopback port: a Milvus URI several processes
    share, as they would share a cluster's."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(Path(sys.executable).parent / "milvus-lite"), "server",
                               "--data-dir", str(tmp_path / "server"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_several_processes_answer_from_one_shared_index(tmp_path: Path, embedder: Embedder,
                                                        milvus_server: str) -> None:
    indexer = small_desk(tmp_path / "indexer", embedder, milvus_server)
    indexer.reindex()
    question = "Why did South Korea suspend DeepSeek?"
    expected = [(c.article_id, c.excerpt) for c in indexer.ask(question).citations]
    assert expected and expected[0][0] == "kr"
    # a shard created before the next publish follows it (follow_seconds=0: at every ask)
    shard = Desk(milvus_settings(tmp_path / "shard-0", milvus_server, answer_only=True,
                                 follow_seconds=0), embedder=embedder)
    assert [(c.article_id, c.excerpt) for c in shard.ask(question).citations] == expected

    def env(name: str) -> dict[str, str]:
        return {**os.environ, "NEWSDESK_HOME": str(tmp_path / name), "NEWSDESK_STORE": "milvus",
                "NEWSDESK_MILVUS_URI": milvus_server, "NEWSDESK_ANSWER_ONLY": "1",
                "NEWSDESK_MODEL_CACHE": str(MODEL_CACHE)}

    shards = [subprocess.Popen([NEWSDESK, "ask", "--json", question], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env(f"shard-{i}"))
              for i in (1, 2)]  # their own empty homes: no catalogue, no sample loaded
    for process in shards:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        answer = json.loads(out)
        assert [(c["article_id"], c["excerpt"]) for c in answer["citations"]] == expected
    for i in (1, 2):  # a shard's home holds no catalogue of its own articles
        assert Desk(make_settings(tmp_path / f"shard-{i}")).catalogue.count() == 0

    indexer.catalogue.upsert(NEW)
    indexer.reindex()
    answer = shard.ask("Which country's data authority blocked DeepSeek's chatbot?")
    assert shard.retriever().version.name == "v-000002"
    assert answer.citations[0].article_id == "it"
