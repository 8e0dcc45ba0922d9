"""Attribution accuracy against hand-written gold (eval/gold/*.attributions.jsonl), and attribution
coverage for any folder of documents.

    python -m eval.attributions                       # gold documents, read from ../shared/corpus-external
    python -m eval.attributions --coverage DIR ...    # every document: attributions parsed / printed

Gold lines are one printed attribution each (`span` counts from 0 within a provision). A span is exact
when its lead, co and responsible sets equal the parsed span's; a provision is exact when the sets merged
over its spans are equal. Names compare after NFKC, without whitespace and with one bracket style.

"Same department" compares the names as the question scorer does, through the document's registry:
a list that prints the level once ("省发展改革委、生态环境厅") is read by the parser as written
(生态环境厅), and by some gold with the level restored (省生态环境厅); both are one department.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.index.corpus import document_scope_text
from ingest.departments import DepartmentRegistry
from ingest.model import ParsedDocument, Provision
from ingest.pipeline import parse_file

GOLD_DIR = Path(__file__).parent / "gold"
EXTERNAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpus-external"
ROLES = ("lead", "co", "responsible")

# An attribution as printed, found without the parser: a bracket (one level of nesting allowed) or a
# labelled line that names who is responsible.
_ROLE_WORDS = "牵头|按职责分工|按照职责分工|责任单位|责任部门|责任处室|配合单位|牵头单位|负责落实"
PRINTED_ATTRIBUTION = re.compile(
    rf"[（(](?:[^（）()]|[（(][^（）()]*[）)])*?(?:{_ROLE_WORDS})(?:[^（）()]|[（(][^（）()]*[）)])*[）)]"
    r"|^\s*(?:牵头单位|责任单位|责任部门)[:：].*$",
    re.M,
)


def fold(name: str) -> str:
    name = unicodedata.normalize("NFKC", name)
    return re.sub(r"\s+", "", name).replace("〔", "(").replace("〕", ")")


@dataclass(frozen=True, slots=True)
class Roles:
    lead: frozenset[str] = frozenset()
    co: frozenset[str] = frozenset()
    responsible: frozenset[str] = frozenset()

    @classmethod
    def of(cls, obj: Any) -> Roles:
        """Roles of a gold line (dict) or of a parsed Span / Responsibility."""
        get = obj.get if isinstance(obj, dict) else lambda k, d=(): getattr(obj, k, d)
        return cls(*(frozenset(fold(n) for n in get(r, ()) or ()) for r in ROLES))

    def merge(self, other: Roles) -> Roles:
        return Roles(
            self.lead | other.lead,
            self.co | other.co,
            self.responsible | other.responsible,
        )

    @property
    def units(self) -> frozenset[str]:
        return self.lead | self.co | self.responsible

    def canonical(self, registry: DepartmentRegistry) -> Roles:
        return Roles(*(frozenset(registry.canonical(n) for n in getattr(self, r)) for r in ROLES))

    def show(self) -> str:
        return " / ".join(f"{r}={'、'.join(sorted(getattr(self, r)))}" for r in ROLES)


@dataclass(frozen=True, slots=True)
class GoldSpan:
    key: str
    span: int
    roles: Roles
    deadline: str | None


@dataclass(slots=True)
class DocScore:
    doc_id: str
    spans: int = 0
    spans_exact: int = 0
    spans_same: int = 0  # spans whose departments are the gold ones, read through the registry
    provisions: int = 0
    provisions_exact: int = 0
    provisions_same: int = 0
    keys_missing: int = 0
    units_exact: int = 0  # provisions whose named units (any role) are right
    deadlines: int = 0
    deadlines_exact: int = 0
    failures: list[str] = field(default_factory=list)


def load_gold(folder: Path = GOLD_DIR) -> dict[str, list[GoldSpan]]:
    gold: dict[str, list[GoldSpan]] = {}
    for path in sorted(folder.glob("*.attributions.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("summary"):
                gold.setdefault(row["doc_id"], [])
                continue
            gold.setdefault(row["doc_id"], []).append(
                GoldSpan(row["key"], int(row["span"]), Roles.of(row), row.get("deadline"))
            )
    return gold


def _parsed_spans(p: Provision) -> list[Any]:
    spans = list(getattr(p.responsibility, "spans", ()) or ())
    return spans or ([p.responsibility] if not p.responsibility.is_empty else [])


def document_registry(parsed: ParsedDocument) -> DepartmentRegistry:
    """The registry the product builds for the document: the names it prints, and the shipped rows
    of the place its title block names."""
    names = {n for p in parsed.provisions for n in p.responsibility.departments}
    return DepartmentRegistry.for_document(
        names, document_scope_text(parsed.document, parsed.provisions)
    )


def score_document(parsed: ParsedDocument, gold: Sequence[GoldSpan]) -> DocScore:
    by_key = {p.key: p for p in parsed.provisions}
    result = DocScore(parsed.document.doc_id)
    registry = document_registry(parsed)
    per_key: dict[str, list[GoldSpan]] = {}
    for g in gold:
        per_key.setdefault(g.key, []).append(g)
    for key, spans in per_key.items():
        provision = by_key.get(key)
        result.provisions += 1
        result.spans += len(spans)
        if provision is None:
            result.keys_missing += 1
            result.failures.append(f"{key}: no provision with this key")
            continue
        parsed_spans = _parsed_spans(provision)
        merged_gold = Roles()
        for g in spans:
            merged_gold = merged_gold.merge(g.roles)
        merged = Roles.of(provision.responsibility)
        result.units_exact += int(merged.units == merged_gold.units)
        same = merged.canonical(registry) == merged_gold.canonical(registry)
        result.provisions_same += int(same)
        if merged == merged_gold:
            result.provisions_exact += 1
        else:
            result.failures.append(f"{key}: gold {merged_gold.show()} | parsed {merged.show()}")
        for g in sorted(spans, key=lambda s: s.span):
            got = parsed_spans[g.span] if g.span < len(parsed_spans) else None
            if got is not None and Roles.of(got) == g.roles:
                result.spans_exact += 1
            if got is not None and Roles.of(got).canonical(registry) == g.roles.canonical(registry):
                result.spans_same += 1
            if g.deadline:
                result.deadlines += 1
                have = getattr(got, "deadline", None) if got is not None else None
                result.deadlines_exact += int(fold(have or "") == fold(g.deadline))
    return result


def printed_attributions(text: str) -> int:
    return len(PRINTED_ATTRIBUTION.findall(text))


@dataclass(frozen=True, slots=True)
class Coverage:
    doc_id: str
    printed: int  # attributions found in the text by PRINTED_ATTRIBUTION
    parsed_spans: int  # spans the parser found
    provisions_with_attribution: int


def coverage(paths: Iterable[Path]) -> list[Coverage]:
    rows = []
    for path in paths:
        parsed = parse_file(path)
        spans = sum(len(_parsed_spans(p)) for p in parsed.provisions)
        attributed = sum(1 for p in parsed.provisions if not p.responsibility.is_empty)
        text = path.read_text(encoding="utf-8", errors="replace")
        rows.append(Coverage(parsed.document.doc_id, printed_attributions(text), spans, attributed))
    return rows


def score_gold(corpus: Path, gold_dir: Path = GOLD_DIR) -> list[DocScore]:
    gold = load_gold(gold_dir)
    return [
        score_document(parse_file(corpus / f"{doc_id}.txt"), spans)
        for doc_id, spans in sorted(gold.items())
    ]


def gold_table(scores: Sequence[DocScore]) -> str:
    lines = [
        "| document | spans exact | spans, same department | provisions exact "
        "| provisions, same department | units exact | keys missing | deadlines exact |",
        "|---|---|---|---|---|---|---|---|",
    ]
    totals = DocScore("**all**")
    for s in scores:
        for f in (
            "spans",
            "spans_exact",
            "spans_same",
            "provisions",
            "provisions_exact",
            "provisions_same",
            "units_exact",
            "keys_missing",
        ):
            setattr(totals, f, getattr(totals, f) + getattr(s, f))
        totals.deadlines += s.deadlines
        totals.deadlines_exact += s.deadlines_exact
    for s in [*scores, totals]:
        lines.append(
            f"| {s.doc_id} | {s.spans_exact}/{s.spans} | {s.spans_same}/{s.spans} "
            f"| {s.provisions_exact}/{s.provisions} | {s.provisions_same}/{s.provisions} "
            f"| {s.units_exact}/{s.provisions} | {s.keys_missing} | {s.deadlines_exact}/{s.deadlines} |"
        )
    return "\n".join(lines)


def coverage_table(rows: Sequence[Coverage]) -> str:
    lines = [
        "| document | printed attributions | parsed spans | provisions with attribution |",
        "|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.doc_id} | {r.printed} | {r.parsed_spans} | {r.provisions_with_attribution} |"
        )
    printed = sum(r.printed for r in rows)
    parsed = sum(r.parsed_spans for r in rows)
    lines.append(f"| **all ({len(rows)})** | {printed} | {parsed} | |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.attributions", description=__doc__)
    ap.add_argument("--corpus", type=Path, default=EXTERNAL, help="folder of the gold documents")
    ap.add_argument("--gold", type=Path, default=GOLD_DIR)
    ap.add_argument("--coverage", nargs="*", type=Path, help="files or folders to count")
    ap.add_argument("--failures", action="store_true", help="list every wrong provision")
    args = ap.parse_args(argv)
    if args.coverage is not None:
        paths = [
            f
            for p in args.coverage
            for f in (sorted(p.glob("*.txt")) if p.is_dir() else [p])
            if f.name != "SOURCES.md"
        ]
        print(coverage_table(coverage(paths)))
        return 0
    scores = score_gold(args.corpus, args.gold)
    print(gold_table(scores))
    if args.failures:
        for s in scores:
            for f in s.failures:
                print(f"- {s.doc_id} {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
