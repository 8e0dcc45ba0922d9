"""BM25 over jieba tokens of the chunks; tokens persisted as JSON, BM25 rebuilt on load."""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

from assistant.index.chroma import StoreHit
from assistant.index.tables import atomic_write_text
from ingest.model import Chunk
from ingest.segment import tokenize

log = logging.getLogger(__name__)

FORMAT_VERSION = 1

Tokenizer = Callable[[str], list[str]]


def default_tokenizer() -> Tokenizer:
    """ingest's tokenizer (jieba + the domain dictionary)."""
    return tokenize


def _is_term(token: str) -> bool:
    """Drop whitespace and punctuation tokens: they match everything and mean nothing."""
    token = token.strip()
    return bool(token) and not all(unicodedata.category(ch)[0] in "PZS" for ch in token)


@dataclass(frozen=True, slots=True)
class _Entry:
    chunk_id: str
    doc_id: str
    key: str
    tokens: tuple[str, ...]


class KeywordIndex:
    """BM25Okapi over the chunks of every document; per-document replace and remove."""

    def __init__(self, tokenize: Tokenizer | None = None) -> None:
        self._tokenize = tokenize
        self._entries: dict[str, list[_Entry]] = {}  # doc_id -> its chunks, in order
        self._model_cache: tuple[BM25Okapi, list[_Entry]] | None = None  # swapped as one

    @property
    def tokenize(self) -> Tokenizer:
        if self._tokenize is None:
            self._tokenize = default_tokenizer()
        return self._tokenize

    def terms(self, text: str) -> list[str]:
        return [t for t in self.tokenize(text) if _is_term(t)]

    def set_doc(self, doc_id: str, chunks: Iterable[Chunk]) -> None:
        self._entries[doc_id] = [
            _Entry(c.chunk_id, c.doc_id, c.key, tuple(self.terms(c.text))) for c in chunks
        ]
        self._model_cache = None

    def remove_doc(self, doc_id: str) -> None:
        if self._entries.pop(doc_id, None) is not None:
            self._model_cache = None

    def doc_ids(self) -> set[str]:
        return set(self._entries)

    def __len__(self) -> int:
        return sum(len(v) for v in self._entries.values())

    def _model(self) -> tuple[BM25Okapi, list[_Entry]] | None:
        if self._model_cache is None:
            flat = [e for entries in self._entries.values() for e in entries]
            if flat:
                self._model_cache = (BM25Okapi([list(e.tokens) or [""] for e in flat]), flat)
        return self._model_cache

    def search(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[StoreHit]:
        """Chunks ranked by BM25; chunks sharing no term with the query are left out."""
        model = self._model()
        terms = self.terms(query)
        if model is None or not terms or k <= 0:
            return []
        bm25, flat = model
        scores = bm25.get_scores(terms)
        vocabulary = set(terms)
        hits: list[StoreHit] = []
        for i in np.argsort(-np.asarray(scores), kind="stable"):
            entry = flat[int(i)]
            if doc_ids is not None and entry.doc_id not in doc_ids:
                continue
            if not vocabulary.intersection(entry.tokens):
                continue
            hits.append(StoreHit(entry.chunk_id, entry.doc_id, entry.key, float(scores[i])))
            if len(hits) >= k:
                break
        return hits

    def save(self, path: Path) -> None:
        data = {
            "version": FORMAT_VERSION,
            "docs": {
                doc_id: [[e.chunk_id, e.key, list(e.tokens)] for e in entries]
                for doc_id, entries in self._entries.items()
            },
        }
        atomic_write_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    @classmethod
    def load(cls, path: Path, tokenize: Tokenizer | None = None) -> KeywordIndex:
        index = cls(tokenize)
        if not path.exists():
            return index
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != FORMAT_VERSION:
            log.warning("keyword index %s has an old format; it will be rebuilt on ingest", path)
            return index
        for doc_id, rows in data["docs"].items():
            index._entries[doc_id] = [
                _Entry(str(cid), doc_id, str(key), tuple(tokens)) for cid, key, tokens in rows
            ]
        return index
