"""Errors the follow-up rules raise; the store and the services pass them on unchanged.

Why a module of their own: the rules (``bot.domain``), the store (``bot.store``) and the bot all
raise or catch them, and none of those should import another just for an exception class. For now
each carries a finished Danish ``message`` that is safe to show a caseworker.
"""

from __future__ import annotations


class TransitionError(ValueError):
    """A refused change; ``message`` is Danish and safe to show a caseworker."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConflictError(TransitionError):
    """Someone else changed the record since the caller read it (``expected_version`` mismatch)."""


class NotFoundError(TransitionError):
    """There is no follow-up for this job order and candidate."""
