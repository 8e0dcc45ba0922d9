"""The one error ingest raises for a file it cannot read or parse."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A file could not be ingested; the message is in Chinese and names the file."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"文件 {Path(self.path).name}：{problem}")
