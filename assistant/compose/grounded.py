"""Answers quoted from the documents: rules, targets, locations and lists, each sentence verbatim from the
provision it cites; a refusal when no provision supports the question."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from assistant.answer import Answer, Citation
from assistant.compose import templates as t
from assistant.compose.outline import counted_siblings, introduced_part, named_part, numbered_part
from assistant.compose.render import cite, doc_name, heading, who
from assistant.compose.targets import asked_years, by_year, year_sentences
from assistant.compose.verdict import asks_yes_no, verdict_line
from assistant.index.corpus import CorpusView, fold_words, sentences
from assistant.index.retrieve import Hit
from assistant.index.support import Support, support
from assistant.understand.intent import Intent, Query
from assistant.understand.terms import query_terms, quoted_phrases, without_scope
from ingest.model import Provision, ProvisionKind

# An amount: a figure with its unit or measure word ("0.7千克/人", "8个行业", "15%"), not a year, a
# date or an item number ("2025年", "7月底", "第3条").
AMOUNT_IN_TEXT = re.compile(
    r"(?<![第0-9０-９.])[0-9０-９]+(\.[0-9]+)?\s*(%|％|‰|(?![年月日号条款项])[\u4e00-\u9fff])"
    r"|百分之|[0-9]+\s*[:：比]\s*[0-9]+"
    # an amount in Chinese numerals ("覆盖千万级人群", "年处理十万吨"), not one numeral ("千家万户")
    r"|[一二两三四五六七八九十百千万亿数]{2,}级?(?:人|户|家|吨|元|辆|台|亩|公里|千瓦|个|座|项)"
)
# The measure word a question asks the figure in ("多少家企业", "补贴多少钱"): the figure must be in it
ASKED_UNIT = re.compile(
    r"多少(?:万|亿)?(个|家|项|座|吨|元|钱|千瓦|平方米|公里|辆|台|人|天|日|次|倍|户|亩|小时)"
)
MONEY = "元"
# a sum of money asked without its unit ("罚多少？", "补贴多少？"): the figure must be in 元
MONEY_ASKED = re.compile(
    r"(罚|补贴|补助|奖励|奖补|资金|经费|费用)[\u4e00-\u9fff]{0,4}多少"
    r"|多少[\u4e00-\u9fff]{0,3}(罚|补贴|补助|奖励|奖补|资金|经费)"
)
YEAR_IN_TEXT = re.compile(r"20[0-9]{2}\s*年")
TARGET_WORDS = frozenset({"目标", "主要目标", "程度", "做到", "达到", "要求"})
# how to do something ("怎么注册", "如何申请", "去哪里办理"): answered only where the documents say it
PROCEDURE_RE = re.compile(
    r"(?:怎么|怎样|如何|去哪里?|在哪里?|到哪里?)(注册|申请|办理|申报|领取|报名|登记|缴纳|兑付)"
)
# asks for the items of a set counted with a number ("…10条措施，这10条具体是哪些？")
COUNTED_ITEMS_RE = re.compile(
    r"([0-9０-９]+|[一二三四五六七八九十两]{1,3})\s*([条项个类种])[\u4e00-\u9fff]{0,4}?"
    r"(?:具体|分别|都)?(?:是|有|包括)?(?:哪些|哪几|什么|啥)"
)
# a provision that spells its items out in its own text ("一是…二是…", "（1）…", "①…")
SPELLED_ITEMS_RE = re.compile(r"一是|（1）|\(1\)|①|第一，")
# asks for parts ("分为哪几个部分", "哪几大块"), not names one ("第二部分…有多少条任务")
PART_WORDS = re.compile(r"(?:哪|几)[\u4e00-\u9fff]{0,3}?(?:部分|方面|板块|块|章|节)|几大")
TASK_WORDS = re.compile(r"任务|条|项")
CLAUSE_RE = re.compile(r"([，,；;])")  # kept: a comma runs on, a semicolon ends
NEAR_BEST = 0.8  # a clause this close to the best one names the measure too
# the stretch of a question that names what a figure measures: from its last stop to "多少"
MEASURED_RE = re.compile(r"([^，,。？?！!；;：:]*?)多少")
RUN_ON_WORDS = 4  # characters before a figure in a clause that only continues the one before
LEAD_CHARS = 2  # enumerated items run together open with the same word ("坚持")


class GroundedAnswers:
    def __init__(self, corpus: CorpusView, *, max_quotes: int, min_support: float) -> None:
        self.corpus = corpus
        self.max_quotes = max_quotes
        self.min_support = min_support

    def answer(self, query: Query, hits: Sequence[Hit], pool: Sequence[Provision] = ()) -> Answer:
        terms = query_terms(query, self.corpus.idf)
        quoted = quoted_phrases(
            query.question, 3
        )  # “1+1+6+12”: printed as quoted, whatever its words
        if pool:
            supports = [support(self.corpus, p, terms, self.max_quotes) for p in pool]
            if len(pool) == 1:
                return self._quotes(query, supports)
            return self._list(query, [s for s in supports if s.sentences], restricted=True)
        targets = [p for n in query.articles for p in self.corpus.by_article(n, query.doc_ids)]
        if targets:
            return self._quotes(query, [support(self.corpus, p, terms, 2) for p in targets])
        structured = self._structure_asked(query, terms)
        if structured is not None:
            return structured
        provisions = [h.provision for h in hits]
        if query.intent is Intent.LOCATE and terms:
            # "哪些文件提到了碳普惠？": every provision that says it, not only the retrieved ones.
            provisions += [
                p for p in self.corpus.in_scope(query.doc_ids) if all(x in p.text for x in terms)
            ]
        pool_of = [p for p in dict.fromkeys(provisions) if p.kind is not ProvisionKind.META]
        terms, candidates = self._weighed(query, terms, quoted, pool_of)
        best = max((c.score for c in candidates), default=0.0)
        if best < self.min_support:
            closest = [c for c in candidates if c.score == best and c.sentences]
            if query.asks_figure and query.doc_ids and closest and best >= self.min_support / 2:
                # "…要罚款多少？" of a named document that gives no figure: refused, with the
                # provision that comes closest
                return self._not_stated(query, closest[:1])
            return refuse(query, t.REFUSAL)
        # Across documents each one is judged on its own, not against another document's best.
        several = len(query.doc_ids) > 1 or query.intent is Intent.LOCATE
        floor = self.min_support if several else max(self.min_support, best - 0.05)
        phrase = self.corpus.longest_quoted(query.question) or "".join(terms)

        def rank(c: Support) -> tuple[bool, bool, float]:
            # The question's longest run of words printed in the documents ("全国碳排放权交易市场"), then
            # all its words, then weight.
            text = c.provision.text
            return (phrase not in text, not all(x in text for x in terms), -c.score)

        strong = sorted((c for c in candidates if c.score >= floor and c.sentences), key=rank)
        missing = self._detail_missing(query, terms, strong, several)
        if missing is not None:
            return missing
        if query.intent is Intent.LOCATE:
            # Where the question's words stand as one phrase, those places are the answer.
            exact = [c for c in strong if phrase in c.provision.text]
            return self._list(query, exact or strong, restricted=False)
        if query.intent is Intent.TARGET:
            answer = self._targets(query, strong[:2])
            if answer is not None:
                return answer
        if len(query.doc_ids) > 1:
            return self._quotes(query, per_document(strong))
        return self._quotes(query, strong[:2])

    def _weighed(
        self,
        query: Query,
        terms: list[str],
        quoted: Sequence[str],
        pool: Sequence[Provision],
    ) -> tuple[list[str], list[Support]]:
        """The terms the provisions are weighed on, and their support. When no provision of the
        named documents reaches the floor and the asker's situation is told in clauses that ask
        nothing ("我们是一家磷化工企业，厂里磷石膏堆存压力很大。…对磷石膏的去处有什么说法？"), the
        clauses that ask are weighed on their own, if they carry a topic of their own."""

        def weighed(words: list[str]) -> list[Support]:
            return [
                _quoting(support(self.corpus, p, words, self.max_quotes), quoted, self.min_support)
                for p in pool
            ]

        candidates = weighed(terms)
        if max((c.score for c in candidates), default=0.0) >= self.min_support:
            return terms, candidates
        asked = asked_clause_terms(query.question, terms)
        if not query.doc_ids or not asked:
            return terms, candidates
        thin = self.corpus.weight(asked) < ASKED_SHARE * self.corpus.weight(terms)
        if len(asked) < MIN_ASKED_TERMS or thin:
            # "…那份意见支持吗？", "…允许吗？有什么条件？": the asking clauses name no topic
            return terms, candidates
        again = weighed(asked)
        if max((c.score for c in again), default=0.0) >= self.min_support:
            return asked, again
        return terms, candidates

    def _detail_missing(
        self, query: Query, terms: Sequence[str], strong: Sequence[Support], several: bool
    ) -> Answer | None:
        """A refusal with the closest provision when the detail asked is not printed: a figure,
        or how to register or apply ("碳普惠平台怎么注册？" of a document that never says how)."""
        if query.asks_figure and not self._figure_given(query, terms, strong, several):
            return self._not_stated(query, strong[:1])
        procedure = PROCEDURE_RE.search(query.question)
        if procedure and not any(procedure.group(1) in c.provision.text for c in strong):
            return self._not_stated(query, strong[:1], t.NO_PROCEDURE)
        if strong and self._counted_not_listed(query, strong[0].provision):
            return self._not_stated(query, strong[:1], t.NOT_ENUMERATED)
        return None

    def _counted_not_listed(self, query: Query, provision: Provision) -> bool:
        """Whether the question asks for the items of a set the provision only counts ("落实…
        10条措施" — "这10条具体是哪些？"): neither its text, its items nor a structure lists them."""
        counted = COUNTED_ITEMS_RE.search(query.question)
        if counted is None:
            return False
        printed = f"{counted.group(1)}{counted.group(2)}"
        return (
            printed in fold_words(provision.text)
            and not SPELLED_ITEMS_RE.search(provision.text)
            and not self.corpus.children(provision)
            and self.outline(query) is None
        )

    def _figure_given(
        self, query: Query, terms: Sequence[str], strong: Sequence[Support], several: bool
    ) -> bool:
        """Whether the provisions give the figure asked for, in the clause that names what is
        measured: "二氧化碳排放要下降多少" is not answered by "能耗下降13%，二氧化碳排放下降率确保完成
        国家下达的目标" although that sentence holds a figure. What is measured is named by the
        question's words just before "多少" ("企业每台补贴不低于多少" → 每台, 补贴); a clause that
        holds (nearly, `NEAR_BEST`) most of them must state the figure, or the clause it runs on
        into after a comma ("光伏装机，力争达到300万千瓦")."""
        measured = _measured_words(query.question, terms)
        printing = [c for c in strong if any(t in c.provision.text for t in measured)]
        if several or query.asks_year or not printing:
            # across documents, a year (printed in a clause of its own: "到2060年，…"), or none of
            # the measured words printed: any figure of the quoted sentences
            return any(_states_figure(query, s) for c in strong for s in c.sentences)
        return any(self._states_in_clause(query, measured, c.provision) for c in printing)

    def _states_in_clause(
        self, query: Query, measured: Sequence[str], provision: Provision
    ) -> bool:
        """Whether the clause of one provision that holds most of the measured words states the
        figure (each provision on its own: another may hold the words without a figure)."""
        clauses: list[tuple[float, bool, bool]] = []
        # the measured words the provision prints (a word it never prints tells no clause apart)
        printed = [t for t in measured if t in provision.text]
        # "到2030年…能耗下降多少" is not answered by the 2025 sentence's figure
        for sentence in year_sentences(query.question, provision.text):
            parts = CLAUSE_RE.split(sentence)  # clause, separator, clause, …
            for i in range(0, len(parts), 2):
                runs_on = (
                    i + 2 < len(parts)
                    and parts[i + 1] in "，,"
                    and _continues(parts[i + 2], measured)
                )
                states = _states_figure(query, parts[i]) or (
                    runs_on and _states_figure(query, parts[i + 2])
                )
                weight = self.corpus.weight(t for t in measured if t in parts[i])
                whole = bool(printed) and all(t in parts[i] for t in printed)
                clauses.append((weight, states, whole))
        if any(whole for _, _, whole in clauses):
            # a clause that names the whole measure is the document's word on it: "能耗大幅下降"
            # is not answered by "二氧化碳排放比2005年下降65%" beside it
            return any(s for _, s, whole in clauses if whole)
        best = max((w for w, _, _ in clauses), default=0.0)
        # a qualitative restatement ("能源资源消费量和二氧化碳排放量得到有效控制") beside the
        # figure's clause does not hide the figure
        return best > 0 and any(s for w, s, _ in clauses if w >= NEAR_BEST * best)

    def _closest(self, query: Query, s: Support) -> str:
        """The sentence that comes closest to the figure asked: of the year the question sets
        when the provision sets its targets by year, else the provision's best-supported one."""
        measured = _measured_words(query.question, query_terms(query, self.corpus.idf))
        own = year_sentences(query.question, s.provision.text)
        if not own or own == sentences(s.provision.text):
            return s.sentences[0]
        return max(own, key=lambda x: self.corpus.weight(w for w in measured if w in x))

    def _structure_asked(self, query: Query, terms: Sequence[str]) -> Answer | None:
        """A list or count of an enumerated structure, or the targets when nothing but the targets
        is asked ("这份文件的主要目标是什么？" / "到2025年要做到什么程度？"): the parts the documents
        title as their targets."""
        if query.intent in (Intent.LIST, Intent.COUNT):
            return self.outline(query)
        if query.intent is not Intent.TARGET or _specific(terms):
            return None
        parts = [p for p in self.corpus.in_scope(query.doc_ids) if "目标" in p.title]
        return self._targets(query, [support(self.corpus, p, list(terms), 1) for p in parts[:3]])

    def _targets(self, query: Query, supports: Sequence[Support]) -> Answer | None:
        """Targets by year: the asked year's sentences, or every year's under its own heading."""
        wanted = asked_years(query.question)
        lines: list[str] = []
        citations: list[Citation] = []
        for s in supports:
            stretches = [y for y in by_year(s.provision.text) if not wanted or y.year in wanted]
            if not stretches:
                continue
            lines.append(f"**{heading(self.corpus, s.provision)}**{who(s.provision)}")
            for stretch in stretches:
                lines.append(f"- **{stretch.year}年**")
                lines.extend(f"  > {q}" for q in stretch.sentences)
                citations.append(cite(s.provision, stretch.sentences[0]))
        if not lines:
            return None
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(citations),
            intent=query.intent.value,
        )

    def outline(self, query: Query) -> Answer | None:
        """ "城乡建设低碳转型包括哪几条任务？" / "主要任务分成哪几个方面？" / "碳达峰十大行动是哪十个？" /
        "一共部署了哪几大工程？": every item of the enumerated structure the question names."""
        asked = without_scope(query)
        # the counted noun may be a word that also named the document ("碳达峰十大行动" of a 行动方案)
        siblings = counted_siblings(self.corpus, asked, query.doc_ids) or counted_siblings(
            self.corpus, query.question, query.doc_ids
        )
        parent = (
            numbered_part(self.corpus, query.question, query.doc_ids)
            or named_part(self.corpus, asked, query.doc_ids)
            or introduced_part(self.corpus, query.question, query.doc_ids)
        )
        if parent is None and not siblings:
            if PART_WORDS.search(asked) and len(query.doc_ids) == 1:
                # "这份实施意见从哪几个方面部署…？" / "分为哪几个部分？": the document's own parts
                tops = [
                    p
                    for p in self.corpus.in_scope(query.doc_ids)
                    if "." not in p.key and p.kind in (ProvisionKind.CHAPTER, ProvisionKind.SECTION)
                ]
                if len(tops) >= 2:
                    name = doc_name(self.corpus, query.doc_ids[0])
                    return self._enumerate(query, f"{name}共分 {len(tops)} 个部分：", tops)
            return None
        children = self.corpus.children(parent) if parent is not None else []
        if len(siblings) > len(children):
            return self._enumerate(query, f"共 {len(siblings)} 项：", siblings)
        if parent is None:
            return None
        if children and TASK_WORDS.search(query.text) and not PART_WORDS.search(query.text):
            children = self.corpus.descendants(parent, ProvisionKind.ITEM) or children
        if children:
            head = f"**{heading(self.corpus, parent)}**下共有 {len(children)} 项："
            return self._enumerate(query, head, children)
        paragraphs = [line for line in parent.text.split("\n")[1:] if line.strip()]
        firsts = [sentences(line)[0] for line in paragraphs]
        led = led_sentences(sentences(parent.text)[1:])
        if len(led) > len(firsts):
            # "工作原则。坚持系统谋划…。坚持因地制宜…。": items that open with the same word, run
            # together in one paragraph
            firsts = led
        if not firsts:
            return None
        lines = [f"**{heading(self.corpus, parent)}**共 {len(firsts)} 点："]
        lines += [f"{i}. {s}" for i, s in enumerate(firsts, 1)]
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(cite(parent, s) for s in firsts),
            intent=query.intent.value,
        )

    def _enumerate(self, query: Query, head: str, parts: Sequence[Provision]) -> Answer:
        lines = [head]
        lines += [f"{i}. {heading(self.corpus, c)}{who(c)}" for i, c in enumerate(parts, 1)]
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(
                cite(c, c.title if c.title in c.text else sentences(c.text)[0]) for c in parts
            ),
            intent=query.intent.value,
        )

    def _quotes(self, query: Query, supports: Sequence[Support]) -> Answer:
        lines: list[str] = []
        citations: list[Citation] = []
        if query.intent is Intent.RULE and asks_yes_no(query.question):
            verdict = verdict_line([q for s in supports[:1] for q in s.sentences])
            if verdict:
                lines.append(verdict)
        for s in supports:
            quotes = s.sentences or tuple(sentences(s.provision.text)[:2])
            lines.append(f"**{heading(self.corpus, s.provision)}**{who(s.provision)}")
            lines.extend(f"> {q}" for q in quotes)
            citations.extend(cite(s.provision, q) for q in quotes[:1])
        if not citations:
            return refuse(query, t.REFUSAL)
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(citations),
            intent=query.intent.value,
        )

    def _list(self, query: Query, supports: Sequence[Support], *, restricted: bool) -> Answer:
        if not supports:
            where = "这些条款中" if restricted else "已收录的文件中"
            return refuse(query, f"{where}没有找到与问题相关的内容。")
        lines = [f"共 {len(supports)} 处相关条款："]
        for i, s in enumerate(supports, 1):
            lines.append(f"{i}. **{heading(self.corpus, s.provision)}**{who(s.provision)}")
            lines.append(f"   > {s.sentences[0]}")
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(cite(s.provision, s.sentences[0]) for s in supports),
            intent=query.intent.value,
        )

    def _not_stated(
        self, query: Query, supports: Sequence[Support], lead: str = t.NOT_STATED
    ) -> Answer:
        lines = [lead]
        lines += [
            f"> {self._closest(query, s)}（{heading(self.corpus, s.provision)}）" for s in supports
        ]
        return Answer(
            question=query.question,
            text="\n".join(lines),
            refused=True,
            intent=query.intent.value,
        )


def led_sentences(body: Sequence[str]) -> list[str]:
    """The sentences that open with the word most sentences of `body` open with ("坚持…"), when
    at least two do."""
    openings = Counter(x[:LEAD_CHARS] for x in body if len(x) > LEAD_CHARS)
    if not openings:
        return []
    lead, count = openings.most_common(1)[0]
    return [x for x in body if x.startswith(lead)] if count >= 2 else []


def _measured_words(question: str, terms: Sequence[str]) -> list[str]:
    """The question's terms printed in the stretch that ends at "多少", less years and target
    words; all its terms when it has no such stretch or the stretch holds none of them."""
    stretch = "".join(MEASURED_RE.findall(question))
    specific = _specific(terms)
    return [t for t in specific if t in stretch] or specific


def _continues(clause: str, measured: Sequence[str]) -> bool:
    """Whether a clause goes on with the one before: it gives the figure at once ("光伏装机，力争
    达到300万千瓦") or goes on about what is measured ("开展重点行业碳排放试点监测，组织在…8个行业
    选取15个重点企业开展碳排放监测"), not about a measure of its own ("…下降率完成国家下达的目标
    任务，非化石能源消费比重达到22%左右")."""
    if any(t in clause for t in measured):
        return True
    m = re.search(r"[0-9０-９]", clause)
    before = clause[: m.start()] if m else clause
    return sum(1 for ch in before if "\u4e00" <= ch <= "\u9fff") <= RUN_ON_WORDS


def _specific(terms: Sequence[str]) -> list[str]:
    """The terms that say what is asked about, less its years and the words of any target."""
    return [t for t in terms if t not in TARGET_WORDS and not re.fullmatch(r"20\d\d", t)]


def _states_figure(query: Query, sentence: str) -> bool:
    """Whether a sentence gives the kind of figure asked for: a year when the question asks when,
    an amount in the measure word the question names ("多少家" → "15家", "多少钱" → "…元"), else
    any amount or rate."""
    if query.asks_year:
        return bool(YEAR_IN_TEXT.search(sentence))
    units = [MONEY if u == "钱" else u for u in ASKED_UNIT.findall(query.question)]
    if not units and MONEY_ASKED.search(query.question):
        units = [MONEY]
    if units:
        return any(
            re.search(rf"[0-9０-９]+(\.[0-9]+)?\s*[万亿千百]?{re.escape(u)}", sentence)
            for u in units
        )
    return bool(AMOUNT_IN_TEXT.search(sentence))


ASKED_SHARE = 0.2  # of the question's weight, the least the clauses that ask must carry
MIN_ASKED_TERMS = 2  # one word ("有什么条件？") is no topic of its own
CLAUSE_SPLIT_RE = re.compile(r"[^，。；！？,;!?]+[，。；！？,;!?]?")
ASKS_IN_CLAUSE_RE = re.compile(
    r"[？?]$|吗|呢|是不是|会不会|能不能|有没有|支不支持|什么|怎么|如何|哪"
)


def asked_clause_terms(question: str, terms: Sequence[str]) -> list[str]:
    """The terms of the clauses that ask something, when other clauses only tell the asker's
    situation ("我在合浦那边开了个生猪养殖场，规模不算大。…有没有硬指标？"); [] when every
    clause asks, or no clause does."""
    clauses = [c for c in CLAUSE_SPLIT_RE.findall(question) if c.strip()]
    asking = [c for c in clauses if ASKS_IN_CLAUSE_RE.search(c)]
    if not asking or len(asking) == len(clauses):
        return []
    kept = [t for t in terms if any(t in c for c in asking)]
    return kept if kept and len(kept) < len(terms) else []


def _quoting(s: Support, quoted: Sequence[str], floor: float) -> Support:
    """A provision that prints a phrase the question quotes supports it at least enough to be
    quoted, with the sentences that print it first."""
    printing = [x for x in sentences(s.provision.text) if any(q in x for q in quoted)]
    if not printing:
        return s
    rest = tuple(x for x in s.sentences if x not in printing)
    return Support(s.provision, max(s.score, floor), (*printing[:2], *rest)[:3])


def per_document(supports: Sequence[Support]) -> list[Support]:
    """The best-supported provision of each document, in the order of their scores."""
    best: dict[str, Support] = {}
    for s in supports:
        best.setdefault(s.provision.doc_id, s)
    return list(best.values())


def refuse(query: Query, text: str) -> Answer:
    return Answer(question=query.question, text=text, refused=True, intent=query.intent.value)
