"""The chat chain in langchain terms: `ChatPromptTemplate | ChatOpenAI | StrOutputParser`,
one code path for the bundled model (through the local xllamacpp server) and any
OpenAI-compatible endpoint."""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from assistant.llm import prompts
from assistant.settings import Settings

ChatModelFactory = Callable[[], BaseChatModel]
LOCAL_API_KEY = "not-needed"  # the local server runs without a key, the client insists on one


def chat_prompt() -> ChatPromptTemplate:
    return ChatPromptTemplate.from_messages([("system", prompts.SYSTEM), ("human", prompts.HUMAN)])


def build_chain(model: BaseChatModel) -> Runnable[dict[str, str], str]:
    """{context, question} → streamed answer text."""
    return chat_prompt() | model | StrOutputParser()


def chat_model(
    *, base_url: str | None, api_key: SecretStr | str, model: str, settings: Settings
) -> ChatOpenAI:
    key = api_key if isinstance(api_key, SecretStr) else SecretStr(api_key)
    return ChatOpenAI(
        base_url=base_url,
        api_key=key,
        model=model,
        streaming=True,
        temperature=settings.llm.temperature,
        max_completion_tokens=settings.llm.max_tokens,
        timeout=300,
        max_retries=1,
    )


def openai_factory(settings: Settings) -> ChatModelFactory:
    """OPENAI_BASE_URL / OPENAI_API_KEY / POLICYQA_LLM_MODEL (DeepSeek, Qwen, vLLM, Ollama, …)."""

    def make() -> BaseChatModel:
        if settings.openai_api_key is None and settings.openai_base_url is None:
            raise ValueError(
                "openai 后端需要设置 OPENAI_BASE_URL（兼容 OpenAI 的服务地址）和 OPENAI_API_KEY，"
                "模型名用 POLICYQA_LLM_MODEL 指定。"
            )
        return chat_model(
            base_url=settings.openai_base_url,
            api_key=settings.openai_api_key or LOCAL_API_KEY,
            model=settings.llm_model,
            settings=settings,
        )

    return make


def local_factory(settings: Settings) -> ChatModelFactory:
    """The bundled GGUF (or POLICYQA_LLM_GGUF) served by xllamacpp on 127.0.0.1 (started lazily)."""

    def make() -> BaseChatModel:
        from assistant.llm.local_model import resolve_gguf  # noqa: PLC0415 - only for `local`
        from assistant.llm.local_server import MODEL_ALIAS, ServerConfig, shared_server  # noqa: PLC0415

        gguf = resolve_gguf(settings.index, settings.llm_gguf)
        llm = settings.llm
        server = shared_server(
            ServerConfig(gguf, llm.context_tokens, llm.threads, max_tokens=llm.max_tokens)
        )
        return chat_model(
            base_url=server.base_url, api_key=LOCAL_API_KEY, model=MODEL_ALIAS, settings=settings
        )

    return make
