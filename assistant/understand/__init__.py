"""The question → Query: intent, asked role, departments, article numbers, document scope, follow-ups."""

from assistant.understand.intent import Intent, Query, Role, understand

__all__ = ["Intent", "Query", "Role", "understand"]
