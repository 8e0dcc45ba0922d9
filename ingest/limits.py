"""Size limits that keep one pathological file from costing minutes or swamping the answers.

Measured on the 46 documents of the seed and external corpora: the longest is 19,320 characters,
the longest line 848 characters, the longest provision 1,479 characters. The limits sit one to
two orders of magnitude above that, so a real policy text never meets them, while a file with a
single 1 MB line, or a provision that swallowed a whole book, is refused before it is embedded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ingest.errors import IngestError
from ingest.model import Provision

MAX_DOCUMENT_CHARS = 1_000_000  # 50x the longest document seen
MAX_LINE_CHARS = 20_000  # 24x the longest line seen
MAX_PROVISION_CHARS = 30_000  # 20x the longest provision seen
MAX_PROVISIONS = 5_000  # the most provisions seen in one document is 72
MAX_DOCX_XML_BYTES = 100_000_000  # uncompressed word/document.xml (a zip bomb is refused)


def check_text(path: str | Path, text: str) -> None:
    """Refuse text too large to be a policy document, or with a line no reader would write."""
    if len(text) > MAX_DOCUMENT_CHARS:
        raise IngestError(
            path, f"文字过多（{len(text):,} 字，上限 {MAX_DOCUMENT_CHARS:,} 字），不像一份政策文件"
        )
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise IngestError(
                path,
                f"第 {number} 行过长（{len(line):,} 字，上限 {MAX_LINE_CHARS:,} 字）："
                "文件可能缺少换行，请按段落换行后再导入",
            )


def check_provisions(path: str | Path, provisions: Sequence[Provision]) -> None:
    """Refuse a parse whose provisions are too many or too long to be read as articles."""
    if len(provisions) > MAX_PROVISIONS:
        raise IngestError(
            path,
            f"条款过多（{len(provisions):,} 个，上限 {MAX_PROVISIONS:,} 个），不像一份政策文件",
        )
    for p in provisions:
        if len(p.text) > MAX_PROVISION_CHARS:
            raise IngestError(
                path,
                f"“{p.label}”过长（{len(p.text):,} 字，单个条款上限 {MAX_PROVISION_CHARS:,} 字）："
                "文件的编号可能无法识别",
            )
