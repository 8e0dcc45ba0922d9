"""Answers from the tables and verbatim sentences: the `composer` backend, its grounded quotes and templates."""

from assistant.compose.composer import Composer

__all__ = ["Composer"]
