"""Provision/responsibility tables: JSON round trip, manifest, atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.index.tables import (
    ManifestEntry,
    Tables,
    atomic_write_text,
    document_from_dict,
    document_to_dict,
    parsed_from_dict,
    parsed_to_dict,
    provision_from_dict,
    provision_to_dict,
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
)

RESP = Responsibility(
    lead=("市碳达峰碳中和工作领导小组办公室",),
    co=("市财政局", "人行苏州中心支行"),
    implementers=("各县级市（区）人民政府",),
    deadline="2025年",
    raw="（市碳达峰碳中和工作领导小组办公室牵头，市财政局、人行苏州中心支行按职责分工负责）",
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


def test_round_trip() -> None:
    assert responsibility_from_dict(responsibility_to_dict(RESP)) == RESP
    assert responsibility_from_dict({}) == Responsibility()
    assert document_from_dict(document_to_dict(DOC)) == DOC
    assert provision_from_dict(provision_to_dict(PROV)) == PROV
    parsed = ParsedDocument(DOC, (PROV,), warnings=("第3页：附件表格未识别",))
    assert parsed_from_dict(parsed_to_dict(parsed)) == parsed


def test_tables_on_disk(tmp_path: Path) -> None:
    tables = Tables(tmp_path / "index")
    assert tables.load_manifest() == {}
    assert tables.load_doc("d") is None
    parsed = ParsedDocument(DOC, (PROV,))
    tables.save_doc(parsed)
    entries = {"d": ManifestEntry("d", "ab" * 32, "corpus/d.txt", "0123456789ab")}
    tables.save_manifest(entries)
    again = Tables(tmp_path / "index")
    assert again.load_doc("d") == parsed
    assert again.load_manifest() == entries
    assert "市财政局" in again.doc_path("d").read_text(encoding="utf-8")  # readable Chinese
    again.remove_doc("d")
    assert again.load_doc("d") is None
    assert not list((tmp_path / "index").rglob("*.tmp"))


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
