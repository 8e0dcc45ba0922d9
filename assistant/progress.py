"""Progress inside one file's ingest: the index reports each file as it starts; this reports the
texts embedded so far, which is where the time of a first build or a large upload goes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from langchain_core.embeddings import Embeddings

from assistant.index.embeddings import embedding_id, make_embeddings

Progress = Callable[[str, float], None]


@dataclass
class _File:
    name: str = ""
    fraction: float = 0.0
    texts: int = 0


class ReportingEmbeddings(Embeddings):
    """The configured embedding model (created on first use, as the index would), counting the
    passages it embeds for whoever listens (`listen`)."""

    def __init__(self, spec: str) -> None:
        self.model_id = embedding_id(spec)
        self._spec = spec
        self._model: Embeddings | None = None
        self._lock = threading.Lock()
        self._listener: Callable[[int], None] | None = None

    @property
    def model(self) -> Embeddings:
        with self._lock:
            if self._model is None:
                self._model = make_embeddings(self._spec)
            return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self.model.embed_documents(texts)
        listener = self._listener
        if listener is not None and texts:
            listener(len(texts))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text)

    def listen(self, progress: Progress | None) -> Progress | None:
        """Wrap an ingest's progress: each file's report, then `<file>：已向量化 N 段文本` as
        batches are embedded. Call `listen(None)` afterwards."""
        if progress is None:
            self._listener = None
            return None
        file = _File()

        def on_file(message: str, fraction: float) -> None:
            file.name, file.fraction, file.texts = message, fraction, 0
            progress(message, fraction)

        def on_batch(n: int) -> None:
            file.texts += n
            progress(f"{file.name}：已向量化 {file.texts} 段文本", file.fraction)

        self._listener = on_batch
        return on_file
