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
    min_significance: float = Field(
        3.6, description="an article must also stand this many standard deviations above "
        "unrelated text of its language: a small cross-lingual margin magnifies noise as "
        "well as matches, and this bar does not. Calibrated to decline at most 1 in 50 "
        "answerable PIAF questions (2nd percentile 3.65; bundled answerable questions: "
        "1st percentile 7.41)"
    )
    reader: bool = Field(
        True, description="read the leading passages with the trained reader (bot/answer/"
        "reader.py): it picks the answering sentence and the short answer, and declines when "
        "no passage answers; off: the sentence scorer picks, and only the relevance bars "
        "decline")
    min_answer: float = Field(
        0.2, ge=0, le=1, description="the reader's probability that a passage answers, below "
        "which newsdesk says it does not know; the same in every language. 0.2 declines 2.5 % "
        "of the bundled answerable questions (`eval/calibrate_reader.py`); above it more "
        "answerable questions are declined than unanswerable ones")
    story_similarity: float = Field(
        0.85, description="two articles are one story when their first passages' vectors are "
        "at least this close (cosine), they appear within `story_days` and their titles name "
        "the same actors (`story_names`). Calibrated on the bundled corpus's labelled stories "
        "(`eval/calibrate_stories.py`): every bar from 0.83 to 0.88 groups them as labelled; "
        "below 0.83 a Korean DeepSeek ban joins an English one of another country")
    story_days: int = Field(
        3, ge=0, description="the most days apart two articles of one story appear (2 and 3 "
        "group the labelled sample as labelled; 5 joins Altman's dismissal and his return)")
    story_names: float = Field(
        0.75, ge=0, le=1, description="the share of both titles' names the other article "
        "holds, at least (labelled sample: one story 1.00, different events ≤ 0.60, but 0.83 "
        "for Altman's dismissal and return, four days apart)")
    answer_only: bool = Field(
        False, description="an answering shard of a shared (Milvus) index: it never builds, "
        "fetches or adds sources, and never loads the sample corpus into an empty catalogue; "
        "one indexer process owns the catalogue and publishes")
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
    llm_url: str | None = Field(
        None, description="base URL of an OpenAI-compatible chat-completions server (Ollama: "
        "http://127.0.0.1:11434/v1, llama.cpp's server, vLLM, LM Studio, OpenAI); set, answers "
        "are written in the asker's language and checked against the quotes; unset: quotes only")
    llm_model: str = Field("", description="the model the server should use (required with "
                           "llm_url; any name for llama.cpp's server)")
    llm_api_key: SecretStr | None = Field(None, description="sent as a bearer token; never shown")
    llm_deadline: float = Field(
        20.0, gt=0, description="seconds the whole LLM call may take (connect, answer, "
        "streaming); past it the member gets the quoted answer")
    llm_stream: bool = Field(True, description="ask for a streamed reply (SSE)")
    llm_min_support: float = Field(
        0.085, description="a written sentence is kept only if its best cited sentence rises "
        "this far above what unrelated text of that language scores (calibrated with "
        "`eval/calibrate_writer.py`)")

    @property
    def sources_root(self) -> Path:
        return self.sources_dir or (self.home / "sources")
