"""Provision/responsibility tables in SQLite: JSON round trip, manifest, per-document replace."""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
from pathlib import Path

import pytest

from assistant.index.rows import from_row, to_row
from assistant.index.sqlite import Database
from assistant.index.tables import (
    ManifestEntry,
    Tables,
    atomic_write_text,
    database_path,
    document_from_dict,
    document_to_dict,
    legacy_manifest,
    parsed_from_dict,
    parsed_to_dict,
    provision_from_dict,
    provision_to_dict,
    remove_legacy,
    responsibility_from_dict,
    responsibility_to_dict,
)
from ingest.model import (
    Document,
    Level,
    ParsedDocument,
    Provision,
    ProvisionKind,
    Responsibility,
    Span,
)

RESP = Responsibility(
    lead=("市碳达峰碳中和工作领导小组办公室",),
    co=("市财政局", "人行苏州中心支行"),
    implementers=("各县级市（区）人民政府",),
    deadline="2025年",
    raw="（市碳达峰碳中和工作领导小组办公室牵头，市财政局、人行苏州中心支行按职责分工负责）",
    spans=(Span(0, 12, lead=("市碳达峰碳中和工作领导小组办公室",), raw="（…牵头）"),),
)
DOC = Document(
    doc_id="d",
    title="关于……的实施意见",
    issuers=("中共苏州市委", "苏州市人民政府"),
    doc_number="苏委发〔2022〕7号",
    date="2022-03-17",
    level=Level.MUNICIPAL,
    source_path="corpus/d.txt",
    sha256="ab" * 32,
)
PROV = Provision(
    doc_id="d",
    key="2.9.28",
    label="第28条",
    number="28.",
    title="积极发展绿色金融",
    text="28.积极发展绿色金融。……",
    path_titles=("二、主要任务", "（九）完善政策机制"),
    responsibility=RESP,
    kind=ProvisionKind.ITEM,
)


def test_rows_round_trip_every_field() -> None:
    assert from_row("d", to_row(PROV)) == PROV
    bare = Provision("d", "1", "", "", "", "正文", ())
    assert from_row("d", to_row(bare)) == bare
    # a field added to the model must be stored too: this lists what rows.py handles
    handled = {
        Provision: {"doc_id", "key", "label", "number", "title", "text", "path_titles"}
        | {"responsibility", "kind"},
        Responsibility: {"lead", "co", "implementers", "deadline", "raw", "responsible", "spans"},
        Span: {"start", "end", "lead", "co", "responsible", "implementers", "deadline", "raw"},
    }
    for cls, names in handled.items():
        assert {f.name for f in dataclasses.fields(cls)} == names, cls


def test_round_trip() -> None:
    assert responsibility_from_dict(responsibility_to_dict(RESP)) == RESP
    assert responsibility_from_dict({}) == Responsibility()
    assert document_from_dict(document_to_dict(DOC)) == DOC
    assert provision_from_dict(provision_to_dict(PROV)) == PROV
    parsed = ParsedDocument(DOC, (PROV,), warnings=("第3页：附件表格未识别",))
    assert parsed_from_dict(parsed_to_dict(parsed)) == parsed


def _write(tables: Tables, parsed: ParsedDocument, entry: ManifestEntry) -> int:
    with tables.db.transaction() as conn:
        version = Database.bump_generation(conn)
        tables.write_doc(
            conn, parsed, entry, [frozenset({"绿色", "金融"})] * len(parsed.provisions), version
        )
    return version


def test_tables_in_the_database(tmp_path: Path) -> None:
    tables = Tables(Database(tmp_path / "index" / "index.sqlite"))
    assert tables.manifest() == {} and tables.load(["d"]) == {}
    parsed = ParsedDocument(DOC, (PROV,), warnings=("第3页：附件表格未识别",))
    entry = ManifestEntry("d", "ab" * 32, "corpus/d.txt", "0123456789ab")
    version = _write(tables, parsed, entry)
    other = ParsedDocument(Document(doc_id="e", title="另一份"), ())
    _write(tables, other, ManifestEntry("e", "cd" * 32, "corpus/e.txt", "0123456789ab"))
    again = Tables(Database(tmp_path / "index" / "index.sqlite"))
    stored = again.load(["d", "missing"])["d"]
    assert stored.parsed == parsed and stored.entry == entry and stored.version == version
    assert again.tokens_of("d", 0, version) == frozenset({"绿色", "金融"})
    assert again.tokens_of("d", 0, version - 1) is None  # not the committed version
    assert again.provision_df() == ({"绿色": 1, "金融": 1}, 1)
    assert list(again.manifest()) == ["d", "e"]  # ingest order
    _write(again, parsed, entry)  # a replaced document keeps its place in the order
    assert list(again.manifest()) == ["d", "e"]
    row = again.db.connection().execute("SELECT co FROM provisions WHERE doc_id = 'd'").fetchone()
    assert "市财政局" in row[0]  # readable Chinese
    with again.db.transaction() as conn:
        again.delete_doc(conn, "d")
    assert list(again.manifest()) == ["e"] and again.load(["d"]) == {}
    assert again.provision_df() == ({}, 0)


def test_pending_journal(tmp_path: Path) -> None:
    tables = Tables(Database(tmp_path / "index.sqlite"))
    tables.begin_pending(["d"], "replace")
    tables.begin_pending(["e"], "delete")
    assert Tables(Database(tmp_path / "index.sqlite")).pending() == ["d", "e"]
    tables.end_pending(["d"])
    assert tables.pending() == ["e"]


def test_write_rolls_back_as_a_whole(tmp_path: Path) -> None:
    tables = Tables(Database(tmp_path / "index.sqlite"))
    entry = ManifestEntry("d", "ab" * 32, "corpus/d.txt", "0123456789ab")
    _write(tables, ParsedDocument(DOC, (PROV,)), entry)
    changed = ParsedDocument(dataclasses.replace(DOC, title="新标题"), (PROV, PROV))
    # one token set for two provisions: fails after the document row was rewritten
    with pytest.raises(ValueError, match="shorter"), tables.db.transaction() as conn:
        tables.write_doc(conn, changed, entry, [frozenset()], 99)
    stored = tables.load(["d"])["d"]
    assert stored.parsed.provisions == (PROV,) and stored.version != 99
    assert stored.parsed.document.title == DOC.title


def test_legacy_layout(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "d.json").write_text("{}", encoding="utf-8")
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "version": 1,
                "docs": {"d": {"sha256": "x", "source_path": "a/d.txt", "index_id": "i"}},
            }
        ),
        encoding="utf-8",
    )
    with sqlite3.connect(tmp_path / "index.sqlite") as old:  # the first SQLite release
        old.execute(
            "CREATE TABLE documents (doc_id, seq, sha256, source_path, index_id, version, data)"
        )
        old.execute("INSERT INTO documents VALUES ('e', 1, 'y', 'a/e.txt', 'j', 1, '{}')")
    Tables(Database(database_path(tmp_path)))  # today's database beside them
    assert legacy_manifest(tmp_path) == {
        "d": ManifestEntry("d", "x", "a/d.txt", "i"),
        "e": ManifestEntry("e", "y", "a/e.txt", "j"),
    }
    remove_legacy(tmp_path)
    assert legacy_manifest(tmp_path) == {} and not (tmp_path / "docs").exists()
    assert [p.name for p in tmp_path.glob("*.sqlite")] == [database_path(tmp_path).name]


def test_atomic_write_keeps_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.json"
    atomic_write_text(path, "old")

    def fail(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
