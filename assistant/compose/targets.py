"""Targets grouped by the year they are set for. A target paragraph reads "到2025年，…。…。到2030年，…";
every sentence belongs to the year that opened its stretch, so a 2025 sentence never joins the 2030
targets, and a question about one year gets that year's sentences only."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.index.corpus import sentences

YEAR_MARK = re.compile(r"(?:到|至|在)\s*(20\d\d)\s*年|(20\d\d)\s*年(?:前|底|末|以前)")
ASKED_YEAR = re.compile(r"(20\d\d)")


@dataclass(frozen=True, slots=True)
class YearTarget:
    year: str
    sentences: tuple[str, ...]  # verbatim, in document order


def by_year(text: str) -> list[YearTarget]:
    """The year stretches of a target text; sentences before the first year mark are left out."""
    groups: dict[str, list[str]] = {}
    year = ""
    for paragraph in text.split("\n"):
        for sentence in sentences(paragraph):
            m = YEAR_MARK.search(sentence[:12])
            if m:
                year = m.group(1) or m.group(2)
            if year:
                groups.setdefault(year, []).append(sentence)
    return [YearTarget(y, tuple(s)) for y, s in groups.items()]


def asked_years(question: str) -> list[str]:
    return ASKED_YEAR.findall(question)


def set_years(question: str) -> list[str]:
    """The years a question sets a target for ("到2030年…下降多少" → 2030), not the base year it
    compares with ("比2020年")."""
    return [a or b for a, b in YEAR_MARK.findall(question)]


def year_sentences(question: str, text: str) -> list[str]:
    """The sentences of `text` under the year the question sets, when the text sets its targets
    year by year; all its sentences otherwise."""
    years = set_years(question)
    stretches = by_year(text) if years else []
    if not stretches:
        return sentences(text)
    return [x for y in stretches if y.year in years for x in y.sentences]


def has_year_stretches(text: str) -> bool:
    return len(by_year(text)) >= 2 or bool(by_year(text) and YEAR_MARK.match(text.strip()))
