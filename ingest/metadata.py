"""Document metadata from the title block: title, issuers, document number, date, level."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.model import Document, Level

HEAD_LINES = 15
_DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,10}\s*[〔\[［（(]\s*(?:19|20)\d{2}\s*[〕\]］）)]\s*\d{1,4}\s*号"
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_TITLE_END = re.compile(r"(意见|方案|计划|通知|规划|办法|决定|措施|纲要|细则|规定|要点|公告)$")
_ISSUER = re.compile(
    r"中共中央办公厅|中共中央|国务院办公厅|国务院|中共[\u4e00-\u9fff]{1,8}?(?:委员会|委)"
    r"|[\u4e00-\u9fff]{1,10}?(?:人民政府办公厅|人民政府办公室|人民政府|政府办公厅|办公厅|委员会|厅|局|部|委)"
)
_NATIONAL = re.compile(r"^(?:国务院|中共中央|国家|全国|中华人民共和国)|^[\u4e00-\u9fff]{2,8}部$")
_PROVINCIAL = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,3}省|省|[\u4e00-\u9fff]{2,5}自治区|(?:北京|上海|天津|重庆)市|中共[\u4e00-\u9fff]{2,3}省委)"
)
_MUNICIPAL = re.compile(r"市|州|县|区|盟")
_GOVERNMENT = re.compile(r"人民政府|政府办公厅|办公厅|办公室|党委|省委|市委|县委|中共|国务院")


# a web headline quoting the title: who, a verb of issuing, 《the title》
_HEADLINE = re.compile(r"([^《》]{0,30}?)(?:出台|印发|发布|公布)《([^《》]{4,80})》")


@dataclass(frozen=True, slots=True)
class TitleParts:
    title: str
    issuers: tuple[str, ...]


_TITLE_WORD = re.compile(r"意见|方案|计划|通知|规划|办法|决定|措施|纲要|细则|规定|要点|公告")
_AFTER_TITLE = re.compile(
    r"[（(][^（）()]*(?:〔|号|月\d{1,2}日)[^（）()]*[）)]|各[\u4e00-\u9fff、，,（）()]{2,60}[:：]"
)


def trim_title(compact: str) -> str:
    """A title line without what a web page glued to it: the title printed again, the document
    number, the date or the addressees ("…的通知国务院关于…的通知（国发〔2021〕23号）各省、…：")."""
    for m in _TITLE_WORD.finditer(compact):
        end = m.end()
        rest = compact[end:]
        if rest and (rest.startswith(compact[:end]) or _AFTER_TITLE.match(rest)):
            return compact[:end]
    return compact


def split_title(line: str) -> TitleParts:
    """ "中共苏州市委 苏州市人民政府 关于…碳达峰 碳中和工作的实施意见" → issuers + title."""
    compact = trim_title(re.sub(r"\s+", "", line))
    quoted = _HEADLINE.fullmatch(compact)
    if quoted:  # "江苏印发《关于…实施意见》": a headline quoting the title
        issuers = tuple(m.group(0) for m in _ISSUER.finditer(quoted.group(1)))
        whole = "".join(issuers) == quoted.group(1)
        return TitleParts(quoted.group(2), issuers if whole else ())
    at = compact.find("关于")
    if at <= 0:
        return TitleParts(compact, ())
    # "中共江西省委、江西省人民政府关于…", "上饶市人民政府印发关于…的通知"
    prefix = re.sub("[、，,]|(?:印发|出台|发布)$", "", compact[:at])
    issuers = tuple(m.group(0) for m in _ISSUER.finditer(prefix))
    if "".join(issuers) != prefix:
        return TitleParts(compact, ())
    return TitleParts(compact[at:], issuers)


def own_number(line: str) -> str | None:
    """The document number a title-block line gives for this document; a number printed after a
    cited title ("深入实施《…的通知》（国发〔2021〕33号）") belongs to the cited document, and a
    sentence of the body is not the title block."""
    if "。" in line or len(line) > 120:
        return None
    for m in _DOC_NUMBER.finditer(line):
        before = line[: m.start()].rstrip(" （(")
        if not before.endswith("》"):
            return m.group(0)
    return None


_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[）)]$")


def _starts_title(line: str) -> bool:
    """A line that the next one continues as the title: short, no sentence, no document number or
    date, not an issuer alone."""
    compact = re.sub(r"\s+", "", line)
    return (
        4 <= len(compact) <= 40
        and not re.search(r"[。，：；:#]", compact)
        and not _DOC_NUMBER.search(compact)
        and not _DATE.search(compact)
        and not _ISSUER.fullmatch(compact)
        and not re.fullmatch(r"[（(].*[）)]", compact)  # "（上海市机关事务管理局代章）"
    )


def _title_line(head: list[str]) -> tuple[str, int]:
    for i, line in enumerate(head):
        compact = re.sub(r"\s+", "", line)
        quoted = re.match(r"《([^《》]{4,80})》", compact)
        if quoted and _TITLE_END.search(quoted.group(1)):
            return quoted.group(
                1
            ), i  # "《关于…的实施方案》实现碳达峰…": the title quoted by the text
        if len(compact) > 100 or "。" in compact:
            continue
        core = _TRAILING_NOTE.sub("", compact)  # "…三年行动计划（2021-2023年）"
        wrapped = _wrapped_title(head, i)
        if wrapped is not None:
            return wrapped, i
        if "关于" in compact or _TITLE_END.search(core):
            if i and "关于" not in compact and _starts_title(head[i - 1]):
                # "省生态环境厅2022年推动碳达峰碳中和工" + "作计划": a title wrapped over two lines
                return head[i - 1] + line, i - 1
            if i + 1 < len(head) and head[i + 1].startswith("的") and len(head[i + 1]) < 30:
                return line + head[i + 1], i
            if _TITLE_END.search(core) is None and i + 1 < len(head):
                nxt = re.sub(r"\s+", "", head[i + 1])
                if _TITLE_END.search(nxt) and len(nxt) < 30 and "。" not in nxt:
                    return line + head[i + 1], i
            return line, i
    return (head[0], 0) if head else ("", 0)


# what may follow a title's last word on a line of its own: its years, "的通知"
_TITLE_TAIL = re.compile(
    r"[（(]\d{4}\s*[-—–－~～至]\s*\d{4}\s*年?[）)](?:的(?:通知|意见))?|的(?:通知|意见|实施意见)"
)
MAX_TITLE_LINES = 4


def _wrapped_title(head: list[str], i: int) -> str | None:
    """A title that a line opens and the next ones finish, as a page prints a long title: "重庆市人民
    政府关于" + "印发以实现…为引领" + "深入推进…行动计划" + "（2022—2025年）的通知", or a headline
    quoting it ("河北省委省政府出台《关于…碳中和工" + "实施意见》"). None unless the line opens a title
    (关于 or 《) that it does not finish and the lines that follow finish it."""
    first = re.sub(r"\s+", "", head[i])
    opens_quote = first.count("《") > first.count("》")
    if not _starts_title(head[i]) and not opens_quote:
        return None
    if not ("关于" in first or opens_quote) or _finished(first):
        return None
    joined = first
    for j in range(i + 1, min(i + MAX_TITLE_LINES, len(head))):
        nxt = re.sub(r"\s+", "", head[j])
        if not (_starts_title(head[j]) or _TITLE_TAIL.fullmatch(nxt) or nxt.endswith("》")):
            return None
        joined += nxt
        if _finished(joined):
            # a tail on the line after ("…行动计划" + "（2022—2025年）的通知") belongs to it
            tail = re.sub(r"\s+", "", head[j + 1]) if j + 1 < len(head) else ""
            if _TITLE_TAIL.fullmatch(tail):
                joined += tail
            return joined
    return None


def _finished(compact: str) -> bool:
    if compact.count("《") > compact.count("》"):
        return False
    return bool(_TITLE_END.search(_TRAILING_NOTE.sub("", compact.rstrip("》"))))


MAX_ISSUER_LINE = 40


def _issuer_lines(head: list[str]) -> tuple[str, ...]:
    """Issuers printed on lines of their own, one or several to a line: "中共四川省委四川省人民政府"
    is two, "生态环境部办公厅" one."""
    found: list[str] = []
    for line in head:
        compact = re.sub(r"\s+|文件$", "", line)
        if not 2 <= len(compact) <= MAX_ISSUER_LINE:
            continue
        names = _issuer_names(compact)
        if names:
            found.extend(names)
        elif len(compact) <= 20 and _ISSUER.fullmatch(compact):
            found.append(compact)
    return tuple(dict.fromkeys(found))


def _issuer_names(compact: str) -> list[str]:
    """Two or more issuers glued on one line, each a whole name ("办公厅" alone is the end of the
    name before it, not an issuer)."""
    names = [m.group(0) for m in _ISSUER.finditer(compact)]
    if len(names) < 2 or "".join(names) != compact:
        return []
    if any(len(n) < 4 and n not in _SHORT_ISSUERS for n in names):
        return []
    return names


_SHORT_ISSUERS = ("国务院", "中共中央")


def _signature(lines: list[str]) -> tuple[str, ...]:
    """The issuers signed above the closing date ("交通运输部国家铁路局" / "中国民用航空局国家邮政局"):
    the lines right before the last line that is a date, each made of issuer names only."""
    dated = next(
        (
            i
            for i in range(len(lines) - 1, max(len(lines) - 4, -1), -1)
            if _DATE.fullmatch(lines[i])
        ),
        None,
    )
    found: list[str] = []
    for line in reversed(lines[max(0, (dated or 0) - 4) : dated or 0]):
        compact = re.sub(r"\s+", "", line)
        names = [m.group(0) for m in _ISSUER.finditer(compact)]
        if not names or len(compact) > 40 or "".join(names) != compact:
            break
        found[:0] = names
    return tuple(dict.fromkeys(found))


def guess_level(issuers: tuple[str, ...], title: str) -> Level:
    names = issuers or (title,)
    if any(_NATIONAL.search(n) for n in names):
        return Level.NATIONAL
    if len(issuers) == 1 and not _GOVERNMENT.search(issuers[0]):
        return Level.DEPARTMENTAL
    if any(_PROVINCIAL.search(n) for n in names):
        return Level.PROVINCIAL
    if any(_MUNICIPAL.search(n[:8]) for n in names):
        return Level.MUNICIPAL
    return Level.UNKNOWN


def extract_metadata(doc_id: str, text: str, source_path: str = "", sha256: str = "") -> Document:
    """Metadata of a cleaned document (title block at the top, dates also at the end)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    head = [line for line in lines[:HEAD_LINES] if not line.startswith("#")]  # "# source: …" notes
    title_line, _ = _title_line(head)
    parts = split_title(title_line)
    issuers = parts.issuers or _issuer_lines(head[:8]) or _signature(lines)
    number = next((n for line in head if (n := own_number(line))), None)
    date_match = next(
        (m for line in [*head[:10], *reversed(lines[-6:])] if (m := _DATE.search(line))), None
    )
    date = None
    if date_match:
        year, month, day = (int(g) for g in date_match.groups())
        date = f"{year:04d}-{month:02d}-{day:02d}"
    return Document(
        doc_id=doc_id,
        title=parts.title or doc_id,
        issuers=issuers,
        doc_number=re.sub(r"\s+", "", number) if number else None,
        date=date,
        level=guess_level(issuers, parts.title),
        source_path=source_path,
        sha256=sha256,
    )
