"""The index and its adapters: embeddings, the chroma store, the keyword index, the provision tables, the
in-memory corpus view with support scoring, and hybrid retrieval."""

from assistant.index.store import Index, IngestReport, Scored

__all__ = ["Index", "IngestReport", "Scored"]
