"""Transitional names for the verbs not yet moved to :mod:`plan` / :mod:`run`."""

from __future__ import annotations

from .credentials import hours_text
from .plan import Request as LoginRequest
from .run import Outcome as Obtained
from .run import obtain, web_identity
from .runtime import AssertionProvider
from .runtime import Runtime as World

__all__ = [
    "AssertionProvider",
    "LoginRequest",
    "Obtained",
    "World",
    "hours_text",
    "obtain",
    "web_identity",
]
