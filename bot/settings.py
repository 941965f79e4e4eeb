"""Settings of the answering layer and its faces (CLI, Discord)."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr

from index.settings import IndexSettings


class BotSettings(IndexSettings):
    min_score: float = Field(
        0.80, description="a passage must score at least this to be cited; below it we abstain"
    )
    max_sources: int = Field(3, description="at most this many sources per answer")
    max_question_chars: int = 500
    discord_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("DISCORD_TOKEN", "NEWSDESK_DISCORD_TOKEN")
    )
