"""An in-memory, read-only view of the indexed documents: lookups by key, label and department, and the
token statistics the composer uses to judge support."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from ingest.departments import DepartmentRegistry, normalise_name, other_level
from ingest.model import Document, Provision, ProvisionKind
from ingest.segment import tokenize

SENTENCE_RE = re.compile(r"[^。；！？]*(?:[。；！？]|$)")
NOT_A_WORD_RE = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z]")
MIN_TITLE = 6  # characters of a title that a question names by printing it
TASK_KINDS = (ProvisionKind.ITEM, ProvisionKind.ANNEX)


def provision_tokens(provision: Provision) -> frozenset[str]:
    """The tokens support scoring sees in a provision (computed at ingest and stored)."""
    return _token_set(provision.title + provision.text)


@lru_cache(maxsize=20_000)
def _token_set(text: str) -> frozenset[str]:
    """Cached by text: a library that repeats a provision tokenises it once."""
    return frozenset(tokenize(text))


OPENING_CHARS = 600


def opening_text(provisions: Iterable[Provision], chars: int = OPENING_CHARS) -> str:
    """The first `chars` characters of a document's provisions, in order."""
    text = ""
    for p in provisions:
        text += p.text + "\n"
        if len(text) >= chars:
            break
    return text[:chars]


def document_scope_text(doc: Document, provisions: Iterable[Provision]) -> str:
    """What names a document, and whose place its department registry reads: title, issuers,
    number and the opening lines."""
    return " ".join([doc.title, *doc.issuers, doc.doc_number or "", opening_text(provisions)])


def fold_words(text: str) -> str:
    """The text without punctuation and spaces (“两高”项目 → 两高项目)."""
    return NOT_A_WORD_RE.sub("", text)


def sentences(text: str) -> list[str]:
    """Sentences of a provision, verbatim (each is a substring of `text`)."""
    parts: list[str] = []
    for match in SENTENCE_RE.finditer(text):
        sentence = match.group(0).strip()
        if sentence:
            parts.append(sentence)
    return parts


class Vocabulary(dict[str, float]):
    """The documents' tokens with their idf, and the word a two-character abbreviation that no
    document prints stands for ("国企" → 国有企业, "民企" → 民营企业)."""

    @cached_property
    def _by_first(self) -> dict[str, list[tuple[float, str]]]:
        index: dict[str, list[tuple[float, str]]] = {}
        for word, idf in self.items():
            if ABBREVIATED_MIN <= len(word) <= ABBREVIATED_MAX:
                index.setdefault(word[0], []).append((idf, word))
        return index

    def spelled_out(self, term: str) -> str | None:
        """The commonest word, longer by two characters at least, that starts with the
        abbreviation's first character and holds the others in order ("进博会" → 进口博览会); None
        for a word the documents print, or one nothing spells out."""
        if not 2 <= len(term) <= 3 or term in self:  # 国企, 进博会
            return None
        found = [
            (idf, w)
            for idf, w in self._by_first.get(term[0], ())
            if len(w) >= len(term) + 2 and _in_order(term[1:], w[1:])
        ]
        return min(found)[1] if found else None


ABBREVIATED_MIN, ABBREVIATED_MAX = 4, 5  # 国有企业, 进口博览会: the words abbreviated


def _in_order(chars: str, word: str) -> bool:
    rest = iter(word)
    return all(c in rest for c in chars)


@dataclass(frozen=True)
class CorpusView:
    documents: tuple[Document, ...]
    provisions: tuple[Provision, ...]
    registry: DepartmentRegistry = field(default_factory=DepartmentRegistry.default)
    # token sets stored by the index at ingest: opening a large library tokenises nothing
    stored_tokens: Mapping[tuple[str, str], frozenset[str]] | None = field(
        default=None, hash=False, compare=False, repr=False
    )
    # and how many provisions hold each token, of how many (the idf needs no token set then)
    stored_df: tuple[Mapping[str, int], int] | None = field(
        default=None, hash=False, compare=False, repr=False
    )

    @cached_property
    def by_ref(self) -> dict[tuple[str, str], Provision]:
        return {(p.doc_id, p.key): p for p in self.provisions}

    @cached_property
    def document_by_id(self) -> dict[str, Document]:
        return {d.doc_id: d for d in self.documents}

    @cached_property
    def tokens(self) -> Mapping[tuple[str, str], frozenset[str]]:
        if self.stored_tokens is not None:
            return self.stored_tokens
        return {(p.doc_id, p.key): provision_tokens(p) for p in self.provisions}

    @cached_property
    def idf(self) -> Vocabulary:
        if self.stored_df is not None:
            df, n = self.stored_df
        else:
            counted: Counter[str] = Counter()
            for toks in self.tokens.values():
                counted.update(toks)
            df, n = counted, len(self.tokens)
        n = max(n, 1)
        return Vocabulary({t: math.log(1 + n / c) for t, c in df.items() if c > 0})

    @cached_property
    def _names_by_doc(self) -> dict[str, set[str]]:
        names: dict[str, set[str]] = {d.doc_id: set() for d in self.documents}
        for p in self.provisions:
            r = p.responsibility
            names.setdefault(p.doc_id, set()).update(r.departments, r.implementers)
        return names

    @cached_property
    def _registries(self) -> dict[str, DepartmentRegistry]:
        return {}  # filled by registry_of, one document at a time

    def registry_of(self, doc_id: str) -> DepartmentRegistry:
        """A document's own department registry: the names it prints (and their short forms),
        plus the shipped rows of its place. A name is resolved within the documents in scope.
        Built when first asked for: a question about one document of 1,000 builds one."""
        found = self._registries.get(doc_id)
        if found is None:
            names = self._names_by_doc.get(doc_id)
            if names is None:
                return self.registry
            found = DepartmentRegistry.for_document(names, self.scope_text(doc_id))
            self._registries[doc_id] = found
        return found

    @cached_property
    def _library_registry(self) -> DepartmentRegistry:
        """Every alias that some document's registry knows: the names a question in no document's
        scope is searched for, in one pass instead of one per document."""
        merged: dict[str, str] = {}
        for d in self.documents:
            merged.update(self.registry_of(d.doc_id).canonical_of)
        return DepartmentRegistry(merged, {})

    def mentions(self, text: str, doc_ids: Sequence[str] = ()) -> list[str]:
        """Departments named in `text`, as written there, that a document in scope prints (every
        document when none is in scope). A name inside a longer one counts once ("市发改委", not
        also "发改委")."""
        found: list[str] = []
        if doc_ids:
            for doc_id in doc_ids:
                found.extend(self.registry_of(doc_id).find_surfaces(text))
        else:
            found = self._library_registry.find_surfaces(text)
        unique = list(dict.fromkeys(found))
        kept = [m for m in unique if not any(m != o and m in o for o in unique)]
        return sorted(kept, key=text.find)

    def printed_name(self, doc_id: str, asked: str) -> str | None:
        """How `doc_id` prints the department asked about; None when it names no such body."""
        registry = self.registry_of(doc_id)
        if normalise_name(asked) in registry.aliases_of or registry.canonical(
            asked
        ) != normalise_name(asked):
            return registry.canonical(asked)
        found = registry.find_mentions(asked)
        if len(found) != 1 or other_level(normalise_name(asked), found[0]):
            return None  # 市统计局 asked of a document that prints only 省统计局
        return found[0]

    def same_department(self, doc_id: str, asked: str, printed: str) -> bool:
        """Whether the department asked about is the one `doc_id` prints as `printed`."""
        name = self.printed_name(doc_id, asked)
        return name is not None and self.registry_of(doc_id).same(name, printed)

    @cached_property
    def title_blocks(self) -> dict[str, str]:
        """Each document's title and the start of its title block, built once (scope detection reads
        them for every question)."""
        blocks: dict[str, str] = {}
        for d in self.documents:
            meta = self.by_ref.get((d.doc_id, "meta"))
            blocks[d.doc_id] = d.title + (meta.text[:200] if meta else "")
        return blocks

    @cached_property
    def full_names(self) -> dict[str, str]:
        """Each document's issuers and title: what a short title abbreviates ("国务院碳达峰方案")."""
        return {d.doc_id: "".join(d.issuers) + d.title for d in self.documents}

    @cached_property
    def _all_text(self) -> str:
        return "\n".join(p.text for p in self.provisions)

    @cached_property
    def _quoted(self) -> dict[tuple[str, int], str]:
        return {}

    def longest_quoted(self, question: str, min_chars: int = 4) -> str:
        """The longest piece of the question (≥ min_chars) printed verbatim in some provision
        (remembered per question: several steps of one answer ask for it)."""
        found = self._quoted.get((question, min_chars))
        if found is None:
            found = self._longest_quoted(question, min_chars)
            if len(self._quoted) > 4096:
                self._quoted.clear()
            self._quoted[(question, min_chars)] = found
        return found

    def _longest_quoted(self, question: str, min_chars: int) -> str:
        q = re.sub(r"[^\u4e00-\u9fff0-9A-Za-z+]", "|", question)
        for size in range(len(q), min_chars - 1, -1):
            for start in range(len(q) - size + 1):
                piece = q[start : start + size]
                if "|" not in piece and piece in self._all_text:
                    return piece
        return ""

    @cached_property
    def _by_title(self) -> dict[str, tuple[Provision, ...]]:
        """Provisions by their folded title (titles of at least MIN_TITLE characters)."""
        found: dict[str, list[Provision]] = {}
        for p in self.provisions:
            if p.kind is ProvisionKind.META:
                continue
            title = fold_words(p.title)
            if len(title) >= MIN_TITLE:
                found.setdefault(title, []).append(p)
        return {t: tuple(ps) for t, ps in found.items()}

    def titled_in(self, question: str, doc_ids: Sequence[str] = ()) -> list[Provision]:
        """Provisions whose whole title the question prints ("建立健全城乡空间低碳格局由谁牵头？"),
        longest title first: the question names them, however common their words are in the
        library. Looked up by the question's pieces, so the cost does not grow with the library."""
        folded = fold_words(question)
        wanted = set(doc_ids)
        found: dict[tuple[str, str], tuple[int, Provision]] = {}
        for size in range(len(folded), MIN_TITLE - 1, -1):
            for start in range(len(folded) - size + 1):
                for p in self._by_title.get(folded[start : start + size], ()):
                    if not wanted or p.doc_id in wanted:
                        found.setdefault((p.doc_id, p.key), (size, p))
        return [p for _, p in sorted(found.values(), key=lambda sp: -sp[0])]

    @cached_property
    def by_doc(self) -> dict[str, tuple[Provision, ...]]:
        """Each document's provisions, in corpus order (a library of 1,000 documents is not
        scanned whole for one document's provisions)."""
        grouped: dict[str, list[Provision]] = {}
        for p in self.provisions:
            grouped.setdefault(p.doc_id, []).append(p)
        return {doc_id: tuple(provisions) for doc_id, provisions in grouped.items()}

    def in_scope(self, doc_ids: Sequence[str]) -> list[Provision]:
        if not doc_ids:
            return list(self.provisions)
        wanted = set(doc_ids)
        if len(wanted) == 1:
            return list(self.by_doc.get(next(iter(wanted)), ()))
        return [p for p in self.provisions if p.doc_id in wanted]

    def tasks(self, doc_ids: Sequence[str] = ()) -> list[Provision]:
        """Provisions that carry an assignment: numbered items and annex rows, and any other
        provision with an attribution (documents whose tasks are its （一）（二） sections)."""
        return [
            p
            for p in self.in_scope(doc_ids)
            if p.kind in TASK_KINDS
            or (not p.responsibility.is_empty and p.kind is not ProvisionKind.META)
        ]

    def items(self, doc_ids: Sequence[str] = ()) -> list[Provision]:
        """The tasks of the body (no annex rows): numbered items, or attributed provisions in a
        document that has no numbered items, or the （一）（二） sections of a document that
        attributes nothing."""
        found: list[Provision] = []
        for doc_id in doc_ids or [d.doc_id for d in self.documents]:
            of_doc = [p for p in self.tasks([doc_id]) if p.kind is not ProvisionKind.ANNEX]
            numbered = [p for p in of_doc if p.kind is ProvisionKind.ITEM]
            sections = [] if of_doc else self._sections(doc_id)
            found.extend(numbered or of_doc or sections)
        return found

    def _sections(self, doc_id: str) -> list[Provision]:
        return [p for p in self.in_scope([doc_id]) if p.kind is ProvisionKind.SECTION]

    def by_article(self, number: int, doc_ids: Sequence[str] = ()) -> list[Provision]:
        """Items printed with number `number` (第N条), one per document at most."""
        found: dict[str, Provision] = {}
        for p in self.items(doc_ids):
            if p.key.rsplit(".", 1)[-1] == str(number) and p.label == f"第{number}条":
                found.setdefault(p.doc_id, p)
        return list(found.values())

    def children(self, parent: Provision) -> list[Provision]:
        prefix = parent.key + "."
        depth = parent.key.count(".") + 1
        return [
            p
            for p in self.in_scope([parent.doc_id])
            if p.key.startswith(prefix) and p.key.count(".") == depth
        ]

    def descendants(self, parent: Provision, kind: ProvisionKind) -> list[Provision]:
        prefix = parent.key + "."
        return [
            p for p in self.in_scope([parent.doc_id]) if p.key.startswith(prefix) and p.kind is kind
        ]

    def doc_title(self, doc_id: str) -> str:
        doc = self.document_by_id.get(doc_id)
        return doc.title if doc else doc_id

    @cached_property
    def shared_titles(self) -> frozenset[str]:
        """Titles that more than one indexed document prints (nine provinces print 《关于完整准确全面
        贯彻新发展理念做好碳达峰碳中和工作的实施意见》)."""
        counts = Counter(d.title for d in self.documents)
        return frozenset(title for title, n in counts.items() if n > 1)

    def scope_text(self, doc_id: str) -> str:
        """What names a document: title, issuers, number and its title block."""
        doc = self.document_by_id.get(doc_id)
        return document_scope_text(doc, self.in_scope([doc_id])) if doc else ""

    def opening(self, doc_id: str, chars: int = OPENING_CHARS) -> str:
        """The title block and the first lines of the body: a department's work plan names its
        province there ("组织编制江苏省…") when its title block does not."""
        return opening_text(self.in_scope([doc_id]), chars)

    def covers_place(self, place: str, question: str = "", doc_ids: Sequence[str] = ()) -> bool:
        """A place is covered when a document is about it, when a document the question names
        speaks of it ("四川的双碳实施意见对成都提了哪几项支持？"), or when the question's phrase
        naming it ("上海国际碳金融中心") occurs in a provision."""
        if any(place in self.scope_text(d.doc_id) for d in self.documents):
            return True
        if doc_ids and any(place in p.text for p in self.in_scope(doc_ids)):
            return True
        start = question.find(place)
        phrase = question[start : start + len(place) + 2] if start >= 0 else ""
        return len(phrase) > len(place) and any(phrase in p.text for p in self.provisions)

    @cached_property
    def top_idf(self) -> float:
        """The weight of a word no provision holds (computed once: the vocabulary of a large
        library has hundreds of thousands of words, and every candidate is weighed)."""
        return max(self.idf.values(), default=1.0)

    def weight(self, tokens: Iterable[str]) -> float:
        top = self.top_idf
        return sum(self.idf.get(t, top) for t in tokens)
