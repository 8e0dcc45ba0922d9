"""`policyqa` command line: ingest | docs | provisions | ask | chat | eval | serve | quiz | guide."""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from assistant.answer import Answer
from assistant.index.store import IngestReport
from assistant.index.tables import document_to_dict, provision_to_dict
from assistant.service import PolicyQA
from assistant.settings import Settings
from assistant.understand.followup import Turn

# Exit codes (README "Reliability"): 0 ok; 1 the command failed, or some of the files it was given
# could not be ingested (each is named on stderr); 2 usage: a bad argument, option or document id.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. stdout carries only the command's result (with `--json`, only JSON);
    progress, notices and errors go to stderr, in Chinese, without a traceback unless `-v`."""
    args = _parser().parse_args(argv)
    _configure_logging(args.verbose)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except ValueError as exc:
        print(f"错误：{safe(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except Exception:  # the user sees one line; -v shows the trace
        logging.getLogger(__name__).debug("command failed", exc_info=True)
        print("错误：运行失败（程序内部错误），加 -v 可查看详细信息", file=sys.stderr)
        return EXIT_FAILED


class _Quiet(logging.Formatter):
    """Log lines without tracebacks: a user sees what failed, `-v` shows where."""

    def formatException(self, ei: Any) -> str:
        return ""

    def format(self, record: logging.LogRecord) -> str:
        record.exc_text = None
        return super().format(record).rstrip()


def _configure_logging(verbose: bool) -> None:
    """`-v`: every log line with its traceback. Otherwise the libraries' English log lines and
    warnings stay out of the way: a user reads the CLI's own Chinese messages (a failed file is
    always reported by name); only critical log lines are shown, without a traceback. Logging
    that is already set up (a host program, the tests) is left as it is."""
    if logging.getLogger().handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    fmt = "%(levelname)s %(name)s: %(message)s"
    handler.setFormatter(logging.Formatter(fmt) if verbose else _Quiet(fmt))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.CRITICAL, handlers=[handler])
    logging.captureWarnings(True)


def safe(text: str) -> str:
    """Text for a terminal: control characters (ANSI escapes, bidi overrides) from file names or
    documents are shown as �, never interpreted."""
    return _CONTROL.sub("\ufffd", text)


# argparse's own messages, in Chinese (usage errors exit 2)
_ARGPARSE_TEXT = (
    (r"the following arguments are required: (.*)", r"缺少参数：\1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (
        r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
        r"参数 \1 的值 \2 无效（可选：\3）",
    ),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"参数 \1 的值 \3 无效"),
    (r"argument (\S+): expected one argument", r"参数 \1 需要一个值"),
    (r"argument (\S+): (.*)", r"参数 \1：\2"),
)


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese help headings and usage errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示帮助并退出")

    def error(self, message: str) -> NoReturn:
        for pattern, chinese in _ARGPARSE_TEXT:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, chinese, message)
                break
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"错误：{safe(message)}（用 {self.prog} -h 查看帮助）\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="policyqa", description="政策问答助手：依据政策文件原文回答并注明出处。")
    p.add_argument(
        "-v", "--verbose", action="store_true", help="输出调试日志（含每个问题检索到的条款）"
    )
    sub = p.add_subparsers(dest="command", required=True, title="命令", metavar="命令")

    s = sub.add_parser("ingest", help="导入文件或文件夹（默认 corpus/）；未变化的文件会跳过")
    s.add_argument("paths", nargs="*", type=Path, help="文件或文件夹")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("docs", help="列出已导入的文件")
    s.add_argument("--json", action="store_true", help="以 JSON 输出")
    s.set_defaults(func=cmd_docs)

    s = sub.add_parser("provisions", help="列出条款及其牵头、配合部门")
    s.add_argument("--doc", help="只列出该文件（doc_id）")
    s.add_argument("--json", action="store_true", help="以 JSON 输出")
    s.set_defaults(func=cmd_provisions)

    s = sub.add_parser("ask", help="提一个问题")
    s.add_argument("question", help="问题，例如：绿色金融由谁牵头？")
    s.add_argument("--doc", help="限定在该文件（doc_id）内回答")
    s.add_argument("--backend", help="回答后端：composer（默认）、local、openai")
    s.add_argument("--json", action="store_true", help="输出 Answer JSON")
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("chat", help="多轮对话（终端）")
    s.add_argument("--doc", help="限定在该文件（doc_id）内回答")
    s.add_argument("--backend", help="回答后端：composer（默认）、local、openai")
    s.set_defaults(func=cmd_chat)

    s = sub.add_parser("serve", help="打开网页应用（首次启动时建立索引）")
    s.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    s.add_argument("--port", type=int, default=7860, help="端口（默认 7860）")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("eval", help="用问题集评测，写出 report.md、scores.json、answers.jsonl")
    s.add_argument(
        "--questions", nargs="*", type=Path, help="JSONL 问题集（默认 eval/questions/seed.jsonl）"
    )
    s.add_argument("--backend", default="composer", help="回答后端")
    s.add_argument("--out", type=Path, default=Path("eval/out"), help="输出文件夹")
    s.add_argument(
        "--ingest",
        nargs="*",
        type=Path,
        default=[],
        help="评测前先导入这些文件或文件夹（如外部语料）",
    )
    s.add_argument("--no-baselines", action="store_true", help="不计算对比基线（更快）")
    s.add_argument(
        "--scoped",
        action="store_true",
        help="每个问题限定在它所问的文件内提问（如在界面中选定文件）",
    )
    s.set_defaults(func=cmd_eval)

    s = sub.add_parser(
        "quiz", help="依据文件原文出题（答案均经索引核对）；docx 为可打印试卷，含答案页"
    )
    s.add_argument(
        "--doc",
        nargs="+",
        action="extend",
        default=[],
        help="出题的文件（doc_id，可多个；默认全部）",
    )
    s.add_argument("--n", type=int, default=20, help="题目数量（默认 20）")
    s.add_argument("--seed", type=int, default=0, help="随机种子：同一种子得到同一份试题")
    s.add_argument(
        "--types", default="single,multi,judge,blank", help="题型：single,multi,judge,blank"
    )
    s.add_argument("--difficulty", default="1-3", help="难度 1–3，或范围如 1-2（默认 1-3）")
    s.add_argument(
        "--format", default="json", choices=["json", "md", "docx", "xlsx"], help="输出格式"
    )
    s.add_argument("--out", type=Path, help="写入文件（docx、xlsx 未指定时写到当前文件夹）")
    s.add_argument(
        "--rephrase", choices=["local", "openai"], help="用大模型改写题干（选项和答案不变）"
    )
    s.set_defaults(func=cmd_quiz)

    s = sub.add_parser("guide", help="学习提纲：文件结构、任务、责任分工、关键数字、约束性要求")
    s.add_argument("--doc", required=True, help="文件（doc_id）")
    s.add_argument("--format", default="md", choices=["md", "docx"], help="输出格式（默认 md）")
    s.add_argument("--out", type=Path, help="写入文件（docx 未指定时写到当前文件夹）")
    s.set_defaults(func=cmd_guide)
    return p


def _service(progress: bool = True) -> PolicyQA:
    """The service, with the index built first when it is missing (its report on stderr: stdout
    belongs to the command's result)."""
    qa = PolicyQA(Settings())
    if qa.index.is_empty or qa.index.stale_sources():
        print(f"正在建立索引（{safe(str(qa.settings.index))}）……", file=sys.stderr)
        report = qa.ensure_index(_progress if progress else None)
        if report is not None:
            _print_report(report, sys.stderr)
    return qa


def _progress(message: str, fraction: float) -> None:
    shown = safe(message)[:60]
    print(f"\r[{fraction:6.1%}] {shown:<60}", end="", file=sys.stderr, flush=True)
    if fraction >= 1:
        print(file=sys.stderr)


def _print_report(report: IngestReport, out: TextIO | None = None) -> None:
    """What was ingested (on `out`, stdout by default); warnings and failures on stderr."""
    out = out or sys.stdout
    for doc_id in report.added:
        print(f"已导入：{safe(doc_id)}", file=out)
    for doc_id in report.replaced:
        print(f"已更新：{safe(doc_id)}", file=out)
    for doc_id in report.unchanged:
        print(f"未变化，跳过：{safe(doc_id)}", file=out)
    for path, message in report.warnings:
        print(f"提示：{safe(path)}：{safe(message)}", file=sys.stderr)
    for path, message in report.failed:
        print(f"导入失败：{safe(path)}：{safe(message)}", file=sys.stderr)
    if report.failed:
        print(f"共 {len(report.failed)} 个文件导入失败，已导入的内容保持不变。", file=sys.stderr)


def cmd_ingest(args: argparse.Namespace) -> int:
    qa = PolicyQA(Settings())
    paths = args.paths or [qa.settings.corpus]
    report = qa.ingest(paths, _progress)
    _print_report(report)
    return EXIT_FAILED if report.failed else EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    qa = _service()
    docs = qa.documents()
    if args.json:
        _print_json([{**document_to_dict(d), "short_name": qa.short_name(d.doc_id)} for d in docs])
        return 0
    for d in docs:
        n = len(qa.provisions(d.doc_id))
        line = (
            f"{d.doc_id}\t{qa.short_name(d.doc_id)}\t{d.doc_number or '-'}\t{d.date or '-'}"
            f"\t{n} 条款\t{d.title}"
        )
        print(safe(line))
    return 0


def cmd_provisions(args: argparse.Namespace) -> int:
    qa = _service()
    if args.doc and args.doc not in {d.doc_id for d in qa.documents()}:
        raise ValueError(f"没有这个文件：{args.doc}（用 policyqa docs 查看）")
    provisions = qa.provisions(args.doc)
    if args.json:
        _print_json([provision_to_dict(p) for p in provisions])
        return 0
    for p in provisions:
        r = p.responsibility
        who = (
            f"牵头：{'、'.join(r.lead) or '-'}；配合：{'、'.join(r.co) or '-'}"
            if not r.is_empty
            else ""
        )
        print(safe(f"{p.key:<12}{p.label:<10}{p.title[:30]:<32}{who}"))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    qa = _service()
    answer = qa.ask(args.question, doc_id=args.doc, backend=args.backend)
    if args.json:
        _print_json(answer.to_json())
    else:
        print(render(answer))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    qa = _service()
    history: list[Turn] = []
    print("政策问答助手（输入问题；空行或 Ctrl-D 退出）")
    while True:
        try:
            question = input("问> ").strip()
        except EOFError:
            break
        if not question:
            break
        answer = qa.ask(question, history=history, doc_id=args.doc, backend=args.backend)
        print(render(answer))
        history += [
            Turn(role="user", content=question),
            Turn(role="assistant", content=answer.text),
        ]
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.app import serve  # noqa: PLC0415 - gradio is only loaded for the app

    serve(host=args.host, port=args.port)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.run import run_eval  # noqa: PLC0415 - the evaluation is only loaded when asked for

    qa = _service()
    if args.ingest:
        report = qa.ingest(args.ingest, _progress)
        _print_report(report, sys.stderr)
    questions = args.questions or [Path("eval/questions/seed.jsonl")]
    scores = run_eval(
        qa,
        questions,
        backend=args.backend,
        out=args.out,
        baselines=not args.no_baselines,
        scoped=args.scoped,
    )
    print(json.dumps(scores["overall"], ensure_ascii=False, indent=2))
    print(f"报告：{args.out / 'report.md'}")
    return 0


def cmd_quiz(args: argparse.Namespace) -> int:
    from assistant.quiz.output import default_name, quiz_text, write_quiz  # noqa: PLC0415

    qa = _service()
    quiz = qa.quiz(
        args.doc,
        n=args.n,
        seed=args.seed,
        types=args.types,
        difficulty=args.difficulty,
        rephrase=args.rephrase,
    )
    note = f"共 {len(quiz.items)} 题（候选 {quiz.candidates} 题，核对未通过而舍弃 {len(quiz.dropped)} 题）"
    if quiz.rephrased or quiz.rephrase_rejected:
        note += f"；改写题干 {quiz.rephrased} 题，未采用的改写 {quiz.rephrase_rejected} 题"
    print(note, file=sys.stderr)
    if args.out is None and args.format in ("json", "md"):
        print(quiz_text(quiz, args.format, qa.documents()))
        return 0
    path = args.out or default_name("quiz", quiz.doc_ids, args.seed, args.format)
    print(write_quiz(quiz, args.format, path, qa.documents()))
    return 0


def cmd_guide(args: argparse.Namespace) -> int:
    from assistant.quiz.output import default_name, write_guide  # noqa: PLC0415
    from assistant.quiz.render_md import guide_markdown  # noqa: PLC0415

    qa = _service()
    guide = qa.guide(args.doc)
    if args.out is None and args.format == "md":
        print(safe(guide_markdown(guide)))
        return 0
    path = args.out or default_name("guide", [args.doc], None, args.format)
    print(write_guide(guide, args.format, path))
    return 0


def render(answer: Answer) -> str:
    lines = [answer.text]
    if answer.citations:
        lines.append("\n出处：")
        for c in answer.citations:
            who = f"；牵头：{'、'.join(c.lead)}" if c.lead else ""
            lines.append(f"- {c.label} {c.title}（{c.key}{who}）")
    return safe("\n".join(lines))


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))
