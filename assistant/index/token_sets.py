"""The token sets of a library's provisions, read from the tables one by one when support scoring
asks for them: opening 30,000 provisions builds none of them."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping

from assistant.index.corpus import provision_tokens
from assistant.index.tables import Tables
from ingest.model import Provision

Ref = tuple[str, str]


class TokenSets(Mapping[Ref, frozenset[str]]):
    """(doc_id, key) → token set, for the provisions of the committed versions given."""

    def __init__(self, tables: Tables, provisions: Mapping[Ref, tuple[Provision, int, int]]):
        self._tables = tables
        self._provisions = provisions  # ref → (provision, position, document version)
        self._found: dict[Ref, frozenset[str]] = {}
        self._lock = threading.Lock()

    def __getitem__(self, ref: Ref) -> frozenset[str]:
        found = self._found.get(ref)
        if found is None:
            provision, pos, version = self._provisions[ref]
            stored = self._tables.tokens_of(provision.doc_id, pos, version)
            # a version replaced meanwhile: the provision's own tokens, computed
            found = stored if stored is not None else provision_tokens(provision)
            with self._lock:
                self._found[ref] = found
        return found

    def __iter__(self) -> Iterator[Ref]:
        return iter(self._provisions)

    def __len__(self) -> int:
        return len(self._provisions)
