"""Training material from the structured index: quiz items with a verified key, printable papers
(.docx / .xlsx / .md) and study guides."""

from assistant.quiz.generate import QuizRequest, generate, parse_difficulty, parse_types
from assistant.quiz.guide import Guide, build_guide
from assistant.quiz.model import Claim, Dropped, ItemType, Quiz, QuizItem, Topic

__all__ = [
    "Claim",
    "Dropped",
    "Guide",
    "ItemType",
    "Quiz",
    "QuizItem",
    "QuizRequest",
    "Topic",
    "build_guide",
    "generate",
    "parse_difficulty",
    "parse_types",
]
