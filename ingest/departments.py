"""Department names: canonical name ↔ aliases, and finding departments mentioned in free text."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

logger = logging.getLogger(__name__)

_PREFIX = re.compile(r"^(?:苏州市|江苏省|[\u4e00-\u9fff]{2,3}省|[\u4e00-\u9fff]{2,3}市|省|市|国家)")
# What is left of a local government's name without its place is no department's short form.
_NOT_A_SHORT_FORM = re.compile(r"^(?:人民政府|政府|委员会|场)")
_PLACE_LINE = re.compile(r"^#\s*place:\s*(\S+)")
_GENERIC = frozenset({"有关部门", "各有关部门", "市有关部门", "市各有关部门", "相关部门"})


_LEVELS = ("省", "市")


def _has_level(name: str) -> bool:
    """Whether a name starts with its level (省财政厅, 市商务局); 市场监管局 starts with a word."""
    return name[:1] in _LEVELS and not name.startswith("市场")


def _level_of(name: str) -> str:
    if name.startswith(("国家", "国务院")):
        return "国"
    return name[0] if _has_level(name) else ""


def other_level(asked: str, printed: str) -> bool:
    """Whether two names say different levels (市统计局, 省统计局, 国家统计局)."""
    a, b = _level_of(asked), _level_of(printed)
    return bool(a and b and a != b)


def normalise_name(name: str) -> str:
    """Half-width brackets to full-width and no spaces; 〔〕 stay as printed."""
    return re.sub(r"\s+", "", name).replace("(", "（").replace(")", "）")


def _fold(name: str) -> str:
    """Lookup form: one bracket style."""
    return normalise_name(name).replace("〔", "（").replace("〕", "）")


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[tuple[str, str], ...]:
    data = resources.files("ingest").joinpath("data/abbreviations.tsv").read_text("utf-8")
    rows = [row for row in load_rows(data) if len(row) == 2 and row[0] != row[1]]
    return tuple((long, short) for long, short in rows)


def _derived_aliases(name: str) -> set[str]:
    out: set[str] = set()
    for long, short in _abbreviations():
        if long in name:
            out.add(name.replace(long, short))
        elif short in name:  # the full name a user types for the printed short one
            out.add(name.replace(short, long))
    if name.endswith("委") and not name.endswith(("党委", "省委", "市委", "县委", "区委")):
        out.add(f"{name}员会")  # 省卫生健康委 → 省卫生健康委员会
    for alias in (name, *out):
        stripped = _PREFIX.sub("", alias)
        if len(stripped) >= 3 and stripped != alias and not _NOT_A_SHORT_FORM.match(stripped):
            out.add(stripped)
    out.discard(name)
    return out


@dataclass(frozen=True, slots=True)
class DepartmentRegistry:
    """Maps every known alias to one canonical department name."""

    canonical_of: Mapping[str, str]  # folded alias → canonical
    aliases_of: Mapping[str, tuple[str, ...]]  # canonical → aliases (canonical first)

    @classmethod
    def from_rows(cls, rows: Iterable[Iterable[str]]) -> DepartmentRegistry:
        canonical_of: dict[str, str] = {}
        aliases_of: dict[str, tuple[str, ...]] = {}
        for row in rows:
            names = [normalise_name(n) for n in row if n.strip()]
            if not names:
                continue
            canonical = names[0]
            aliases_of[canonical] = tuple(
                dict.fromkeys(aliases_of.get(canonical, ()) + tuple(names))
            )
            for name in names:
                canonical_of.setdefault(_fold(name), canonical)
        return cls(canonical_of, aliases_of)

    @classmethod
    def default(cls) -> DepartmentRegistry:
        """The registry shipped in ingest/data/departments.tsv."""
        return _default_registry()

    @classmethod
    def for_document(cls, names: Iterable[str], scope_text: str) -> DepartmentRegistry:
        """One document's registry: the shipped rows of the places its title block or issuers name
        (苏州's rows for 苏委发〔2022〕7号, none for a Shanghai plan), then the names it prints, with their
        short forms. "发展改革委" in a Shanghai plan is then Shanghai's, never Suzhou's 市发改委."""
        rows = [row for place, rows in _place_rows().items() if place in scope_text for row in rows]
        return cls.from_rows(rows).with_names(sorted(names))

    def canonical(self, name: str) -> str:
        """The canonical name; unknown names come back bracket-normalised. An unknown 省X/市X
        whose X is known (a list that printed the level once: "省发展改革委、财政厅") is X's."""
        folded = _fold(name)
        if folded in self.canonical_of:
            return self.canonical_of[folded]
        if _has_level(name) and _fold(name[1:]) in self.canonical_of:
            owner = self.canonical_of[_fold(name[1:])]
            if not other_level(name, owner):  # 市统计局 is not a document's 省统计局
                return owner
        return normalise_name(name)

    def aliases(self, name: str) -> tuple[str, ...]:
        canonical = self.canonical(name)
        return self.aliases_of.get(canonical, (canonical,))

    def same(self, a: str, b: str) -> bool:
        return self.canonical(a) == self.canonical(b)

    def is_generic(self, name: str) -> bool:
        """Generic bodies such as 市有关部门 (not a named department)."""
        return normalise_name(name) in _GENERIC

    def with_names(self, names: Iterable[str]) -> DepartmentRegistry:
        """A registry that also knows `names` (e.g. departments extracted from documents).

        Short forms derived from a new name (省发展改革委 → 发展改革委, 省发改委) are added only
        where no other department already uses them and no two new names share them.
        """
        canonical_of = dict(self.canonical_of)
        aliases_of = dict(self.aliases_of)
        derived: dict[str, set[str]] = {}
        for raw in names:
            name = normalise_name(raw)
            if not name or _fold(name) in canonical_of:
                continue
            canonical_of[_fold(name)] = name
            aliases_of[name] = (name,)
            for alias in _derived_aliases(name):
                derived.setdefault(_fold(alias), set()).add(name)
        for raw in names:
            # "财政厅" printed after "省发展改革委、" is 省财政厅 when the index knows that name.
            name = normalise_name(raw)
            if _has_level(name) or _fold(name) not in canonical_of:
                continue
            prefixed = [lv + name for lv in _LEVELS if _fold(lv + name) in canonical_of]
            if len(prefixed) == 1 and canonical_of[_fold(name)] == name:
                owner = canonical_of[_fold(prefixed[0])]
                canonical_of[_fold(name)] = owner
                aliases_of[owner] = (*aliases_of.get(owner, (owner,)), name)
        for alias, owners in derived.items():
            if len(owners) == 1 and alias not in canonical_of:
                owner = next(iter(owners))
                canonical_of[alias] = owner
                aliases_of[owner] = (*aliases_of[owner], alias)
            elif len(owners) > 1:
                logger.debug("ambiguous department alias %s: %s", alias, sorted(owners))
        return DepartmentRegistry(canonical_of, aliases_of)

    def find_surfaces(self, text: str) -> list[str]:
        """The department names as written in `text` (any alias this registry knows), longest
        match first, in order of appearance."""
        folded = _fold(text)
        pattern = _mention_pattern(tuple(sorted(self.canonical_of, key=len, reverse=True)))
        return list(dict.fromkeys(m.group(0) for m in pattern.finditer(folded)))

    def find_mentions(self, text: str) -> list[str]:
        """Canonical names of departments mentioned in `text`, longest match first, in order."""
        pattern = _mention_pattern(tuple(sorted(self.canonical_of, key=len, reverse=True)))
        found = (self.canonical_of[m.group(0)] for m in pattern.finditer(_fold(text)))
        return list(dict.fromkeys(found))


@lru_cache(maxsize=4096)  # one pattern per document registry: a library of 1,000 documents
def _mention_pattern(aliases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(a) for a in aliases if len(a) >= 2) or r"(?!x)x")


def load_rows(text: str) -> list[list[str]]:
    return [
        line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]


@lru_cache(maxsize=1)
def _place_rows() -> dict[str, list[list[str]]]:
    """Rows of departments.tsv by the place their "# place:" line names."""
    data = resources.files("ingest").joinpath("data/departments.tsv").read_text("utf-8")
    out: dict[str, list[list[str]]] = {}
    place = ""
    for line in data.splitlines():
        m = _PLACE_LINE.match(line)
        if m:
            place = m.group(1)
        elif line.strip() and not line.startswith("#") and place:
            out.setdefault(place, []).append(line.split("\t"))
    return out


@lru_cache(maxsize=1)
def _default_registry() -> DepartmentRegistry:
    data = resources.files("ingest").joinpath("data/departments.tsv").read_text("utf-8")
    return DepartmentRegistry.from_rows(load_rows(data))
