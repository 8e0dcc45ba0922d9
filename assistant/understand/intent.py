"""Question understanding: intent, asked role, department mentions, article references, scope."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from assistant.understand.numerals import article_numbers, part_numbers
from assistant.understand.synonyms import expand


class Intent(StrEnum):
    WHO_LEADS = "who_leads"
    DEPARTMENT_TASKS = "department_tasks"
    NO_LEAD = "no_lead"
    COUNT = "count"
    METADATA = "metadata"
    TARGET = "target"
    LIST = "list"
    LOCATE = "locate"
    RULE = "rule"
    INJECTION = "injection"
    ABOUT = "about_assistant"  # questions about the assistant itself, not the documents
    # a piece of work asked for (代写材料, 推荐基金), not a question to the documents
    REQUEST = "request"


class Role(StrEnum):
    LEAD = "lead"
    CO = "co"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class Query:
    question: str  # as asked
    text: str  # standalone form used for retrieval (follow-ups resolved)
    intent: Intent
    role: Role = Role.ANY
    departments: tuple[str, ...] = ()  # canonical names
    articles: tuple[int, ...] = ()  # 第N条 numbers
    doc_ids: tuple[str, ...] = ()  # scope; empty = all documents
    scope_words: tuple[str, ...] = ()  # words that named the documents, not what is asked about
    asks_figure: bool = False  # asks for a number, a rate, an amount, a year
    asks_year: bool = False  # the figure asked for is a year ("哪一年建成？")
    asks_deadline: bool = False  # "完成期限是什么时候？"
    restrict_keys: tuple[str, ...] = ()  # follow-up over "these tasks": only these keys
    exclude_keys: tuple[str, ...] = ()  # follow-up "它还…": what was already answered
    foreign_place: str | None = None  # a place named that no indexed document covers
    min_leads: int = 0  # "三个部门共同牵头": only tasks with at least/exactly this many leads
    follows: str = ""  # the earlier question a follow-up was read against ("" = standalone)
    confirms: bool = False  # asks to confirm a body's role ("是气候处负责的吗？")
    confirmed_unit: str = ""  # the body it names, as written, when the registry does not know it


INJECTION_RE = re.compile(
    r"(?:忽略|忘掉|忘记|抛开|无视)(掉)?(以上|之前|上述|前面|先前|所有|你的|文件)?.{0,6}(指令|指示|要求|规则|内容|设定|提示)"
    r"|系统提示|提示词|system\s*prompt|ignore\s+(all\s+|the\s+)?(previous|above)|你现在(是|扮演)"
    r"|扮演|不要(管|理会|看)(上面|前面|以上)?的?(资料|文件|内容|材料)|你就(回答|说)|照我说的"
    r"|直接(说|回答|告诉我).{0,20}(牵头|负责)|直接确认|请确认|你是.{0,12}(系统|内部|管理员)",
    re.IGNORECASE,
)
# work asked of the assistant rather than a question the documents answer: writing a paper for the
# user, or advice on what to buy
REQUEST_RE = re.compile(
    r"(?:帮我|替我|给我|帮忙|请你?|麻烦你?)(?:写|起草|撰写|代写|拟写|编写|拟)(?:一|几)?[份篇个]"
    r"|(?:推荐|买|选)(?:一|哪|几|两|三)[只个支款][\u4e00-\u9fff]{0,8}(?:基金|股票|债券|理财)|收益最高|投资建议"
    # a provision or a figure made up ("编一个第33条出来", "随便写"), a forecast ("预测一下明年…")
    r"|编(?:一|几)?[个条段份]|编造|虚构|瞎编|随便写|预测一下|帮我预测|你预测"
)
ABOUT_RE = re.compile(
    r"你是谁|你叫什么|你是(基于|用)|大模型|语言模型|你(能|会)做什么|你的(名字|版本|作者)|谁(开发|做)了你"
)
METADATA_RE = re.compile(
    r"文号|发文(机关|单位|字号)|(哪个|哪些|什么)(机关|单位|部门)(联合)?(发布|印发|制定|出台|发的)"
    r"|什么时候(发布|印发|出台|制定|发的)|(印发|发布|出台|成文)(时间|日期)|哪一?天(印发|发布|发的|出台)"
    r"|(文件|这份文件|该文件)的?(标题|全称|名称|题目)|标题是|叫什么(名字)?|由谁(印发|发布|制定)"
    r"|发给|主送|抄送|印发给|附件(是什么|叫什么|有哪些|名称)|哪一?类文件|什么名义|下发|印发机关|什么文件"
    r"|发送|发至|印发范围|依据.{0,10}文件|(哪份|什么|哪个|哪些|哪[两几三]个).{0,6}文件.{0,4}(精神|制定)|制定依据"
    r"|哪[两三几]个(机关|单位|部门)(联合)?(发布|印发|制定|出台|发的)"
    # "是谁发的？", "以谁的名义印发的？", "落款是谁": the issuer, not a responsibility
    r"|谁的名义|(是|由)谁(联合)?(印发|签发|下发)|落款"
    # "这份意见是哪一天的？", "成文日期是哪天": the document's date
    r"|(是|为)哪一?天的|(成文|发文|印发|发布)日期|哪一?年哪一?天"
    r"|(文件|意见|方案|通知|规划|计划|办法|这份|这个)[^，。？]{0,12}(是|由)谁(发|发布|制定|出台)"
)
NO_LEAD_RE = re.compile(
    r"((?<!有)没有|(?<!有)无|未|缺少?|不设)(明确|写|写明|列|列明|标明|设|指定|规定)?(的)?牵头"
)
STRUCT_NOUN = (
    r"(条|项|类|份|件|家|处(?!室)|个?(任务|部门|方案|专项|单位|章|部分|方面|文件|原则|目标|阶段|领域)"
    r"|个(?![\u4e00-\u9fff]))"
)
COUNT_RE = re.compile(
    rf"多少{STRUCT_NOUN}|(?<![哪第])几大?{STRUCT_NOUN}|(?<!哪)几个(?!部门)|数量"
    # "一共哪些单位？" asks which, "一共有几项？" how many
    r"|(总共|一共|共有|共计)(?!有?(哪|什么|是))"
)
JOINT_LEAD_RE = re.compile(
    r"(?<!哪)(两|三|四|五|2|3|4|5)个部门(共同|联合|一起)?牵头|(共同|联合|一起)牵头|多个部门牵头"
)
_UNIT = (
    r"[\u4e00-\u9fff]{2,16}?(?:部|委|局|厅|办|处|科|中心|支队|政府|公司|银行|分行|支行|法院|检察院)"
)
ROLE_IN_RE = re.compile(
    r"角色|是牵头还是配合|牵头还是配合|在(里面|其中|这条|该条)|是不是牵头"
    r"|(牵头|负责|配合|参与)的?吗|算不算|是不是.{0,12}(牵头|负责|责任单位|配合)"
    r"|有没有份|也有份|有份吗"
)
CONFIRM_RE = re.compile(
    # "是市国资委牵头的吧？", "是市发改委牵头编的吗？"
    r"是[^，。？?]{1,16}?(牵头|负责|配合|承担)[\u4e00-\u9fff]{0,2}?的?[吗吧]"
    r"|算不算[^，。？?]{0,6}(责任|牵头|配合)"
    r"|是不是[^，。？?]{0,16}(牵头|负责|配合)"
    # "牵头单位是省林业局吗？"
    r"|(牵头|负责|配合|责任)(单位|部门)(是|为)[^，。？?]{2,16}?[吗吧]"
    # "市交通运输局是不是牵头单位？", "是牵头单位吗", "检察院是不是也有份？"
    rf"|{_UNIT}(是不是|是否)也?(牵头|负责|配合|责任|参与)|{_UNIT}是(牵头|负责|配合|责任)(单位|部门)"
    rf"|{_UNIT}(是不是|是否)?也?有份"
)
CONFIRMED_UNIT_RE = re.compile(
    rf"(?:是|算|是不是)({_UNIT})(?:牵头|负责|配合|承担)"
    rf"|({_UNIT})(?:(?:是不是|是否)也?(?:牵头|负责|配合|责任|参与)|是(?:牵头|负责|配合|责任)(?:单位|部门))"
    rf"|(?:牵头|负责|配合|责任)(?:单位|部门)(?:是|为)({_UNIT})[吗吧]"
)
# "哪个厅牵头" / "哪几个单位负责" / "哪两个部门": which bodies, never how many
WHICH_BODY_RE = re.compile(
    r"哪(个|些|家|[两三四五几][个家])[\u4e00-\u9fff]{0,2}?(厅|局|委|办|处室|处|科室|部委|部门|单位|机构|机关)"
    r"|(牵头|负责|责任|配合|参与)的(部门|单位|处室|机构)|是哪.{0,4}的(活|事|工作|任务)"
)
DEPT_TASK_RE = re.compile(
    r"(牵头|负责|参与|配合|承担|分管|涉及|主管|管)(了|做|干|开展|落实)?(哪些|哪几?项|什么|几|啥|多少)"
    r"|在(哪些|哪几?项)(任务|工作|事项)"
    r"|(的|有哪些)(任务|工作|职责|事项)|(任务|工作|职责)(有哪些|是什么)"
    # "市发展改革委作为牵头单位的是哪几条？", "以省生态环境厅为配合单位的有哪些？"
    r"|(作为|为|是)(牵头|配合|责任)(单位|部门|方)的(是|有|都有)?(哪些|哪几|哪[条项个]|什么|几)"
)
WHO_RE = re.compile(
    r"谁|哪个部门|哪些部门|哪家|什么部门|哪个单位|哪些单位|哪个机构|哪个局|哪几个部门"
    r"|(责任|牵头|配合|负责|主责|参与|协同)(部门|单位|机构|处室)|归口|主管部门|分工"
    r"|(哪个|哪些|什么)(处室|处|科室|司局|机关)|由(哪|什么).{0,6}(负责|落实|承担)"
)
# a year that is part of a document's name ("2021年度…工作计划", "按…2021年的计划"): no target asked
NAMED_YEAR_RE = re.compile(r"20\d\d\s*年(?:度|前)?[^，。？！、,?!\s]{0,16}?(?:计划|方案|意见|要点)")
TARGET_RE = re.compile(
    r"目标|到\s*20\d\d|20\d\d\s*年|指标|愿景|达峰时间|什么时候(实现|达峰)|(做|达)到什么(程度|水平)"
)
LOCATE_RE = re.compile(
    r"哪一?条|哪里|在哪|出处|哪个部分|哪一部分|哪一章|哪个章节|哪一节|提到|提及|规定在|第几[条项章节]"
)
LIST_RE = re.compile(
    r"有哪些|包括哪些|包括什么|包含|哪几|列举|都有什么|都有啥|主要内容|要点|重点任务|哪些方面"
    r"|分别是|分别有|各是什么|都是什么"
)
PARTS_RE = re.compile(r"部分|方面|板块|几大|章节|几块")
FIGURE_RE = re.compile(
    rf"百分之|%|％|个百分点|多少(?!{STRUCT_NOUN})|多大|多高|多长|多重|多快"
    r"|具体(数值|比例|数字|金额|比率|标准)"
    r"|罚(款|多少|钱)|处罚|下降(多少|几)|降低(多少|几)|提高(多少|几)|比重是多少|占比(多少|是多少)|几成"
    r"|补贴(多少|标准)|奖励(多少|标准)|什么标准|哪个标准|加收|几级|哪一档"
    r"|多少[\u4e00-\u9fff]{0,4}(资金|经费|钱|金额)"
    r"|哪一年|哪年|何时|什么时候(建成|完成|投产|开工|实现)"
)
DEADLINE_RE = re.compile(
    r"完成期限|完成时限|什么时候完成|何时完成|截止(时间|日期)|期限是|几月底?(?:前|完成|之前)|哪个月(?:底|前)?完成"
)
YEAR_ASKED_RE = re.compile(r"哪一年|哪年|何时|什么时候(建成|完成|投产|开工|实现)")
CO_RE = re.compile(r"配合|协同|参与|协助|配合部门|按职责分工")
LEAD_RE = re.compile(r"牵头|主责|主要负责|带头")

# Places that have their own policy documents; a question naming one of them is only in scope when an
# indexed document is about it.
PLACES = (
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
    "台湾",
    "南京",
    "无锡",
    "常州",
    "南通",
    "杭州",
    "宁波",
    "深圳",
    "广州",
    "武汉",
    "成都",
    "西安",
    "青岛",
    "厦门",
    "合肥",
    "郑州",
    "长沙",
    "济南",
    "沈阳",
    "大连",
    "哈尔滨",
    "长春",
    "昆明",
    "贵阳",
    "南宁",
    "福州",
    "石家庄",
    "太原",
    "呼和浩特",
    "兰州",
    "银川",
    "西宁",
    "乌鲁木齐",
    "拉萨",
    "海口",
    "北海",
    "梧州",
    "上饶",
    "徐州",
    "扬州",
    "镇江",
    "泰州",
    "盐城",
    "淮安",
    "连云港",
    "宿迁",
    "嘉兴",
    "温州",
)


def understand(
    question: str,
    *,
    find_departments: Callable[[str], Sequence[str]],
    places_in_scope: Callable[[str, str], bool] = lambda _place, _question: True,
    doc_ids: Sequence[str] = (),
    scope_words: Sequence[str] = (),
) -> Query:
    """Classify a standalone question. `find_departments` maps free text to canonical names."""
    text = question.strip()
    departments = tuple(find_departments(text))
    words = expand(text)
    return Query(
        question=question,
        text=f"{text} {words}" if words else text,
        intent=classify(
            text, has_department=bool(departments), has_article=bool(article_numbers(text))
        ),
        role=asked_role(text),
        departments=departments,
        articles=tuple(article_numbers(text)),
        doc_ids=tuple(doc_ids),
        scope_words=tuple(scope_words),
        asks_figure=bool(FIGURE_RE.search(text)),
        asks_year=bool(YEAR_ASKED_RE.search(text)),
        asks_deadline=bool(DEADLINE_RE.search(text)),
        foreign_place=_foreign_place(text, places_in_scope),
        min_leads=_min_leads(text),
        confirms=bool(CONFIRM_RE.search(text)),
        confirmed_unit=(m.group(1) or m.group(2) or m.group(3))
        if (m := CONFIRMED_UNIT_RE.search(text))
        else "",
    )


def classify(  # noqa: PLR0912 - one rule per intent, most specific first, reads best
    text: str, *, has_department: bool, has_article: bool = False
) -> Intent:
    """Rule-based intent; the order matters (most specific first)."""
    if INJECTION_RE.search(text):
        return Intent.INJECTION
    if ABOUT_RE.search(text):
        return Intent.ABOUT
    if REQUEST_RE.search(text):
        return Intent.REQUEST
    if METADATA_RE.search(text) and not has_department and not part_numbers(text):
        return Intent.METADATA  # "第八部分下面几条的标题是什么" asks the part's items
    if NO_LEAD_RE.search(text):
        return Intent.NO_LEAD
    if DEADLINE_RE.search(text):
        return Intent.WHO_LEADS  # deadlines are part of the attribution table
    if ((has_department or has_article) and ROLE_IN_RE.search(text)) or CONFIRM_RE.search(text):
        return Intent.WHO_LEADS
    if has_department and (DEPT_TASK_RE.search(text) or COUNT_RE.search(text)):
        return Intent.COUNT if COUNT_RE.search(text) else Intent.DEPARTMENT_TASKS
    if WHICH_BODY_RE.search(text):
        return Intent.WHO_LEADS
    if COUNT_RE.search(text) and not FIGURE_RE.search(text):
        return Intent.COUNT
    if WHO_RE.search(text):
        return Intent.WHO_LEADS
    if LOCATE_RE.search(text):
        return Intent.LOCATE
    if LIST_RE.search(text) and PARTS_RE.search(text):
        return Intent.LIST  # "2022年工作计划分为哪几个部分？": the parts, whatever the year
    if TARGET_RE.search(NAMED_YEAR_RE.sub("", text)):
        return Intent.TARGET
    if LIST_RE.search(text):
        return Intent.LIST
    return Intent.RULE


def asked_role(text: str) -> Role:
    if CO_RE.search(text) and not LEAD_RE.search(text):
        return Role.CO
    if LEAD_RE.search(text) and not CO_RE.search(text):
        return Role.LEAD
    return Role.ANY


def _foreign_place(text: str, places_in_scope: Callable[[str, str], bool]) -> str | None:
    for place in PLACES:
        if place in text and not places_in_scope(place, text):
            return place
    return None


def _min_leads(text: str) -> int:
    match = JOINT_LEAD_RE.search(text)
    if not match:
        return 0
    number = match.group(1)
    if not number:
        return 2
    return {"两": 2, "三": 3, "四": 4, "五": 5}.get(number) or int(number)
