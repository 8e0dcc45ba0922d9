"""Which answer backends this installation offers: an unconfigured one is simply not offered."""

from __future__ import annotations

import logging
from importlib.util import find_spec

from assistant.settings import Settings

log = logging.getLogger(__name__)

LABELS = {"composer": "规则组合", "local": "本地模型", "openai": "在线模型"}


def local_available(settings: Settings) -> bool:
    """True when the local backend can load a model: xllamacpp plus a GGUF (bundled or configured).

    Cheap: looks for the installed part packages, never assembles or loads the model.
    """
    if find_spec("xllamacpp") is None:
        return False
    try:
        from assistant.llm import local_model  # noqa: PLC0415 - absent in older checkouts
    except ImportError:
        return False
    if settings.llm_gguf is not None:
        return settings.llm_gguf.is_file()
    try:
        local_model.part_files()
    except local_model.ModelMissingError:
        return False
    except Exception:  # a broken install is reported as missing, not as a crash
        log.exception("local model check failed")
        return False
    return True


def available(settings: Settings) -> list[tuple[str, str]]:
    """Radio choices (label, name): the rules always, the models when they can run here."""
    choices = [(LABELS["composer"], "composer")]
    if local_available(settings):
        choices.append((LABELS["local"], "local"))
    if settings.openai_base_url:
        choices.append((LABELS["openai"], "openai"))
    return choices
