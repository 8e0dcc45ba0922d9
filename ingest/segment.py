"""Chinese tokenisation with jieba and a domain dictionary (policy terms and department names)."""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from importlib import resources

import jieba

from ingest.departments import load_rows

# jieba logs its dictionary loading at DEBUG on its own logger; keep that out of users' terminals.
jieba.setLogLevel(logging.WARNING)

logger = logging.getLogger(__name__)

STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "等",
        "是",
        "在",
        "对",
        "把",
        "被",
        "将",
        "由",
        "为",
        "以",
        "于",
        "之",
        "其",
        "或",
        "并",
        "也",
        "又",
        "就",
        "都",
        "而",
        "且",
        "中",
        "上",
        "下",
        "哪些",
        "哪个",
        "哪",
        "什么",
        "谁",
        "吗",
        "呢",
        "吧",
        "啊",
        "怎么",
        "怎样",
        "如何",
        "是否",
        "有",
        "有关",
        "这",
        "那",
        "这些",
        "那些",
        "个",
        "一",
        "各",
        "请问",
        "请",
        "关于",
        "一下",
        "需要",
        "要",
        "应",
        "应当",
        "可以",
    ]
)
_PUNCT_OR_SPACE = re.compile(r"^[\s\W_]+$", re.UNICODE)
# jieba's default block pattern: runs of these characters are cut, anything else is punctuation
_RE_HAN = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)", re.U)
_DOMAIN_FREQ = 200000

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def domain_terms() -> list[str]:
    """Every term of the domain dictionary: terms file plus all department names and aliases."""
    data = resources.files("ingest").joinpath("data")
    terms = [
        line.strip()
        for line in data.joinpath("jieba_terms.txt").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for row in load_rows(data.joinpath("departments.tsv").read_text("utf-8")):
        terms += [name.strip() for name in row if name.strip()]
    return list(dict.fromkeys(terms))


def tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer with the domain dictionary, built once on first use."""
    global _tokenizer  # noqa: PLW0603 - lazily initialised module singleton
    with _lock:
        if _tokenizer is None:
            tk = jieba.Tokenizer()
            tk.initialize()
            for term in domain_terms():
                tk.add_word(term, freq=_DOMAIN_FREQ)
            _tokenizer = tk
            logger.debug("jieba tokenizer ready")
        return _tokenizer


@lru_cache(maxsize=1)
def _whole_terms() -> re.Pattern[str]:
    """Domain terms with characters jieba treats as punctuation (各县级市〔区〕人民政府)."""
    special = sorted((t for t in domain_terms() if not _RE_HAN.fullmatch(t)), key=len, reverse=True)
    return re.compile("(" + "|".join(re.escape(t.lower()) for t in special) + ")")


def _blocks(text: str) -> list[tuple[str, bool | None]]:
    """(block, kind): True = cut with jieba, False = punctuation, None = a whole domain term."""
    out: list[tuple[str, bool | None]] = []
    for i, part in enumerate(_whole_terms().split(text)):
        if i % 2:
            out.append((part, None))
        else:
            out += [(b, bool(_RE_HAN.fullmatch(b))) for b in _RE_HAN.split(part) if b]
    return out


def cut(text: str) -> list[str]:
    """Precise-mode words (domain terms never split); whitespace and punctuation kept as-is."""
    tk = tokenizer()
    out: list[str] = []
    for block, is_word in _blocks(text):
        if is_word is None:
            out.append(block)
        else:
            out += list(tk.cut(block, HMM=True)) if is_word else list(block)
    return out


def tokenize(text: str) -> list[str]:
    """Search-style tokens for BM25: lowercased, no punctuation/whitespace/stopwords."""
    tk = tokenizer()
    tokens: list[str] = []
    for block, is_word in _blocks(text.lower()):
        if is_word is None:
            tokens.append(block)
            continue
        if not is_word:
            continue
        for token in tk.cut_for_search(block, HMM=True):
            word = token.strip()
            if word and word not in STOPWORDS and not _PUNCT_OR_SPACE.match(word):
                tokens.append(word)
    return tokens
