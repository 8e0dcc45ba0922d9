"""Follow-up questions: resolve "那配合部门呢？" / "第二十条呢？" / "它还牵头哪些？" / "这些任务里…" against
the conversation so far, in every backend."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import TypedDict

from assistant.understand.intent import Intent, Query
from assistant.understand.terms import NUMBER_RE

PRONOUN_RE = re.compile(
    r"它|该部门|这个部门|这个单位|该单位|他们|她|(?<!其)他|这家|那个部门|此部门"
)
MAX_TURNS = 3  # earlier user turns a follow-up is resolved against
GENERIC_RE = re.compile(r"^(各|市各|市有关|有关)|人民政府$")
ALSO_RE = re.compile(r"还|另外|其他|其它|别的")
THIS_RE = re.compile(
    r"这条|该条|这一条|此条|这项任务|这个任务|这一项|这项|本条|(在|里)面|这个(?!部门|单位)|那个(?!部门)"
    r"|这一?块|这方面|这部分|这件事|这事|此事|这项工作"
)
STEP_RE = re.compile(r"(上|下|前|后)一?(条|项)")
LIST_THEM_RE = re.compile(r"列出来|列一下|列举一下|分别是|具体是哪|都是哪|是哪几|看看")
KEEP_INTENTS = (Intent.NO_LEAD, Intent.WHO_LEADS, Intent.COUNT, Intent.DEPARTMENT_TASKS)
# Questions about a whole document stand alone unless they point back ("这些"、"这条"、"它"):
# "哪些任务没有牵头部门？" after a department question is asked about the document, not that answer.
WHOLE_DOCUMENT_INTENTS = (Intent.NO_LEAD, Intent.COUNT, Intent.METADATA, Intent.ABOUT)
THESE_RE = re.compile(r"这些|其中|以上|上述|里面|当中|这几|前面")
# "这几家里，X另外还牵头哪几项？": the bodies just named, not the tasks
THESE_BODIES_RE = re.compile(r"[这那上](几|些|述)(家|个部门|个单位|部门|单位)")
ROLE_ONLY_RE = re.compile(
    r"^(那|那么|那请问|请问|还有)?(它的?|其)?(其他|其余|别的|另外的?)?"
    r"(还有|还)?(哪些|哪几个|哪几家|什么)?(配合|牵头|参与|协同|负责|责任)(的)?"
    r"(部门|单位)?(还)?(呢|有哪些|有谁|是谁|是哪些|都有谁|都有哪些|(都)?(是|有)哪(几家|几个|些)(部门|单位)?)?"
    r"[？?。！!]?$"
)
SHORT_FOLLOWUP_RE = re.compile(r"^(那|那么|还有|再|另外|又|呢)|呢[？?]?$")
OPENER_RE = re.compile(r"^(那么|那|还有|再|另外|又)")
ANOTHER_SUBJECT_RE = re.compile(r"^(那|那么|还有|那如果是)[^？?，,。]{2,40}呢[？?]?$")
# what is around the subject of "那X那条呢？"
AROUND_SUBJECT_RE = re.compile(r"^(那如果是|那么|还有|那)|(那条|这条|那项|这项|那个|的)?呢[？?]?$")
# the question asks something of its own ("…有什么要求？"), not "那X呢？"
ASKS_RE = re.compile(r"什么|哪|谁|怎么|如何|多少|几|吗|是否|能否|能不能")
TOPIC_RE = re.compile(r"(和|与|跟|涉及|关于)(.{1,12}?)(有关|相关|的)")


class Turn(TypedDict):
    role: str
    content: str


def resolve(
    question: str,
    history: Sequence[Turn],
    *,
    understand: Callable[[str], Query],
    find_departments: Callable[[str], Sequence[str]],
    keys_of: Callable[[Query], tuple[str, ...]],
    neighbour: Callable[[str, int], str | None] = lambda _ref, _step: None,
    has_subject: Callable[[str], bool] = lambda _text: True,
    named_in: Callable[[str, Sequence[str]], tuple[str, ...]] = lambda _reply, _docs: (),
    another_subject: Callable[[Query, tuple[str, ...], tuple[str, ...]], bool] = (
        lambda _query, _answered, _docs: False
    ),
) -> Query:
    """The standalone Query for `question`, given the earlier turns (oldest first).

    `understand` parses a standalone question, `find_departments` finds departments in an earlier
    reply, `keys_of` gives the provision refs that answered an earlier query ("这些任务", "这条"), and
    `neighbour(ref, ±1)` the item before or after a provision ("上一条呢？"); a question without a
    subject of its own (`has_subject`, e.g. "谁牵头？") is about the provision just answered, and
    "这条" is the provision the assistant's last reply named (`named_in(reply, doc_ids)`), when it
    named one. A question that points back but names its own subject, which another provision of
    the conversation's documents holds far better than those just answered
    (`another_subject(query, answered, doc_ids)`: "那完善绿色标准…这条呢？"), is asked anew in those
    documents. A follow-up's Query says which earlier question it was read against (`follows`).
    """
    current = understand(question)
    user_turns = [i for i, t in enumerate(history) if t["role"] == "user"]
    if not user_turns:
        return current
    if len(user_turns) > MAX_TURNS:
        # Each earlier turn is resolved again (and "这些" re-answers it): a long chat keeps only
        # the turns a follow-up can still refer to.
        history = history[user_turns[-MAX_TURNS] :]
        user_turns = [i for i, t in enumerate(history) if t["role"] == "user"]
    last = user_turns[-1]
    previous = resolve(
        history[last]["content"],
        history[:last],
        understand=understand,
        find_departments=find_departments,
        keys_of=keys_of,
        neighbour=neighbour,
        has_subject=has_subject,
        named_in=named_in,
        another_subject=another_subject,
    )
    reply = " ".join(t["content"] for t in history[last + 1 :] if t["role"] == "assistant")
    named = named_in(reply, previous.doc_ids)

    def answered(query: Query) -> tuple[str, ...]:
        # What the assistant said it answered comes first; re-answering is the fallback.
        return named if named and query is previous else keys_of(query)

    merged = _merge(
        current,
        previous=previous,
        reply=reply,
        find_departments=find_departments,
        keys_of=answered,
        neighbour=neighbour,
        has_subject=has_subject,
        another_subject=lambda query, keys: another_subject(query, keys, previous.doc_ids),
    )
    if merged is not current:
        merged = dataclasses.replace(merged, follows=previous.question)
    if not merged.doc_ids and previous.doc_ids:
        # A follow-up stays in the documents the conversation is about.
        return dataclasses.replace(merged, doc_ids=previous.doc_ids)
    return merged


def _merge(  # noqa: PLR0912 - one branch per kind of follow-up reads best
    current: Query,
    *,
    previous: Query,
    reply: str,
    find_departments: Callable[[str], Sequence[str]],
    keys_of: Callable[[Query], tuple[str, ...]],
    neighbour: Callable[[str, int], str | None],
    has_subject: Callable[[str], bool],
    another_subject: Callable[[Query, tuple[str, ...]], bool],
) -> Query:
    q = current.question.strip()
    if current.intent is Intent.INJECTION:
        return current
    points_back = (
        THIS_RE.search(q)
        or THESE_RE.search(q)
        or PRONOUN_RE.search(q)
        or SHORT_FOLLOWUP_RE.search(q)
    )
    if current.intent in WHOLE_DOCUMENT_INTENTS and not points_back and not current.departments:
        return current
    if ROLE_ONLY_RE.match(q):
        # "那配合部门呢？": same provision, another role.
        keys = () if previous.intent is Intent.WHO_LEADS else keys_of(previous)[:1]
        return dataclasses.replace(
            previous,
            question=current.question,
            intent=Intent.WHO_LEADS,
            role=current.role,
            restrict_keys=keys or previous.restrict_keys,
        )
    if current.articles and len(q) <= 12 and SHORT_FOLLOWUP_RE.search(q):
        # "第二十条呢？": same question about another article.
        return dataclasses.replace(
            previous,
            question=current.question,
            text=re.sub(r"第\s*\S+?\s*[条项]", "", previous.text) + q,
            articles=current.articles,
            restrict_keys=(),
        )
    step = _step(q)
    if step:
        # "上一条呢？" / "下一条呢？": the item next to the one just answered.
        keys = keys_of(previous)
        target = neighbour(keys[0], step) if keys else None
        if target:
            return dataclasses.replace(
                previous, question=current.question, articles=(), restrict_keys=(target,)
            )
    if PRONOUN_RE.search(q) and not current.departments:
        department = _department_of(previous, reply, find_departments)
        if department:
            intent = current.intent
            if intent in (Intent.RULE, Intent.LIST, Intent.WHO_LEADS, Intent.LOCATE):
                intent = Intent.DEPARTMENT_TASKS
            exclude = keys_of(previous) if ALSO_RE.search(q) else ()
            return dataclasses.replace(
                current,
                text=PRONOUN_RE.sub(department, q, count=1),
                departments=(department,),
                intent=intent,
                exclude_keys=exclude,
            )
    if LIST_THEM_RE.search(q) and len(q) <= 10:
        # "列出来看看": the same question, answered as a list.
        intent = Intent.DEPARTMENT_TASKS if previous.departments else Intent.LIST
        return dataclasses.replace(previous, question=current.question, intent=intent)
    if current.departments and THESE_BODIES_RE.search(q):
        # one of the bodies just named, asked about on its own (its other tasks, with 还/另外)
        exclude = keys_of(previous) if ALSO_RE.search(q) else ()
        return dataclasses.replace(current, exclude_keys=exclude, doc_ids=previous.doc_ids)
    if THESE_RE.search(q):
        keys = keys_of(previous)
        topic = TOPIC_RE.search(q)
        if keys and not topic and another_subject(current, keys):
            # "那充换电、加氢这些配套设施归哪些部门？": "这些" points at the question's own words
            return _asked_anew(current, previous)
        if keys:
            text = topic.group(2) if topic else q
            intent = current.intent if current.intent in KEEP_INTENTS else Intent.LOCATE
            if current.min_leads:
                intent = Intent.NO_LEAD if intent is Intent.NO_LEAD else Intent.LIST
            return dataclasses.replace(
                current, text=text, intent=intent, restrict_keys=keys, doc_ids=previous.doc_ids
            )
    if THIS_RE.search(q) or not (has_subject(q) or current.departments or current.articles):
        # "这条谁牵头？" / "苏州银保监分局在这条里是什么角色？": about the provision just answered.
        keys = keys_of(previous)
        if not has_subject(q):
            keys = keys[:1]
        elif keys and another_subject(current, keys):
            # "那完善绿色标准、绿色认证体系和统计监测制度这条呢？": another task, named by its words
            return _asked_anew(current, previous)
        if keys:
            intent = Intent.WHO_LEADS if current.departments else current.intent
            return dataclasses.replace(
                current, intent=intent, restrict_keys=keys, doc_ids=previous.doc_ids
            )
    if (
        ANOTHER_SUBJECT_RE.match(q)
        and current.intent is Intent.RULE
        and previous.intent is not Intent.RULE
        and (len(q) > 8 or current.departments)
    ):
        # "那新能源汽车动力蓄电池回收利用试点呢？" / "那市住建局呢？": the earlier question, asked
        # about another subject.
        return _about_another_subject(current, previous)
    if (
        SHORT_FOLLOWUP_RE.search(q)
        and not current.departments
        and (len(q) <= 8 or not has_subject(NUMBER_RE.sub("", OPENER_RE.sub("", q))))
    ):
        # "那2030年呢？" / "那到2030年呢？要到多少？" — keep the earlier subject, add the new words
        # (a year or a number is no subject of its own).
        return dataclasses.replace(previous, question=current.question, text=previous.text + q)
    return current


def _about_another_subject(current: Query, previous: Query) -> Query:
    """The earlier question asked about the subject of "那X呢？"."""
    q = current.question.strip()
    subject = AROUND_SUBJECT_RE.sub("", q) or q
    return dataclasses.replace(
        previous,
        question=current.question,
        text=current.text.replace(q, subject, 1),
        departments=current.departments,
        articles=current.articles,
        restrict_keys=(),
        exclude_keys=(),
    )


def _asked_anew(current: Query, previous: Query) -> Query:
    """A question that names another subject than the provisions just answered: asked on its own
    when it asks something ("…归哪些部门？"), else the earlier question about it ("那X这条呢？")."""
    q = current.question.strip()
    if (
        current.intent is Intent.RULE
        and previous.intent is not Intent.RULE
        and SHORT_FOLLOWUP_RE.search(q)
        and not ASKS_RE.search(q)
    ):
        return _about_another_subject(current, previous)
    return current


def _step(question: str) -> int:
    match = STEP_RE.search(question)
    if not match:
        return 0
    return -1 if match.group(1) in ("上", "前") else 1


def _department_of(
    previous: Query, reply: str, find_departments: Callable[[str], Sequence[str]]
) -> str | None:
    """Whom "它" means: the department the previous question named, else the lead department of the
    previous reply (a line that says 牵头), else the first department it names."""
    if previous.departments:
        return previous.departments[0]
    lead_lines = [line for line in reply.split("\n") if "牵头" in line]
    for text in (*lead_lines, reply):
        named = [d for d in find_departments(text) if not GENERIC_RE.search(d)]
        if named:
            return named[0]
    return None
