"""Document ids: a safe slug of the file name, the only way an id is made from outside text.

A doc_id names `docs/<doc_id>.json` in the index, a chroma metadata value and the `<doc_id>#<key>`
reference of a citation, so it never holds a path separator, a `..`, a `#`, markup or a control
character, whatever the file was called.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

from ingest.errors import IngestError

MAX_ID_CHARS = 100
# letters, digits, CJK ideographs, and - _ . inside
_WORD = r"A-Za-z0-9_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNSAFE = re.compile(rf"[^{_WORD}.-]+")
_VALID = re.compile(rf"[{_WORD}](?:[{_WORD}.-]{{0,{MAX_ID_CHARS - 2}}}[{_WORD}])?")


def slug(name: str) -> str:
    """A safe doc_id from any name: unsafe runs become "-", no leading/trailing or doubled
    punctuation; a name with nothing safe in it gets `doc-<hash>`."""
    text = unicodedata.normalize("NFKC", name)
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"-{2,}", "-", text)
    text = re.sub(r"[-.]*-[-.]*", "-", text)  # "-.-" → "-"
    text = text[:MAX_ID_CHARS].strip("-._")
    if not text:
        return "doc-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return text


def doc_id_for(path: str | Path) -> str:
    """The doc_id of a file: the slug of its stem (`corpus/苏州 意见(2022).txt` → `苏州-意见-2022`)."""
    return slug(Path(path).stem)


def is_valid_doc_id(doc_id: str) -> bool:
    """True for what `slug` makes: safe to use in a file name, a metadata filter and a reference."""
    return bool(_VALID.fullmatch(doc_id)) and ".." not in doc_id and slug(doc_id) == doc_id


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


def refuse_same_id(
    files: Sequence[Path], indexed: Mapping[str, str]
) -> tuple[list[Path], list[tuple[str, str]]]:
    """Split `files` into those that may be ingested and (path, message) refusals.

    `indexed` maps each indexed doc_id to its source path. A file whose doc_id belongs to another
    file that still exists (an indexed document from another folder, an upload named like an
    indexed document, or an earlier file of the same batch) is refused with a message naming both
    paths: a document is never silently replaced by a different file. The same file again is an
    update; a document whose source file is gone may be replaced by the file that has its name."""
    owners = {doc_id: Path(source) for doc_id, source in indexed.items() if source}
    in_batch: set[str] = set()
    accepted: list[Path] = []
    refused: list[tuple[str, str]] = []
    for path in files:
        doc_id = doc_id_for(path)
        owner = owners.get(doc_id)
        if owner is not None and owner.is_file() and not _same_file(owner, path):
            if doc_id in in_batch:
                problem = (
                    f"与同一批中的文件 {owner} 同名（文件标识 {doc_id}），只导入前者，本文件未导入："
                    "如是另一份文件，请改名后再导入"
                )
            else:
                problem = (
                    f"与已导入的文件 {owner} 同名（文件标识 {doc_id}），未导入，也未替换原文件："
                    "如要替换，请先删除原文件；如是另一份文件，请改名后再导入"
                )
            refused.append((str(path), str(IngestError(path, problem))))
            continue
        owners[doc_id] = path
        in_batch.add(doc_id)
        accepted.append(path)
    return accepted, refused
