"""The words that print who is responsible, as named constants (data, not rules).

Each list says where its words were seen. The extractor reads structure first (where a bracket sits,
which label precedes a list, what the document says about its own lists); these words only name the
roles. A document that uses another word for the same role needs one entry here, and a test.
"""

from __future__ import annotations

import re

# "牵头单位：X" — shandong-green-low-carbon-transition, sichuan-county, wuhan-co2-peak-assessment.
LEAD_LABELS = ("牵头单位", "牵头部门", "牵头处室", "牵头责任单位")
# "责任单位：X" names units without saying who leads — anhui-14th-fyp, chengyu, hubei, qingdao,
# shanghai-public-institutions, wuhan-carbon-reduction; "责任部门/责任处室" — jiangsu-eco-env 2021/2022;
# the seed's annex column is headed 责任部门.
RESPONSIBLE_LABELS = ("主要责任单位", "责任单位", "责任部门", "责任处室", "责任主体")
# "配合单位：Y" — anhui-14th-fyp, shandong, sichuan-county.
CO_LABELS = ("配合单位", "配合部门", "参与单位", "协同单位", "协助单位")
# "完成期限：7月底" — jiangsu-eco-env 2021; 完成时限 / 完成时间 are the same field in other plans.
DEADLINE_LABELS = ("完成期限", "完成时限", "完成时间", "时间节点")

ALL_LABELS = (*LEAD_LABELS, *RESPONSIBLE_LABELS, *CO_LABELS, *DEADLINE_LABELS)
LABEL_RE = re.compile("(" + "|".join(sorted(ALL_LABELS, key=len, reverse=True)) + ")[:：]")

# Role words after a list of names, longest first: "X牵头，Y按职责分工负责" (the seed, national-14th-fyp,
# jiangsu-14th-fyp, chongqing), "X牵头，Y配合" (guangdong-green-finance), "（生态环境部负责）"
# (national-pollution-carbon-synergy), "各县级市〔区〕人民政府负责落实" (the seed).
ROLE_RE = re.compile(
    "(牵头负责|牵头|按照职责分工负责|按职责分工负责|按职责分工落实|按照职责分工落实|按职责分工|"
    "分工负责|负责落实|具体负责|负责|配合|参与|协同|协助)"
)
LEAD_ROLES = frozenset({"牵头负责", "牵头"})
RESPONSIBLE_ROLES = frozenset({"负责", "具体负责"})
IMPLEMENT_ROLES = frozenset({"负责落实", "按职责分工落实", "按照职责分工落实"})

# A bracket is an attribution only when it names a role (the position test is in attribution.py).
ROLE_WORD_RE = re.compile(
    "|".join([*ALL_LABELS, "牵头", "按职责分工", "按照职责分工", "负责", "配合"])
)

# The document states how to read its lists: "两省市列首位的为牵头单位，下同" (chengyu).
FIRST_LISTED_LEADS_RE = re.compile(
    r"(?:(两|二|三|四|各)[\u4e00-\u9fff]{0,4}?)?(?:列|排)(?:在)?(?:首位|第一位|第一)的?(?:单位)?(?:为|是)牵头(?:单位|部门)?"
)
# "以下均需各县级市〔区〕人民政府落实，不再列出" (the seed), "以下均需各市人民政府落实" (anhui-14th-fyp).
# "以下工作任务均需各区人民政府落实" (wuhan-carbon-reduction).
WIDE_NOTE_RE = re.compile(r"以下(?:[\u4e00-\u9fff]{0,6}?)均[需由]?(.+?)(?:负责)?落实")
SAME_BELOW_RE = re.compile(r"^下同$|^以下同$")

# Local governments: named to 落实 they implement; inside a unit list they are units as printed.
LOCAL_GOVERNMENT_RE = re.compile(r"人民政府|政府$|^各(?:县|市|区|地)|县级市")
