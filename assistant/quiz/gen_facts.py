"""Items on what the text says: target figures and years, rules that bind enterprises, principles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial

from assistant.quiz.build import Context, cite, clean_title, make_item, quoted, sentence_containing
from assistant.quiz.model import BLANK, Claim, ItemType, QuizItem, Topic
from assistant.quiz.words import (
    FIGURE,
    OPPOSITE,
    PRINCIPLES_TITLE,
    RULE_DISTRACTOR,
    RULE_WORD,
    TARGET_WORDS,
    TARGET_YEAR,
    YEARS,
    rule_category,
)
from ingest.model import Provision, ProvisionKind

_BREAK = "，；。：\n"
_SKIP_KINDS = (ProvisionKind.META, ProvisionKind.ANNEX)


@dataclass(frozen=True, slots=True)
class Fragment:
    """A clause of a provision with one piece (a figure, a year, a rule word) to be asked about."""

    provision: Provision
    before: str  # verbatim text of the clause before the piece
    piece: str
    after: str  # verbatim text of the clause after the piece
    context: str  # words put before the clause in the stem (the target year of its paragraph)
    quote: str  # the verbatim sentence

    @property
    def filled(self) -> str:
        return self.before + self.piece + self.after

    def stem(self, middle: str) -> str:
        return f"根据文件，{self.context}{self.before}{middle}{self.after}。"


def fragment(
    p: Provision, start: int, end: int, *, min_chars: int = 12, sentence: bool = False
) -> Fragment | None:
    """The clause around text[start:end] (one clause more when it is short; from the sentence's
    start when `sentence` and that is not too long)."""
    text = p.text
    left = start
    while left > 0 and text[left - 1] not in _BREAK:
        left -= 1
    if sentence:
        head = left
        while head > 0 and text[head - 1] not in "。；：\n":
            head -= 1
        if start - head <= 40:
            left = head
    right = end
    while right < len(text) and text[right] not in _BREAK:
        right += 1
    short = right - left < min_chars or (
        sentence and left == start
    )  # a clause that opens with the piece
    if short and left > 0 and text[left - 1] == "，":  # one clause more
        left -= 1
        while left > 0 and text[left - 1] not in _BREAK:
            left -= 1
    before, after = text[left:start], text[end:right]
    if right - left < min_chars or "（" in before + after or "）" in before + after:
        return None
    line_start = text.rfind("\n", 0, left) + 1
    year = None
    for m in TARGET_YEAR.finditer(text, line_start, left + 1):
        year = m
    context = ""
    if year and year.end() <= left and year.group(1) not in before:
        context = f"到{year.group(1)}年，"
    quote = sentence_containing(text, left, right)
    return Fragment(p, before, text[start:end], after, context, quote)


def _number(text: str) -> Decimal:
    return Decimal(text)


def _format(value: Decimal, like: str) -> str:
    places = len(like.split(".")[1]) if "." in like else 0
    return f"{value:.{places}f}"


def figure_distractors(ctx: Context, number: str, unit: str) -> list[str]:
    """Other figures of the same unit and magnitude: first those printed in the document, then the
    figure scaled (×0.5, ×1.5, ×2 …) and rounded like it."""
    value = _number(number)
    printed = {
        m.group(1) for m in FIGURE.finditer(ctx.text) if m.group(2) == unit and m.group(1) != number
    }
    same = [n for n in sorted(printed) if value > 0 and Decimal("0.1") <= _number(n) / value <= 10]
    ctx.rng.shuffle(same)
    scaled: list[str] = []
    for factor in ("0.5", "1.5", "2", "0.8", "1.2", "3"):
        candidate = _format(value * Decimal(factor), number)
        if candidate not in (number, *same, *scaled) and _number(candidate) > 0:
            if unit in ("%", "％") and _number(candidate) > 100:
                continue
            scaled.append(candidate)
    return [*same, *scaled]


def figure_items(ctx: Context) -> Iterator[QuizItem]:
    seen: set[str] = set()
    for p in ctx.provisions:
        if p.kind in _SKIP_KINDS:
            continue
        for m in FIGURE.finditer(p.text):
            frag = fragment(p, m.start(), m.end())
            if frag is None or frag.filled in seen or ctx.text.count(frag.filled) != 1:
                continue
            if not TARGET_WORDS.search(frag.filled) or frag.after.startswith("《"):
                continue
            seen.add(frag.filled)
            number, unit = m.group(1), m.group(2)
            # a figure printed in the same words elsewhere (the 2030 value of a 2025 target) is no
            # distractor: the clause alone would not tell it wrong
            others = [w + unit for w in figure_distractors(ctx, number, unit)]
            wrong = [w for w in others if frag.filled.replace(frag.piece, w) not in ctx.text][:3]
            explanation = f"{cite(p)}原文：{quoted(frag.quote)}"
            base = Claim(Topic.FIGURE, filled=frag.filled, subject=frag.piece)
            question = frag.stem(BLANK)
            item = partial(make_item, ctx, p, quote=frag.quote, explanation=explanation)
            blank = Fragment(p, frag.before, number, unit + frag.after, frag.context, frag.quote)
            claim = replace(base, values=(number, number + unit), right=(number,))
            yield item(type=ItemType.BLANK, question=blank.stem(BLANK), claim=claim, difficulty=2)
            if len(wrong) == 3:
                claim = replace(base, values=(frag.piece, *wrong), right=(frag.piece,))
                yield item(type=ItemType.SINGLE, question=question, claim=claim, difficulty=2)
                truth = ctx.rng.random() < 0.5
                shown = frag.piece if truth else wrong[0]
                claim = replace(base, values=(shown,), right=(shown,) if truth else ())
                yield item(
                    type=ItemType.JUDGE, question=frag.stem(shown), claim=claim, difficulty=2
                )


def year_items(ctx: Context) -> Iterator[QuizItem]:
    """The year each target clause is set for ("到2025年，…初步形成")."""
    for p in ctx.provisions:
        if p.kind in _SKIP_KINDS:
            continue
        for line in p.text.split("\n"):
            year = TARGET_YEAR.match(line)
            if not year:
                continue
            offset = p.text.find(line)
            clause_start = offset + year.end()
            clause_end = clause_start
            while clause_end < len(p.text) and p.text[clause_end] not in _BREAK:
                clause_end += 1
            clause = p.text[clause_start:clause_end]
            if len(clause) < 8 or ctx.text.count(clause) != 1 or re.search(r"20\d\d", clause):
                continue
            y = year.group(1)
            filled = p.text[offset + year.start(1) - 1 : clause_end]  # "到2025年，…"
            quote = sentence_containing(p.text, clause_start, clause_end)
            printed = sorted(set(TARGET_YEAR.findall(ctx.text)) | set(YEARS))
            wrong = [w for w in printed if w != y]
            explanation = f"{cite(p)}原文：{quoted(quote)}"
            base = Claim(Topic.FIGURE, filled=filled, subject=y)
            yield make_item(
                ctx, p, type=ItemType.BLANK, question=f"根据文件，到{BLANK}年，{clause}。",
                claim=replace(base, values=(y,), right=(y,)), quote=quote,
                explanation=explanation, difficulty=1,
            )  # fmt: skip
            if len(wrong) >= 3:
                shown = (y, *ctx.sample(wrong, 3))
                yield make_item(
                    ctx, p, type=ItemType.SINGLE,
                    question=f"根据文件，“{clause}”是到哪一年的目标？",
                    options=tuple(f"{v}年" for v in shown),
                    claim=replace(base, values=shown, right=(y,)),
                    quote=quote, explanation=explanation, difficulty=1,
                )  # fmt: skip


def rule_items(ctx: Context) -> Iterator[QuizItem]:
    """禁止 / 严格控制 / 优先保障 …: the strength of a rule, asked with words of other strengths."""
    seen: set[str] = set()
    for p in ctx.provisions:
        if p.kind in _SKIP_KINDS:
            continue
        for m in RULE_WORD.finditer(p.text):
            word = m.group(0)
            category = rule_category(word)
            frag = fragment(p, m.start(), m.end(), min_chars=10, sentence=True)
            if frag is None or len(frag.after) < 4 or frag.filled in seen:
                continue
            seen.add(frag.filled)
            wrong = [w for c, w in RULE_DISTRACTOR.items() if c != category]
            wrong = [w for w in wrong if frag.before + w + frag.after not in ctx.text]
            explanation = f"{cite(p)}原文：{quoted(frag.quote)}"
            base = Claim(Topic.RULE, filled=frag.filled, subject=word)
            claim = replace(base, values=(word, *wrong[:3]), right=(word,))
            if len(wrong) >= 3:
                yield make_item(
                    ctx, p, type=ItemType.SINGLE, question=frag.stem(BLANK), claim=claim,
                    quote=frag.quote, explanation=explanation, difficulty=1,
                )  # fmt: skip
            yield make_item(
                ctx, p, type=ItemType.BLANK, question=frag.stem(BLANK),
                claim=replace(base, values=(word,), right=(word,)),
                quote=frag.quote, explanation=explanation, difficulty=2,
            )  # fmt: skip
            opposite = OPPOSITE[category]
            if frag.before + opposite + frag.after not in ctx.text:
                truth = ctx.rng.random() < 0.5
                shown = word if truth else opposite
                yield make_item(
                    ctx, p, type=ItemType.JUDGE, question=frag.stem(shown),
                    claim=replace(base, values=(shown,), right=(shown,) if truth else ()),
                    quote=frag.quote, explanation=explanation, difficulty=1 if truth else 2,
                )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Principle:
    provision: Provision  # the principles section, or the item that states one principle
    name: str  # "坚持节约优先"
    description: str  # the sentence after the name, verbatim
    quote: str  # name and description as printed


def principles(ctx: Context) -> tuple[Provision | None, list[Principle]]:
    """The document's principles: lines "坚持X。……" of its principles section, or its items."""
    for section in ctx.provisions:
        if section.kind not in (ProvisionKind.CHAPTER, ProvisionKind.SECTION):
            continue
        if not PRINCIPLES_TITLE.search(clean_title(section.title)):
            continue
        found: list[Principle] = []
        for line in section.text.split("\n")[1:]:
            name, _, rest = line.partition("。")
            if 2 <= len(name) <= 14 and rest:
                first = rest.split("。")[0] + "。"
                found.append(Principle(section, name, first, f"{name}。{first}"))
        for item in ctx.corpus.children(section):
            name, _, rest = item.text.partition("。")
            if name == clean_title(item.title) and len(name) <= 20 and rest:
                first = rest.split("。")[0] + "。"
                found.append(Principle(item, name, first, f"{name}。{first}"))
        if len(found) >= 3:
            return section, found
    return None, []


def principle_items(ctx: Context) -> Iterator[QuizItem]:
    section, found = principles(ctx)
    if section is None:
        return
    heading = clean_title(section.title)
    names = [x.name for x in found]
    for x in found:
        others = [n for n in names if n != x.name]
        explanation = f"{cite(x.provision)}原文：{quoted(x.quote)}"
        hint = x.description.rstrip("。").split("，")[0]
        if len(hint) < 6:
            hint = x.description.rstrip("。")
        said = f"「{hint}」" if "“" in hint else f"“{hint}”"
        claim = Claim(
            Topic.PRINCIPLE,
            values=(x.name, *ctx.sample(others, min(3, len(others)))),
            right=(x.name,),
            subject=section.key,
            filled=hint,
        )
        yield make_item(
            ctx, x.provision, type=ItemType.SINGLE,
            question=f"文件提出的{heading}中，要求{said}的是哪一项？",
            claim=claim, quote=x.quote, explanation=explanation, difficulty=2,
        )  # fmt: skip
        asked = x.name.removeprefix("坚持")
        prefix = x.name[: len(x.name) - len(asked)]
        yield make_item(
            ctx, x.provision, type=ItemType.BLANK,
            question=f"文件提出的{heading}之一是“{prefix}{BLANK}”，要求{said}。",
            claim=Claim(Topic.PRINCIPLE, values=(asked, x.name), right=(asked,), subject=section.key, filled=hint),
            quote=x.quote, explanation=explanation, difficulty=2,
        )  # fmt: skip
