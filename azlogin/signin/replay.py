"""A UI that answers the browser from what the HTTP path already asked, so a hand-over
never asks the person twice."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

from ..ui import UI, Option
from .handover import Given


class ReplayUI:
    def __init__(self, inner: UI, given: Given) -> None:
        self.inner = inner
        self.given = given
        self.interactive = inner.interactive

    def info(self, message: str) -> None:
        self.inner.info(message)

    def warn(self, message: str) -> None:
        self.inner.warn(message)

    def ask_username(self, default: str | None) -> str:
        # Once: if the page asks again, Entra refused it and the person must say.
        if self.given.username is not None:
            username, self.given.username = self.given.username, None
            return username
        return self.inner.ask_username(default)

    def ask_password(self, username: str) -> str:
        if self.given.password is not None:
            password, self.given.password = self.given.password, None
            return password
        return self.inner.ask_password(username)

    def ask_code(self, description: str) -> str:
        return self.inner.ask_code(description)  # codes are single-use: never replayed

    def choose(
        self,
        question: str,
        options: Sequence[Option],
        default: str | None = None,
        *,
        searchable: bool = False,
    ) -> str:
        given = self.given.choices.pop(question, None)
        if given is not None and any(o.value == given for o in options):
            return given
        return self.inner.choose(question, options, default, searchable=searchable)

    def waiting(
        self, message: str, number: str | None = None
    ) -> contextlib.AbstractContextManager[None]:
        return self.inner.waiting(message, number)

    def ask_text(self, question: str, default: str, check: Callable[[str], str | None]) -> str:
        return self.inner.ask_text(question, default, check)

    def confirm(self, question: str, default: bool) -> bool:
        return self.inner.confirm(question, default)
