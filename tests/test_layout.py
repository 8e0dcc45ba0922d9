"""Imports run one way: ingest/ → assistant/{index, understand, compose, llm} → service/cli → ui/, eval/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Rank of each part of the tree: a module may import only parts of a lower or equal rank.
# answer.py and settings.py are the shared types every room may use.
RANKS = {
    "ingest": 0,
    "assistant.answer": 1,
    "assistant.settings": 1,
    "assistant.index": 2,
    "assistant.understand": 3,
    "assistant.compose": 4,
    "assistant.llm": 5,
    "assistant.quiz": 6,  # training material from the tables; may use the LLM to rephrase stems
    "assistant.service": 7,
    "assistant.cli": 8,
    "assistant.__main__": 9,
    "ui": 9,
    "eval": 9,
}
# The entry point dispatches to the app and the evaluation (lazily, inside the command handlers).
ALLOWED_UP = {("assistant.cli", "ui"), ("assistant.cli", "eval")}


def part_of(module: str) -> str | None:
    """The part of the tree a dotted module name belongs to (longest prefix in RANKS)."""
    best = None
    for part in RANKS:
        if (module == part or module.startswith(part + ".")) and (
            best is None or len(part) > len(best)
        ):
            best = part
    return best


def imported_modules(source: str, module: str) -> list[str]:
    """Every module an `import` or `from … import` names, relative imports resolved."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append(name)
            # "from assistant import templates": the names may be modules of the package.
            found.extend(f"{name}.{alias.name}" for alias in node.names)
    return found


def violations(root: Path) -> list[str]:
    """'<module> imports <part>' for every part of the tree a module imports against the flow."""
    bad: list[str] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] not in {"ingest", "assistant", "ui", "eval"}:
            continue
        module = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
        own = part_of(module)
        if own is None:
            continue
        for target in imported_modules(path.read_text(encoding="utf-8"), module):
            other = part_of(target)
            if other is None or other == own:
                continue
            upward = RANKS[other] > RANKS[own] and (own, other) not in ALLOWED_UP
            if upward or own == "ingest":  # ingest/ imports nothing of ours
                bad.append(f"{module} imports {other}")
    return sorted(set(bad))


def test_imports_run_down_the_tree() -> None:
    assert violations(ROOT) == []


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("ingest/x.py", "from assistant.answer import Answer\n"),
        ("assistant/index/x.py", "from assistant.understand.intent import Query\n"),
        ("assistant/understand/x.py", "from assistant.compose import templates\n"),
        ("assistant/compose/x.py", "import assistant.llm.verify\n"),
        ("assistant/llm/x.py", "from assistant.service import PolicyQA\n"),
        ("assistant/service.py", "def f():\n    from ui.app import serve\n"),
        ("assistant/index/y.py", "from ..compose import composer\n"),
        ("assistant/answer.py", "from assistant.index.corpus import CorpusView\n"),
    ],
)
def test_an_upward_import_is_caught(tmp_path: Path, path: str, source: str) -> None:
    target = tmp_path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")
    assert len(violations(tmp_path)) == 1


def test_the_entry_point_may_dispatch_to_the_app(tmp_path: Path) -> None:
    target = tmp_path / "assistant" / "cli.py"
    target.parent.mkdir(parents=True)
    target.write_text("def f():\n    from ui.app import serve\n", encoding="utf-8")
    assert violations(tmp_path) == []
