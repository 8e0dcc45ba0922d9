"""Checks on uploaded files (type, size, empty, binary) and their storage under sanitised names."""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".txt", ".md", ".docx", ".xlsx", ".pdf", ".html", ".htm")
TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
MAGIC = {
    ".docx": (b"PK\x03\x04", "不是有效的 Word（.docx）文件"),
    ".xlsx": (b"PK\x03\x04", "不是有效的 Excel（.xlsx）文件"),
    ".pdf": (b"%PDF", "不是有效的 PDF 文件"),
}
_UNSAFE = re.compile(r"[^A-Za-z0-9_\u4e00-\u9fff-]+")


@dataclass(frozen=True, slots=True)
class Checked:
    source: Path  # where gradio put the upload
    name: str  # original file name, for messages
    stored: Path | None = None  # where it was saved (None when rejected)
    problem: str | None = None  # Chinese reason when rejected


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def sanitise(name: str, data: bytes) -> str:
    """A safe file name from an uploaded one: letters, digits, CJK, '-' and '_' only."""
    path = Path(name.replace("\\", "/").split("/")[-1])
    suffix = path.suffix.lower()
    stem = _UNSAFE.sub("-", path.stem).strip("-_")[:80]
    return f"{stem or 'upload-' + hashlib.sha256(data).hexdigest()[:8]}{suffix}"


def problem_of(name: str, data: bytes, max_bytes: int) -> str | None:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        shown = suffix or "无扩展名"
        return f"不支持的文件类型（{shown}）：请上传 .txt、.md、.docx、.xlsx、.pdf 或 .html 文件"
    if not data:
        return "文件是空的"
    if len(data) > max_bytes:
        return f"文件过大（{_mb(len(data))}），上限为 {_mb(max_bytes)}"
    if suffix in MAGIC:
        magic, message = MAGIC[suffix]
        return None if data.startswith(magic) else message
    return _text_problem(data)


def _text_problem(data: bytes) -> str | None:
    if b"\x00" in data[:8192]:
        return "不是文本文件（内容像是二进制数据），请另存为 .txt 或 .docx 后再上传"
    if not data.strip():
        return "文件没有文字内容"
    return None


def check_and_store(sources: list[Path], folder: Path, max_bytes: int) -> list[Checked]:
    """Reject bad files with a reason; copy good ones into `folder` under sanitised names."""
    out: list[Checked] = []
    for source in sources:
        name = source.name
        size = source.stat().st_size if source.exists() else 0
        if size > max_bytes and Path(name).suffix.lower() in SUFFIXES:
            out.append(
                Checked(source, name, problem=f"文件过大（{_mb(size)}），上限为 {_mb(max_bytes)}")
            )
            continue
        data = source.read_bytes() if source.exists() else b""
        problem = problem_of(name, data, max_bytes)
        if problem:
            out.append(Checked(source, name, problem=problem))
            continue
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / sanitise(name, data)
        shutil.copyfile(source, target)
        out.append(Checked(source, name, stored=target))
    return out
