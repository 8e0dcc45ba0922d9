"""A scripted chat model for plumbing tests: replies in order, remembers every prompt it was sent
(langchain_core's GenericFakeChatModel plus a history), and streams each reply in small pieces."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import Field

from assistant.index.embeddings import KeywordEmbeddings
from assistant.index.store import Index
from assistant.llm.chain import ChatModelFactory
from assistant.service import PolicyQA
from assistant.settings import Settings


class ScriptedChatModel(GenericFakeChatModel):
    """`ScriptedChatModel.of("答复一", "答复二")`; `history` holds the messages of each call."""

    history: list[list[BaseMessage]] = Field(default_factory=list)
    piece_chars: int = 3

    @classmethod
    def of(cls, *replies: str) -> ScriptedChatModel:
        return cls(messages=iter([AIMessage(content=r) for r in replies]))

    def factory(self) -> ChatModelFactory:
        return lambda: self

    @property
    def prompts(self) -> list[str]:
        """The text of every call's messages, joined."""
        return ["\n".join(str(m.content) for m in call) for call in self.history]

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.history.append(list(messages))
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        """Pieces of a few characters, as a real server streams tokens (Chinese has no spaces
        for the parent's whitespace split)."""
        result = self._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
        text = str(result.generations[0].message.content)
        for i in range(0, len(text), self.piece_chars):
            piece = text[i : i + self.piece_chars]
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk


def keyword_library(
    tmp_path_factory: Any, documents: dict[str, str], vocabulary: list[str]
) -> PolicyQA:
    """A PolicyQA over small documents written for a test (`doc_id` → text), embedded with
    `KeywordEmbeddings` so that ingest and questions stay fast."""
    folder = tmp_path_factory.mktemp("docs")
    for doc_id, text in documents.items():
        (folder / f"{doc_id}.txt").write_text(text, "utf-8")
    settings = Settings(index=tmp_path_factory.mktemp("idx"), corpus=folder)
    qa = PolicyQA(settings, index=Index(settings, embeddings=KeywordEmbeddings(vocabulary)))
    report = qa.ingest([folder])
    assert not report.failed, report.failed
    return qa
