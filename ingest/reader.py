"""Read a file into text: encoding detection (UTF-8, UTF-8 BOM, GB18030) and simple formats."""

from __future__ import annotations

import errno
import importlib
import io
import logging
import re
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ingest import office
from ingest.errors import IngestError

logger = logging.getLogger(__name__)

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
MIN_CJK_SHARE = 0.6
MAX_MIXED_SHARE = 0.2
GB18030_NOTE = "按 GB18030 编码读取"
MIXED_NOTE = "文件混用了 UTF-8 和 GB18030 两种编码，已逐行识别"
NO_TEXT_LAYER = (
    "扫描件，需要文字层：PDF 中没有可提取的文字（可能是扫描图片），请先做文字识别（OCR）再导入"
)
_OS_PROBLEMS = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENAMETOOLONG: "文件名过长",
    errno.ELOOP: "符号链接循环",
    errno.EIO: "读取时发生输入输出错误（磁盘或网络盘故障）",
}


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
    text, kinds = _decode_lines(data, path)
    if _cjk_share(text) < MIN_CJK_SHARE or _mixed_share(text) > MAX_MIXED_SHARE:
        raise IngestError(path, "不是文本文件，或编码无法识别（按 GB18030 解码后不像中文）")
    if "utf-8" in kinds:
        logger.info("%s mixes UTF-8 and GB18030 lines", path)
        return DecodedText(text, "utf-8+gb18030", (MIXED_NOTE,))
    logger.info("%s decoded as GB18030", path)
    return DecodedText(text, "gb18030", (GB18030_NOTE,))


def _decode_lines(data: bytes, path: str | Path) -> tuple[str, set[str]]:
    """Each line as UTF-8 where it is valid UTF-8, else as GB18030 (a GB18030 byte sequence never
    contains a newline byte, so lines split cleanly): a file pasted together from two sources keeps
    both halves. Returns the text and the encodings of its non-ASCII lines."""
    out: list[str] = []
    kinds: set[str] = set()
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        try:
            out.append(line.decode("utf-8", errors="strict"))
            kinds.add("utf-8")
            continue
        except UnicodeDecodeError:
            pass
        try:
            out.append(line.decode("gb18030", errors="strict"))
            kinds.add("gb18030")
        except UnicodeDecodeError as exc:
            raise IngestError(
                path, f"不是文本文件，或编码无法识别（第 {number} 行既不是 UTF-8 也不是 GB18030）"
            ) from exc
    return "\n".join(out), kinds


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


def _pdf_to_text(data: bytes, path: Path) -> str:
    try:
        pypdf = importlib.import_module("pypdf")
    except ImportError as exc:
        raise IngestError(path, "暂不支持 PDF，请先转换为文本") from exc
    errors = importlib.import_module("pypdf.errors")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = [str(page.extract_text() or "") for page in reader.pages]
    except (errors.FileNotDecryptedError, errors.DependencyError) as exc:
        # DependencyError: AES encryption, whose decryption needs a package we do not ship
        raise IngestError(path, "PDF 文件已加密，请先解除密码保护再导入") from exc
    except (errors.PyPdfError, ValueError, KeyError, TypeError, AttributeError, zlib.error) as exc:
        # pypdf raises these (and more) for truncated or corrupt files
        logger.debug("pypdf failed on %s", path, exc_info=True)
        raise IngestError(path, "PDF 文件已损坏或不完整，无法读取") from exc
    if not pages:
        raise IngestError(path, "PDF 文件没有页面")
    if not any(page.strip() for page in pages):
        raise IngestError(path, NO_TEXT_LAYER)
    return "\n\n".join(pages)


def _os_problem(exc: OSError) -> str:
    known = _OS_PROBLEMS.get(exc.errno or 0)
    return known or f"无法读取（系统错误码 {exc.errno}）"


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes; a missing, unreadable or special path is an IngestError in Chinese."""
    path = Path(path)
    if path.is_dir():
        raise IngestError(path, _OS_PROBLEMS[errno.EISDIR])
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(path, _os_problem(exc)) from exc


def check_readable(path: str | Path) -> None:
    """IngestError (in Chinese) unless `path` is a file this process can open for reading."""
    path = Path(path)
    if path.is_dir():
        raise IngestError(path, _OS_PROBLEMS[errno.EISDIR])
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise IngestError(path, _os_problem(exc)) from exc


def read_text(path: str | Path) -> DecodedText:
    """Read `path` (.txt/.md/.html/.htm, .docx with python-docx, .xlsx with openpyxl, .pdf with
    pypdf) into text; tables stay tables (one tab-separated line per row)."""
    return decode_file(path, read_bytes(path))


def decode_file(path: str | Path, data: bytes) -> DecodedText:
    """The text of a file's bytes, by its suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not data:
        raise IngestError(path, "文件为空")
    if suffix == ".docx":
        decoded = DecodedText(office.docx_to_text(data, path), "docx")
    elif suffix == ".xlsx":
        decoded = DecodedText(office.xlsx_to_text(data, path), "xlsx")
    elif suffix == ".pdf":
        decoded = DecodedText(_pdf_to_text(data, path), "pdf")
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
