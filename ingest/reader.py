"""Read a file into text: encoding detection (UTF-8, UTF-8 BOM, GB18030) and simple formats."""

from __future__ import annotations

import importlib
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

from ingest.errors import IngestError

logger = logging.getLogger(__name__)

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MIN_CJK_SHARE = 0.6
MAX_MIXED_SHARE = 0.2
GB18030_NOTE = "按 GB18030 编码读取"


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    notes: tuple[str, ...] = ()


def _mixed_share(text: str) -> float:
    """Share of CJK characters glued to a Latin letter: high when Latin-1 bytes were misread."""
    cjk = _CJK_RE.findall(text)
    if not cjk:
        return 1.0
    glued = re.findall(r"[A-Za-z][\u3400-\u9fff]|[\u3400-\u9fff][A-Za-z]", text)
    return len(glued) / len(cjk)


def _cjk_share(text: str) -> float:
    """Share of CJK characters among the non-ASCII, non-space characters."""
    wide = [c for c in text if ord(c) > 127 and not c.isspace()]
    if not wide:
        return 0.0
    return sum(1 for c in wide if _CJK_RE.match(c)) / len(wide)


def decode_bytes(data: bytes, path: str | Path = "<bytes>") -> DecodedText:
    """Decode text bytes strictly; GB18030 only when the result is plausibly Chinese."""
    if not data.strip():
        raise IngestError(path, "文件为空")
    if data.startswith(b"\xef\xbb\xbf"):
        return DecodedText(data[3:].decode("utf-8", errors="strict"), "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return DecodedText(data.decode("utf-16"), "utf-16", ("按 UTF-16 编码读取",))
        except UnicodeDecodeError as exc:
            raise IngestError(path, "不是文本文件（UTF-16 解码失败）") from exc
    if b"\x00" in data:
        raise IngestError(path, "不是文本文件（含有二进制内容）")
    try:
        return DecodedText(data.decode("utf-8", errors="strict"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030", errors="strict")
    except UnicodeDecodeError as exc:
        raise IngestError(path, "不是文本文件，或编码无法识别（已尝试 UTF-8、GB18030）") from exc
    if _cjk_share(text) < MIN_CJK_SHARE or _mixed_share(text) > MAX_MIXED_SHARE:
        raise IngestError(path, "不是文本文件，或编码无法识别（按 GB18030 解码后不像中文）")
    logger.info("%s decoded as GB18030", path)
    return DecodedText(text, "gb18030", (GB18030_NOTE,))


def drop_source_comment(text: str) -> str:
    """Drop a `# source:` metadata comment line at the very top of a file."""
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and lines[i].startswith("# source:"):
        return "\n".join(lines[i + 1 :])
    return text


class _TextExtractor(HTMLParser):
    _SKIP = frozenset({"script", "style", "head", "title", "noscript"})
    _BLOCK = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip_depth:
            self._skip_depth -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (line.strip(" \r\u00a0") for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line.strip())


def docx_to_text(data: bytes, path: str | Path) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise IngestError(path, "不是有效的 .docx 文件") from exc
    root = ET.fromstring(xml)
    paragraphs: list[str] = []
    for para in root.iter(f"{_W_NS}p"):
        parts: list[str] = []
        for node in para.iter():
            if node.tag == f"{_W_NS}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_W_NS}tab":
                parts.append("\t")
        paragraphs.append("".join(parts))
    return "\n".join(p for p in paragraphs if p.strip())


def _pdf_to_text(path: Path) -> str:
    try:
        pypdf = importlib.import_module("pypdf")
    except ImportError as exc:
        raise IngestError(path, "暂不支持 PDF，请先转换为文本") from exc
    reader = pypdf.PdfReader(str(path))
    return "\n\n".join(str(page.extract_text() or "") for page in reader.pages)


def read_text(path: str | Path) -> DecodedText:
    """Read `path` (.txt/.md/.html/.htm/.docx, .pdf with pypdf) into text."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"无法读取（{exc.strerror or exc}）") from exc
    suffix = path.suffix.lower()
    if not data:
        raise IngestError(path, "文件为空")
    if suffix == ".docx":
        text = docx_to_text(data, path)
        decoded = DecodedText(text, "docx")
    elif suffix == ".pdf":
        decoded = DecodedText(_pdf_to_text(path), "pdf")
    else:
        decoded = decode_bytes(data, path)
        text = drop_source_comment(decoded.text.replace("\r\n", "\n").replace("\r", "\n"))
        if suffix in {".html", ".htm"}:
            text = html_to_text(text)
        elif suffix == ".md":
            text = _MD_HEADING_RE.sub("", text)
        decoded = DecodedText(text, decoded.encoding, decoded.notes)
    if not decoded.text.strip():
        raise IngestError(path, "文件为空（没有可读的文字）")
    return decoded
