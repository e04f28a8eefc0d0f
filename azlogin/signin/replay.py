"""A UI that answers the browser from what the HTTP path already asked, so a hand-over
never asks the person twice."""

from __future__ import annotations

from collections.abc import Sequence

from ..ui import UI, Forwarding, Option
from .handover import Given


class ReplayUI(Forwarding):
    def __init__(self, inner: UI, given: Given) -> None:
        super().__init__(inner)
        self.given = given

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

    # ask_code is forwarded: codes are single-use, never replayed.

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
