"""Every sentence the assistant says on its own (refusals, headings, notes), in one place so tests and the
LLM prompts can name them."""

from __future__ import annotations

REFUSAL = "已收录的文件中没有找到能回答这个问题的内容。"
NO_ITEMS = "所选文件没有按编号列出的任务或条目，无法计数。"
REFUSAL_FOREIGN_PLACE = "已收录的文件中没有关于{place}的政策文件，无法回答。"
REFUSAL_OTHER_YEAR = "已收录的是{name}，没有{place}{year}年的这份文件，无法回答。"
REFUSAL_INJECTION = (
    "这个问题里包含要求改变回答规则的指令，已忽略。本助手只依据已收录的政策文件回答，"
    "责任部门和条款以文件原文为准。"
)
REFUSAL_REQUEST = (
    "本助手只依据已收录的政策文件回答问题并注明出处，不代写或编造内容，"
    "也不作预测、不提供投资或购买建议。"
    "可以这样问：文件对这件事有什么要求？由哪个部门牵头？"
)
REFUSAL_ABOUT = (
    "我是政策问答助手，只依据已收录的政策文件回答问题，并注明条款和责任部门；"
    "关于助手本身的问题不在文件范围内。"
)
VERDICT_YES = "是。该条列{department}为{role}。"
VERDICT_OTHER_ROLE = "不是{asked}：该条列{department}为{role}。"
VERDICT_NOT_LISTED = "不是：该条的分工中没有列出{department}。"
ROLE_WORDS = {"lead": "牵头单位", "co": "配合单位", "responsible": "责任单位"}
UNATTRIBUTED_TEXT = "这部分内容没有写明责任部门（该条的分工括注只针对写在它前面的内容）。"
NO_METADATA = "文件中没有写明{fields}。已知的文件信息如下："
NO_DEADLINE = "文件没有写明这项工作的完成期限。相关条款："
DEADLINE_ELSEWHERE = "该条的分工没有写完成期限；文件在以下条款写明了这项工作的时间："
NO_ATTRIBUTION = "文件没有为这项工作写明牵头或责任部门（没有分工括注）；原文相关内容如下："
NO_ATTRIBUTION_REFUSAL = "文件没有写明这项工作由哪个部门负责。最接近的条款："
NOT_STATED = "文件没有给出这一具体内容（如具体数值、比例或金额）。相关条款只写明："
NO_PROCEDURE = "文件没有写明办理的具体流程或渠道。相关条款只写明："
NOT_ENUMERATED = "文件只写了数目，没有逐项列出具体内容。相关条款只写明："
NO_DEPARTMENT_TASKS = "已收录文件中没有点名“{department}”{role}的任务。"
ANNEX_NOTE = "另：附件分工表中还有 {n} 项专项方案由{department}负责（可问“{department}在附件中负责哪些方案？”）。"
NO_LEAD_NOTE = "该条未明确牵头部门。"
ABSTAIN = "不能确定您问的是哪一项任务，没有直接给出部门。最相关的几项如下，请指明条款或任务名称："
ABSTAIN_DOCUMENTS = (
    "问题没有指明文件，几份文件都有相关任务，没有直接给出部门。各文件最相关的一项如下，"
    "请指明文件（或在文件列表中选定）："
)
FOLLOW_UP_READ = "按上文理解为：{resolved}"
EMPTY_INDEX = "文件库为空，请先导入文件（policyqa ingest）。"

ROLE_WORD = {"lead": "牵头", "co": "配合（按职责分工负责）", "any": "负责"}
