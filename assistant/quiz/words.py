"""Word lists of the quiz generators, each with where it was seen (data, not code)."""

from __future__ import annotations

import re

# Units a target figure is printed with. Seen in the seed (苏委发〔2022〕7号), the Guangdong green
# finance plan (家, 亿元, %), the Shandong 2022 action plan (万千瓦, 亿千瓦时) and the national plans.
UNITS = (
    "%", "％", "个百分点", "百分点", "亿千瓦时", "万千瓦时", "千瓦时", "万千瓦", "千瓦", "万吨标准煤", "吨标准煤", "亿吨",
    "万吨", "吨", "亿元", "万元", "万亩", "万辆", "辆", "家", "个", "座", "万平方米", "平方米",
    "亿立方米", "万立方米", "立方米", "公里", "倍", "项",
)  # fmt: skip
FIGURE = re.compile(
    r"(?<![\d.．〔\[（(第])(\d+(?:\.\d+)?)("
    + "|".join(map(re.escape, sorted(UNITS, key=len, reverse=True)))
    + r")(?![\d〕\]])"
)
# A figure is a target when its clause says what it reaches or keeps to (seed 1.3, Guangdong 目标要求
# "比重达到10%左右", Shandong 工作目标 "装机达到6700万千瓦", national 主要目标); "1个《实施意见》" is not.
TARGET_WORDS = re.compile(
    r"达到|提高|提升|降低|下降|不低于|不高于|不超过|超过|以上|左右|控制在|累计|新增|建成|突破|力争|"
    r"增长|减少|比重|占比|翻|压减|淘汰|关停|更新|改造|设立|培育|创建|打造|完成"
)
# "到2025年" / "力争到2030年" / "2030年前": the year a target is set for.
TARGET_YEAR = re.compile(r"(?:力争)?到(20[2-9]\d)年[，,]?")
YEARS = ("2025", "2030", "2035", "2060")  # the years of the 双碳 targets, used as distractors

# Rules that bind enterprises and projects, by strength. A distractor comes from another strength, so
# it is never a synonym of the key. Seen in the seed (坚决禁止新建燃煤供热锅炉, 严禁…新增产能项目,
# 严格控制新增耗煤项目), the pollution–carbon synergy plan (严禁新增…产能) and the Shandong plan.
RULES: dict[str, tuple[str, ...]] = {
    "ban": ("严禁", "禁止", "不得", "不再新建", "不再新增", "不再审批", "不予审批"),
    "limit": ("严格控制", "严格限制", "从严控制"),
    "priority": ("优先保障", "优先支持", "优先安排"),
    "encourage": ("鼓励", "引导", "有序推进"),
}
RULE_DISTRACTOR = {"ban": "禁止", "limit": "严格控制", "priority": "优先保障", "encourage": "鼓励"}
# A false statement swaps in a word of the opposite direction, never a neighbour (禁止 for 严格控制
# would be arguable): restrictions become 鼓励, priorities become 严格控制.
OPPOSITE = {"ban": "鼓励", "limit": "鼓励", "priority": "严格控制"}
ASKED_RULES = ("ban", "limit", "priority")  # rules asked about; "encourage" only as a distractor
RULE_WORD = re.compile(
    "|".join(
        re.escape(w)
        for w in sorted((w for c in ASKED_RULES for w in RULES[c]), key=len, reverse=True)
    )
)


def rule_category(word: str) -> str:
    return next((c for c, words in RULES.items() if word in words), "")


# Headings of the principles section: 工作原则 (seed, pollution–carbon plan), 基本原则 (Guangdong).
PRINCIPLES_TITLE = re.compile(r"(?:工作|基本|主要)?原则$")
