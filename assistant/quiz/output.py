"""A quiz or a guide in the format asked for: text for stdout (json, md) or a file (any format)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from assistant.quiz.guide import Guide
from assistant.quiz.model import Quiz
from assistant.quiz.render_docx import write_guide_docx, write_quiz_docx
from assistant.quiz.render_md import guide_markdown, quiz_markdown
from assistant.quiz.render_xlsx import write_quiz_xlsx
from ingest.model import Document

QUIZ_FORMATS = ("json", "md", "docx", "xlsx")
GUIDE_FORMATS = ("md", "docx")


def quiz_json(quiz: Quiz) -> str:
    return json.dumps(quiz.to_json(), ensure_ascii=False, indent=2)


def quiz_text(quiz: Quiz, fmt: str, documents: Sequence[Document] = ()) -> str:
    if fmt == "json":
        return quiz_json(quiz)
    if fmt == "md":
        return quiz_markdown(quiz, documents)
    raise ValueError(f"{fmt} 格式只能写入文件：请用 --out 指定文件名")


def write_quiz(quiz: Quiz, fmt: str, path: Path, documents: Sequence[Document] = ()) -> Path:
    _check(fmt, QUIZ_FORMATS, path)
    if fmt == "docx":
        return write_quiz_docx(quiz, path, documents)
    if fmt == "xlsx":
        return write_quiz_xlsx(quiz, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(quiz_text(quiz, fmt, documents), encoding="utf-8")
    return path


def write_guide(guide: Guide, fmt: str, path: Path) -> Path:
    _check(fmt, GUIDE_FORMATS, path)
    if fmt == "docx":
        return write_guide_docx(guide, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(guide_markdown(guide), encoding="utf-8")
    return path


def default_name(kind: str, doc_ids: Sequence[str], seed: int | None, fmt: str) -> Path:
    """quiz-<doc>-s<seed>.docx / guide-<doc>.md in the working folder."""
    stem = doc_ids[0] if len(doc_ids) == 1 else f"{len(doc_ids)}docs" if doc_ids else "all"
    tail = f"-s{seed}" if seed is not None else ""
    return Path(f"{kind}-{stem}{tail}.{fmt}")


def _check(fmt: str, allowed: Sequence[str], path: Path) -> None:
    if fmt not in allowed:
        raise ValueError(f"不支持的格式：{fmt}（可选：{'、'.join(allowed)}）")
    if path.exists() and path.is_dir():
        raise ValueError(f"输出路径是一个文件夹：{path}")
