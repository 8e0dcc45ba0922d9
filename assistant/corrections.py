"""Metadata corrections: what a user fills in where the parser found no title, issuer, number, date
or level. Kept beside the index (`corrections.json`), applied over the parsed Document wherever
documents are listed or named; a re-ingest keeps them, a delete drops them."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from ingest.model import Document, Level

log = logging.getLogger(__name__)

FIELDS = ("title", "issuers", "doc_number", "date", "level")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_LIMITS = {"title": 200, "doc_number": 60, "issuer": 80}


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def validate(
    *,
    title: str | None = None,
    issuers: list[str] | tuple[str, ...] | None = None,
    doc_number: str | None = None,
    date: str | None = None,
    level: str | None = None,
) -> dict[str, Any]:
    """The given fields, cleaned; ValueError (in Chinese) naming the field that is wrong.
    None leaves a field as parsed; an empty text clears a correction."""
    out: dict[str, Any] = {}
    if title is not None:
        out["title"] = _clean(title)
        if len(out["title"]) > _LIMITS["title"]:
            raise ValueError(f"标题太长（超过 {_LIMITS['title']} 个字）")
    if issuers is not None:
        out["issuers"] = [_clean(i) for i in issuers if _clean(i)]
        if any(len(i) > _LIMITS["issuer"] for i in out["issuers"]) or len(out["issuers"]) > 10:
            raise ValueError("发文机关太长或太多（最多 10 个，每个不超过 80 个字）")
    if doc_number is not None:
        out["doc_number"] = _clean(doc_number)
        if len(out["doc_number"]) > _LIMITS["doc_number"]:
            raise ValueError("文号太长")
    if date is not None:
        out["date"] = _clean(date).replace("/", "-").replace(".", "-")
        if out["date"] and not _DATE.fullmatch(out["date"]):
            raise ValueError(f"日期格式不对：{date!r}（应为 2022-03-17、2022-03 或 2022）")
    if level is not None:
        if level and level not in {lv.value for lv in Level}:
            raise ValueError(f"层级不对：{level!r}")
        out["level"] = level
    return out


class Corrections:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._data: dict[str, dict[str, Any]] = {}
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._data = {k: v for k, v in loaded.items() if isinstance(v, dict)}
        except FileNotFoundError:
            pass
        except (OSError, ValueError):
            log.warning("ignoring unreadable metadata corrections in %s", path)

    def apply(self, doc: Document) -> Document:
        fixed = self._data.get(doc.doc_id)
        if not fixed:
            return doc
        changes: dict[str, Any] = {}
        for name, value in fixed.items():
            if name not in FIELDS or value in ("", None, []):
                continue
            if name == "issuers":
                changes[name] = tuple(value)
            elif name == "level":
                changes[name] = Level(value)
            else:
                changes[name] = str(value)
        return dataclasses.replace(doc, **changes)

    def set(self, doc_id: str, fields: dict[str, Any]) -> None:
        with self._lock:
            entry = {**self._data.get(doc_id, {}), **fields}
            entry = {k: v for k, v in entry.items() if v not in ("", None, [])}
            if entry:
                self._data[doc_id] = entry
            else:
                self._data.pop(doc_id, None)
            self._save()

    def forget(self, doc_id: str) -> None:
        with self._lock:
            if self._data.pop(doc_id, None) is not None:
                self._save()

    def _save(self) -> None:
        """Written whole to a temporary file, then renamed over the old one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".corrections-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self._data, f, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)
