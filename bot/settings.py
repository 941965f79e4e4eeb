"""Settings of the answering layer and its faces (CLI, Discord)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr

from index.settings import IndexSettings


class BotSettings(IndexSettings):
    min_relevance: float = Field(
        0.055, description="an article must be at least this relevant to be cited; below it "
        "we abstain. Relevance is the rise above chance in margins of a true match, alike in "
        "every pair of languages. Calibrated to decline at most 1 in 50 answerable questions "
        "of the French PIAF set (`newsdesk eval piaf.fr.json --sweep`: 0.0553) and of "
        "`eval/sample_questions.jsonl` (0.1125); the names and numbers a question holds "
        "must also be found in the article"
    )
    max_citations: int = Field(3, description="at most this many articles cited per answer")
    max_question_chars: int = 500
    sources_dir: Path | None = Field(
        None, description="folders moderators add from Discord must lie inside this one "
        "(default: <home>/sources)",
    )
    max_concurrent_answers: int = 2
    shard_count: int | None = None
    sync_guild: int | None = Field(None, description="sync slash commands to this guild only")
    discord_api: str | None = Field(
        None, description="REST base URL, e.g. http://127.0.0.1:8080/api/v10 (a proxy or a "
        "test server); default: Discord's own")
    discord_gateway: str | None = Field(
        None, description="gateway URL, e.g. ws://127.0.0.1:8080/; default: Discord's own")
    discord_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("DISCORD_TOKEN", "NEWSDESK_DISCORD_TOKEN")
    )

    @property
    def sources_root(self) -> Path:
        return self.sources_dir or (self.home / "sources")
