"""Settings shared by every layer: where newsdesk keeps its data.

Each layer extends this class with its own fields, so `bot` can hold one
settings object that `index` and `corpus` accept as their own.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from corpus.fetcher import FetchSettings


def default_home() -> Path:
    """A per-user data folder, following XDG so it never lands inside the repo."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "newsdesk"


class CorpusSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSDESK_", env_file=".env", extra="ignore", populate_by_name=True
    )

    home: Path = Field(default_factory=default_home, description="data home")
    max_file_bytes: int = Field(20_000_000, description="larger files are refused, not read")
    allow_hosts: str = Field(
        "", description="comma-separated host names, addresses or CIDR ranges that may be "
        "fetched although they are not public (e.g. 127.0.0.1 for tests)")
    poll_minutes: float = Field(30.0, description="how often feeds and URLs are fetched")
    fetch_max_bytes: int = 5_000_000
    fetch_timeout: float = 10.0
    fetch_deadline: float = 30.0
    host_delay: float = Field(1.0, description="seconds between two requests to one host")

    @property
    def catalogue_path(self) -> Path:
        return self.home / "catalogue.sqlite3"

    def fetch_settings(self) -> FetchSettings:
        return FetchSettings(
            allow_hosts=[h for h in self.allow_hosts.split(",") if h.strip()],
            max_bytes=self.fetch_max_bytes, read_timeout=self.fetch_timeout,
            deadline=self.fetch_deadline, host_delay=self.host_delay,
        )

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home
