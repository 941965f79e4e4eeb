"""Settings shared by every layer: where newsdesk keeps its data.

Each layer extends this class with its own fields, so `bot` can hold one
settings object that `index` and `corpus` accept as their own.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    @property
    def catalogue_path(self) -> Path:
        return self.home / "catalogue.sqlite3"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home
