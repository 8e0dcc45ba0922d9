"""培训 tab: choose documents, types, count, difficulty and seed; preview the items with their key;
take the quiz (answer, submit, score, each wrong answer with its explanation and the provision it
comes from); download the paper, the key and the study guide."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.quiz import ItemType, Quiz, QuizItem
from assistant.quiz.grade import Result, score
from assistant.quiz.model import TYPE_NAMES
from assistant.quiz.output import write_guide, write_quiz
from assistant.quiz.paper import SCORES
from assistant.quiz.render_docx import write_quiz_docx
from assistant.service import PolicyQA
from ui.exports import safe_name
from ui.format import document_choices, esc, provision_html

log = logging.getLogger(__name__)

TYPE_CHOICES = [(TYPE_NAMES[t], t.value) for t in ItemType]
DIFFICULTY_CHOICES = [
    ("全部难度", "1-3"),
    ("基础", "1"),
    ("中等", "2"),
    ("较难", "3"),
    ("基础和中等", "1-2"),
]
DIFFICULTY_NAMES = {1: "基础", 2: "中等", 3: "较难"}
EMPTY_PREVIEW = '<div class="quiz-empty">选择文件后点击“生成试题”，试题和答案会显示在这里。</div>'
# Inline styles: the preview looks the same whatever the app's stylesheet holds.
_ITEM = "padding:8px 10px;margin:6px 0;border:1px solid #e5e7eb;border-radius:8px"
_META = "color:#6b7280;font-size:0.9em"
_OPTIONS = "list-style:none;margin:4px 0;padding-left:1.2em"
EMPTY_VIEWER = '<div class="provision pv-empty">交卷后，点击错题的出处，在这里查看文件原文。</div>'


@dataclass
class TrainingTab:
    """The tab's components; `documents` is the picker the app may refresh."""

    documents: gr.Dropdown
    types: gr.CheckboxGroup
    count: gr.Slider
    difficulty: gr.Dropdown
    seed: gr.Number
    generate: gr.Button
    summary: gr.Markdown
    preview: gr.HTML
    submit: gr.Button
    outcome: gr.Markdown
    wrong: gr.Radio
    viewer: gr.HTML
    downloads: list[tuple[gr.Button, str]]
    files: gr.File
    quiz: gr.State  # the Quiz on screen
    answers: gr.State  # item id → the trainee's answer


def _choices(qa: PolicyQA) -> list[tuple[str, str]]:
    return document_choices(qa.documents())


def _folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="policyqa-training-"))


def preview_html(quiz: Quiz) -> str:
    """The trainer's view: every item with its key, explanation and source (no internal keys)."""
    rows = []
    for n, item in enumerate(quiz.items, 1):
        options = (
            "".join(f"<li>{esc(o)}</li>" for o in item.lettered_options())
            if item.type in (ItemType.SINGLE, ItemType.MULTI)
            else ""
        )
        rows.append(
            f'<div class="quiz-item" style="{_ITEM}">'
            f'<div class="quiz-meta" style="{_META}">{n}. {esc(TYPE_NAMES[item.type])} · '
            f"{esc(DIFFICULTY_NAMES[item.difficulty])} · {SCORES[item.type]}分</div>"
            f'<div class="quiz-stem" style="font-weight:600">{esc(item.question)}</div>'
            + (f'<ul class="quiz-options" style="{_OPTIONS}">{options}</ul>' if options else "")
            + f'<div class="quiz-key" style="color:#166534">答案：{esc(key_text(item))}</div>'
            f'<div class="quiz-why">解析：{esc(item.explanation)}</div>'
            f'<div class="quiz-source" style="{_META}">出处：《{esc(_title(quiz, item))}》'
            f"{esc(item.label)}</div></div>"
        )
    return f'<div class="quiz-preview">{"".join(rows)}</div>'


def key_text(item: QuizItem) -> str:
    """The key as a trainee reads it on screen: "B", "AC", "正确", the missing text."""
    return item.answer_text()


def _title(quiz: Quiz, item: QuizItem) -> str:
    return quiz.titles[quiz.doc_ids.index(item.doc_id)]


def summary_text(quiz: Quiz) -> str:
    counts = "，".join(
        f"{TYPE_NAMES[t]} {sum(1 for i in quiz.items if i.type is t)} 题"
        for t in ItemType
        if any(i.type is t for i in quiz.items)
    )
    total = sum(SCORES[i.type] for i in quiz.items)
    return f"已生成 {len(quiz.items)} 道题（{counts}），满分 {total} 分。每道题的答案都已与文件原文核对。"


def result_text(quiz: Quiz, result: Result, answers: dict[str, Any]) -> str:
    head = f"### 得分：{result.score} / {result.total}\n\n答对 {len(result.right)} 题，答错或未答 {len(result.wrong)} 题。"
    if not result.wrong:
        return head + "\n\n全部答对！"
    numbers = {item.id: n for n, item in enumerate(quiz.items, 1)}
    lines = [head, "", "#### 错题解析"]
    for item in result.wrong:
        given = answers.get(item.id)
        shown = "、".join(given) if isinstance(given, list) else (given or "未作答")
        lines.append(
            f"- **第{numbers[item.id]}题**：你的答案 {esc(shown)}；正确答案 **{esc(key_text(item))}**。"
            f"{esc(item.explanation)}（出处：《{esc(_title(quiz, item))}》{esc(item.label)}）"
        )
    return "\n".join(lines)


def _wrong_choices(quiz: Quiz, result: Result) -> list[tuple[str, str]]:
    numbers = {item.id: n for n, item in enumerate(quiz.items, 1)}
    return [(f"📄 第{numbers[i.id]}题 · {i.label} {i.title}", i.id) for i in result.wrong]


def _layout(qa: PolicyQA) -> TrainingTab:
    gr.Markdown(
        "依据文件原文出题：选择文件、题型、题量和难度，生成试题后可以预览、在线答题，"
        "或下载试卷、答案和学习提纲。"
    )
    quiz_state = gr.State(None)
    answers = gr.State({})
    with gr.Row():
        documents = gr.Dropdown(
            _choices(qa), multiselect=True, label="文件（可多选）", scale=3, elem_id="train-docs"
        )
        types = gr.CheckboxGroup(
            TYPE_CHOICES, value=[t.value for t in ItemType], label="题型", scale=2,
            elem_id="train-types",
        )  # fmt: skip
    with gr.Row():
        count = gr.Slider(4, 60, value=10, step=1, label="题目数量", elem_id="train-count")
        difficulty = gr.Dropdown(
            DIFFICULTY_CHOICES, value="1-3", label="难度", elem_id="train-difficulty"
        )
        seed = gr.Number(
            1,
            precision=0,
            minimum=0,
            label="随机种子（相同种子得到相同试题）",
            elem_id="train-seed",
        )
        generate = gr.Button("生成试题", variant="primary", elem_id="train-generate")
    summary = gr.Markdown(elem_id="train-summary")
    with gr.Tabs():
        with gr.Tab("预览（含答案）", id="train-preview-tab"):
            preview = gr.HTML(EMPTY_PREVIEW, elem_id="train-preview")
        with gr.Tab("在线答题", id="train-take-tab"):
            _answer_boxes(quiz_state, answers)
            submit = gr.Button("交卷", variant="primary", elem_id="train-submit")
            outcome = gr.Markdown(elem_id="train-score")
            wrong = gr.Radio([], label="错题出处（点击查看文件原文）", elem_id="train-wrong")
            viewer = gr.HTML(EMPTY_VIEWER, elem_id="train-viewer")
        with gr.Tab("下载", id="train-download-tab"):
            with gr.Row():
                downloads = [
                    (gr.Button("试卷（Word，含答案页）", elem_id="train-dl-paper"), "paper"),
                    (gr.Button("试题与答案（Excel）", elem_id="train-dl-xlsx"), "xlsx"),
                    (gr.Button("答案与解析（Word）", elem_id="train-dl-key"), "key"),
                    (gr.Button("学习提纲（Word）", elem_id="train-dl-guide"), "guide"),
                ]
            files = gr.File(
                label="下载文件", file_count="multiple", visible=False, elem_id="train-files"
            )
    return TrainingTab(
        documents, types, count, difficulty, seed, generate, summary, preview, submit, outcome,
        wrong, viewer, downloads, files, quiz_state, answers,
    )  # fmt: skip


def _answer_boxes(quiz_state: gr.State, answers: gr.State) -> None:
    """One answer box per item, made again whenever a new quiz is generated."""

    @gr.render(inputs=quiz_state)  # type: ignore[untyped-decorator]
    def take(quiz: Quiz | None) -> None:
        if quiz is None:
            gr.Markdown("请先生成试题。")
            return
        for n, item in enumerate(quiz.items, 1):
            label = f"{n}. （{TYPE_NAMES[item.type]}，{SCORES[item.type]}分）{item.question}"
            box: Any
            if item.type is ItemType.MULTI:
                box = gr.CheckboxGroup(item.lettered_options(), label=label, elem_id=f"train-q{n}")
            elif item.type is ItemType.BLANK:
                box = gr.Textbox(label=label, placeholder="填写原文用语", elem_id=f"train-q{n}")
            else:
                box = gr.Radio(item.lettered_options(), label=label, elem_id=f"train-q{n}")
            box.change(_answer(item), [box, answers], answers, api_visibility="private")


def _wire_generate(qa: PolicyQA, t: TrainingTab) -> None:
    def refresh_documents(chosen: list[str] | None) -> Any:
        choices = _choices(qa)
        known = {value for _, value in choices}
        return gr.update(choices=choices, value=[d for d in chosen or [] if d in known])

    t.documents.focus(refresh_documents, t.documents, t.documents, api_visibility="private")

    def make(
        doc_ids: list[str] | None, kinds: list[str] | None, n: float, level: str, s: float | None
    ) -> tuple[Any, ...]:
        unchanged = (gr.skip(),) * 4
        if not doc_ids:
            gr.Warning("请先选择文件。")
            return unchanged
        if not kinds:
            gr.Warning("请至少选择一种题型。")
            return unchanged
        try:
            quiz = qa.quiz(doc_ids, n=int(n), seed=int(s or 0), types=kinds, difficulty=level)
        except ValueError as exc:
            gr.Warning(str(exc))
            return unchanged
        note = summary_text(quiz)
        if len(quiz.items) < int(n):
            note += f"（所选文件和条件下只能出 {len(quiz.items)} 道经核对的题。）"
        return quiz, {}, note, preview_html(quiz)

    inputs = [t.documents, t.types, t.count, t.difficulty, t.seed]
    outputs = [t.quiz, t.answers, t.summary, t.preview]
    t.generate.click(make, inputs, outputs, api_name="quiz_generate").then(
        lambda: ("", gr.update(choices=[], value=None), EMPTY_VIEWER),
        None,
        [t.outcome, t.wrong, t.viewer],
        api_visibility="private",
    )


def _wire_submit(qa: PolicyQA, t: TrainingTab) -> None:
    def hand_in(quiz: Quiz | None, given: dict[str, Any]) -> tuple[Any, ...]:
        if quiz is None:
            return "请先生成试题。", gr.update(choices=[], value=None)
        result = score(quiz, given)
        choices = _wrong_choices(quiz, result)
        return result_text(quiz, result, given), gr.update(choices=choices, value=None)

    t.submit.click(hand_in, [t.quiz, t.answers], [t.outcome, t.wrong], api_name="quiz_submit")

    def open_source(item_id: str | None, quiz: Quiz | None) -> str:
        item = next((i for i in quiz.items if i.id == item_id), None) if quiz and item_id else None
        if item is None:
            return EMPTY_VIEWER
        p = qa.corpus.by_ref.get((item.doc_id, item.key))
        if p is None:
            return '<div class="provision pv-empty">文件已被删除，找不到该条款。</div>'
        document = qa.corpus.document_by_id.get(item.doc_id)
        return provision_html(p, document, quotes=[item.quote])

    t.wrong.input(open_source, [t.wrong, t.quiz], t.viewer, api_name="quiz_open_source")


def _short(title: str) -> str:
    """A file name from a document's title (never its internal id)."""
    return safe_name(title.removeprefix("关于")[:24]) or "文件"


def _write(qa: PolicyQA, kind: str, quiz: Quiz) -> list[Path]:
    folder = _folder()
    name = "试卷" if len(quiz.doc_ids) != 1 else f"试卷-{_short(quiz.titles[0])}"
    if kind == "paper":
        return [write_quiz(quiz, "docx", folder / f"{name}.docx", qa.documents())]
    if kind == "xlsx":
        return [write_quiz(quiz, "xlsx", folder / f"{name}.xlsx")]
    if kind == "key":
        path = folder / f"答案-{name}.docx"
        return [write_quiz_docx(quiz, path, qa.documents(), questions=False)]
    return [
        write_guide(qa.guide(d), "docx", folder / f"学习提纲-{_short(t)}.docx")
        for d, t in zip(quiz.doc_ids, quiz.titles, strict=True)
    ]


def _wire_downloads(qa: PolicyQA, t: TrainingTab) -> None:
    def download(kind: str, quiz: Quiz | None) -> Any:
        if quiz is None:
            gr.Warning("请先生成试题。")
            return gr.update(visible=False)
        return gr.update(value=[str(p) for p in _write(qa, kind, quiz)], visible=True)

    for button, kind in t.downloads:
        button.click(
            lambda q, kind=kind: download(kind, q),
            t.quiz,
            t.files,
            api_name=f"quiz_download_{kind}",
        )


def build(qa: PolicyQA) -> TrainingTab:
    tab = _layout(qa)
    _wire_generate(qa, tab)
    _wire_submit(qa, tab)
    _wire_downloads(qa, tab)
    return tab


def _answer(item: QuizItem) -> Any:
    """The change handler of one answer box: the answers so far, with this item's."""

    def store(value: Any, given: dict[str, Any]) -> dict[str, Any]:
        if item.type in (ItemType.SINGLE, ItemType.JUDGE) and isinstance(value, str):
            value = value.split(".", 1)[0] if item.type is ItemType.SINGLE else value
        elif item.type is ItemType.MULTI:
            value = [v.split(".", 1)[0] for v in value or []]
        return {**given, item.id: value}

    return store
